"""Export my data, step by step: the question per channel, yes and back, the answer that
carries the export, and a second yes moments later pointing to the first."""

from __future__ import annotations

import pytest

from bot.conversation import Input
from bot.kernel.types import Channel
from flows.my_data_export import DELIVERED, WHAT, MyDataExportFlow
from tests.support.steps import Bench, choice_ids, msgids

FLOW = MyDataExportFlow()


@pytest.mark.parametrize(
    ("channel", "asked"),
    [
        (Channel.WEBCHAT, "{what} The links work only in this chat, for {hours} hours. "
                          "Make it now?"),
        (Channel.TELEGRAM, "{what} Send the document here?"),
        (Channel.SMS, "We text you a link to all your data. It shows your number in full, "
                      "your address shortened. It works for {minutes} minutes. Send it?"),
        (Channel.WHATSAPP, "We text you a link to all your data. It shows your number in "
                           "full, your address shortened. It works for {minutes} minutes. "
                           "Send it?"),
    ],
)  # fmt: skip
async def test_the_question_says_what_comes_where(
    bench: Bench, channel: Channel, asked: str
) -> None:
    person = bench.person(f"+49151000000{len(channel)}", channel=channel)
    step = await person.enter(FLOW)
    [reply] = step.replies
    assert msgids(reply) == [asked] and choice_ids(reply) == ["yes", "back"]
    if "{what}" in asked:
        assert reply.texts[0].params["what"] == WHAT
    assert (step.flow, step.step) == ("my_data_export", "confirm")


async def test_back_makes_nothing(bench: Bench) -> None:
    person = bench.person()
    await person.enter(FLOW)
    step = await person.handle(FLOW, "confirm", Input(choice="back"))
    assert step is not None and (step.flow, step.replies) == ("menu", ())
    assert await person.handle(FLOW, "confirm", Input(text="maybe")) is None


async def test_yes_carries_the_export_and_a_second_yes_points_to_it(bench: Bench) -> None:
    person = bench.person("tg-1", channel=Channel.TELEGRAM)
    await person.enter(FLOW)
    first = await person.handle(FLOW, "confirm", Input(choice="yes"))
    assert first is not None and first.flow == "menu"
    [sent] = first.replies
    assert sent.texts == (DELIVERED,) and sent.attachment is not None
    assert sent.attachment.startswith("mydata-export:")

    again = await person.handle(FLOW, "confirm", Input(choice="yes"))
    assert again is not None
    [said] = again.replies
    assert msgids(said) == ["Your document was made a moment ago. Please use that one."]
    assert said.attachment is None  # Telegram: the files are not sent a second time
