"""A request's clock end to end on the web chat (its HTTP API, the real app, the ask job
as the scheduler runs it, a test clock). Lotse never writes first to a web chat, so
the person tells what happened in "My requests": no answer came, the reminder's link
opens its PDF, and after its two weeks the complaint's; or an answer came in time and
the request is closed. Dates: tests/support/rights_clock.py."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.rights import RequestStatus
from bot.runtime.services import Services
from tests.support.clock import Clock
from tests.support.factories import ChatPerson
from tests.support.flows import onboarded
from tests.support.rights_channels import TO_AZR, TYPED

from tests.support.rights_clock import (  # isort: skip
    MORNING, REMINDER_DUE_AT, SOON_AT, is_complaint, is_reminder, request_row, run_ask_job,
)  # fmt: skip

Client = TestClient[Any, Any]


def text_of(messages: list[dict[str, Any]]) -> str:
    return " ".join(" ".join(m["text"].split()) for m in messages)


async def posted_today(client: Client, services: Services) -> ChatPerson:
    person = await onboarded(client, services)
    for choice in (*TO_AZR, "access", "agree"):
        await person.choose(choice)
    for _, text in TYPED:
        await person.say(text)
    assert person.offered == ["post", "electronic", "in-person", "unsent"]
    await person.choose("post")
    noted = text_of(await person.choose("today"))
    assert "They must answer by about December 28, 2026." in noted
    return person


async def my_request(person: ChatPerson) -> str:
    """From wherever the chat is: My requests, the request, "Tell us what happened"."""
    await person.choose("my_data")
    if "holders" not in person.offered:  # the conversation had timed out: the menu again
        await person.choose("my_data")
    for choice in (*TO_AZR[1:5], "requests", "request:1"):
        await person.choose(choice)
    assert person.offered == ["update", "delete", "requests"]
    return text_of(await person.choose("update"))


async def letter_opened(client: Client, person: ChatPerson) -> bytes:
    [message] = [m for m in person.seen[-3:] if m["from"] == "bot" and m.get("documents")]
    [document] = message["documents"]
    response = await client.get(document["href"])
    assert response.status == 200 and document["type"] == "application/pdf"
    return await response.read()


async def test_no_answer_the_reminder_then_the_complaint(
    client: Client, services: Services, clock: Clock
) -> None:
    person = await posted_today(client, services)
    clock.now = MORNING  # the day after the deadline
    await run_ask_job(services)
    assert await person.replies() == []  # never written to first
    assert (await request_row(services)).status == RequestStatus.OVERDUE

    question = await my_request(person)
    assert "Their deadline was about December 28, 2026." in question
    assert person.offered == ["yes", "not-yet", "later"]
    assert "They did not answer in time." in text_of(await person.choose("not-yet"))
    made = text_of(await person.choose("make-reminder"))
    assert "Your letter is ready. Open it with the link below." in made
    is_reminder(await letter_opened(client, person))
    await person.choose("post")
    runs = text_of(await person.choose("today"))
    assert "Your reminder gives them until January 18, 2027." in runs

    clock.now = REMINDER_DUE_AT
    question = await my_request(person)
    assert "The deadline in your reminder was January 18, 2027." in question
    offer = text_of(await person.choose("not-yet"))
    assert "It goes to: Die Bundesbeauftragte für den Datenschutz" in offer
    await person.choose("make-complaint")
    is_complaint(await letter_opened(client, person))
    await person.choose("post")
    assert "The authority now deals with it." in text_of(await person.choose("today"))
    assert (await request_row(services)).status == RequestStatus.COMPLAINT


async def test_answered_in_time_and_closed(
    client: Client, services: Services, clock: Clock
) -> None:
    person = await posted_today(client, services)
    clock.now = SOON_AT
    question = await my_request(person)
    assert "They must answer by about December 28, 2026." in question
    assert person.offered == ["yes", "more-time", "not-yet", "later"]
    await person.choose("yes")
    await person.choose("yesterday")
    assert person.offered == ["done", "partly", "refused"]
    assert "Your request is done." in text_of(await person.choose("done"))
    row = await request_row(services)
    assert (row.status, str(row.answered_on), row.ask) == ("closed", "2026-12-20", None)
