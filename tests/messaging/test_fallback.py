"""Unexpected input at any step gets a helpful answer and a way back; never a crash."""

from __future__ import annotations

import pytest

from tests.support.factories import ChatPerson

ODD_INPUTS = ["hi", "مرحبا", "👍🏽🎉", "x" * 4000, "1000", "0", "<script>alert(1)</script>"]

#: Paths to each step of every flow: the choices that lead there.
STEPS = {
    "language menu": [],
    "welcome": None,  # opened with a language hint
    "about": ["continue"],
    "consent": ["continue", "continue"],
    "menu": ["continue", "continue", "yes"],
    "settings": ["continue", "continue", "yes", "settings"],
    "settings language": ["continue", "continue", "yes", "settings", "language"],
    "settings consent": ["continue", "continue", "yes", "settings", "consent"],
    "delete confirm": ["continue", "continue", "yes", "delete"],
}


@pytest.mark.parametrize("step", list(STEPS))
async def test_odd_input_at_every_step(client, services, step: str) -> None:
    person = ChatPerson(client, services)
    path = STEPS[step]
    await person.open(language=None if path == [] else "en")
    for choice in path or []:
        await person.choose(choice)
    offered_before = person.offered
    for text in ODD_INPUTS:
        bot = await person.say(text)
        assert bot, f"no answer to {text[:20]!r} at {step}"
        assert person.offered == offered_before, f"{step}: the question changed on {text[:20]!r}"
        assert "Sorry" in bot[0]["text"] or bot[0]["lang"] != "en"
    await person.say("menu")
    assert person.offered  # always a way on


async def test_numbers_and_labels_pick_choices(client, services) -> None:
    person = ChatPerson(client, services)
    await person.open(language="en")
    await person.say(" continue! ")
    await person.say("1")
    bot = await person.say("YES")
    assert any("Confirmation" in m["text"] for m in bot)
