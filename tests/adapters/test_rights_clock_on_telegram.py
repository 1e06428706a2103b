"""A request's clock end to end on Telegram (fake Bot API, the real app, the ask job as
the scheduler runs it, a test clock): the person says the letter went by post; Lotse
asks a week before the deadline and the day after it, never at night; no answer came,
so the reminder comes as a document, then, after its two weeks, the complaint to the
AZR's supervisory authority. And a request answered in time, closed from the question.
Dates: tests/support/rights_clock.py."""

from __future__ import annotations

from typing import Any

from bot.rights import Ask, RequestStatus
from tests.support.clock import Clock
from tests.support.rights_channels import TO_AZR, TYPED
from tests.support.telegram import (
    Harness,
    TelegramPerson,
    buttons,
    telegram_fake,  # noqa: F401  (the fixture `fake`)
    telegram_harness,  # noqa: F401  (the fixture `tg`)
)

from tests.support.rights_clock import (  # isort: skip
    DUE_AT, EARLY, MORNING, NIGHT, REMINDER_DUE_AT, SOON_AT, is_complaint, is_reminder,
    request_row, run_ask_job,
)  # fmt: skip

CHAT = 6234567011


def text_of(messages: list[dict[str, Any]]) -> str:
    return " ".join(" ".join(m["text"].split()) for m in messages)


async def letter_posted_today(person: TelegramPerson) -> None:
    """Onboarded on Telegram, an access request to the AZR made, its letter received
    here and said to have gone by post today."""
    await person.write("/start")
    for choice in ("continue", "continue", "yes", "yes", "rank:telegram"):
        await person.send(person.callback(choice))
    for choice in (*TO_AZR, "access", "agree"):
        await person.send(person.callback(choice))
    for _, text in TYPED:
        await person.write(text)
    made = await person.send(person.callback("yes"))
    assert "How did you send your letter?" in text_of(made)
    assert buttons(made[-1]) == ["post", "electronic", "in-person", "unsent"]
    asked = await person.send(person.callback("post"))
    assert buttons(asked[-1]) == ["today", "yesterday"]
    noted = text_of(await person.send(person.callback("today")))
    assert "We will ask you in time whether an answer came." in noted
    assert "They must answer by about December 28, 2026. This is an estimate" in noted


async def asked(tg: Harness, person: TelegramPerson) -> list[dict[str, Any]]:
    """The ask job's run, and what reached the chat."""
    await run_ask_job(tg.services)
    return await person.replies()


def document(tg: Harness, count: int) -> bytes:
    """The newest document sent to the chat, which is the `count`-th."""
    calls = tg.fake.calls_to("sendDocument")
    assert len(calls) == count
    data: bytes = calls[-1].params["document"]["data"]
    return data


async def test_no_answer_the_reminder_then_the_complaint(tg: Harness, clock: Clock) -> None:
    person = TelegramPerson(tg, CHAT, "en")
    await letter_posted_today(person)
    assert len(tg.fake.calls_to("sendDocument")) == 1  # the request letter

    # A week before the deadline: not yet; asked again the day after it.
    clock.now = SOON_AT
    soon = await asked(tg, person)
    assert "This is about your request to" in text_of(soon)
    assert "Has an answer come?" in text_of(soon)
    assert buttons(soon[-1]) == ["yes", "more-time", "not-yet", "later"]
    again = text_of(await person.send(person.callback("not-yet")))
    assert "we ask you again after December 28, 2026" in again

    # The question's time passed in the evening: quiet hours until the morning.
    clock.now = NIGHT
    assert await asked(tg, person) == []
    assert (await request_row(tg.services)).status == RequestStatus.OVERDUE  # at any hour
    clock.now = EARLY
    assert await asked(tg, person) == []
    clock.now = MORNING
    due = await asked(tg, person)
    assert "Their deadline was about December 28, 2026." in text_of(due)
    assert buttons(due[-1]) == ["yes", "not-yet", "later"]
    clock.advance(minutes=5)  # the next run
    assert await asked(tg, person) == []  # once

    # No answer: the reminder, as a document after yes, then when it went.
    offer = text_of(await person.send(person.callback("not-yet")))
    assert "They did not answer in time." in offer
    await person.send(person.callback("make-reminder"))
    made = await person.send(person.callback("yes"))
    is_reminder(document(tg, 2))
    assert "How did you send the reminder?" in text_of(made)
    await person.send(person.callback("post"))
    runs = text_of(await person.send(person.callback("today")))
    assert "Your reminder gives them until January 18, 2027." in runs
    row = await request_row(tg.services)
    assert (row.status, row.ask) == (RequestStatus.REMINDED, Ask.REMINDER_DUE)

    # The reminder's two weeks pass: the question again, and the complaint.
    clock.now = REMINDER_DUE_AT.replace(day=18)
    assert await asked(tg, person) == []
    clock.now = REMINDER_DUE_AT
    question = text_of(await asked(tg, person))
    assert "The deadline in your reminder was January 18, 2027." in question
    offer = text_of(await person.send(person.callback("not-yet")))
    assert "They did not answer your reminder either." in offer
    assert "Die Bundesbeauftragte für den Datenschutz" in offer
    await person.send(person.callback("make-complaint"))
    made = await person.send(person.callback("yes"))
    is_complaint(document(tg, 3))
    assert "How did you send the complaint?" in text_of(made)
    await person.send(person.callback("post"))
    said = text_of(await person.send(person.callback("today")))
    assert "The authority now deals with it." in said
    assert (await request_row(tg.services)).status == RequestStatus.COMPLAINT


async def test_answered_in_time_and_closed(tg: Harness, clock: Clock) -> None:
    person = TelegramPerson(tg, CHAT + 1, "en")
    await letter_posted_today(person)
    clock.now = SOON_AT
    await asked(tg, person)
    when = await person.send(person.callback("yes"))
    assert "On what date did the answer come?" in text_of(when)
    early = text_of(await person.write("20.11.2026"))
    assert "That date is earlier than your letter." in early
    gave = await person.write("18.12.2026")
    assert buttons(gave[-1]) == ["done", "partly", "refused"]
    closed = text_of(await person.send(person.callback("done")))
    assert "Good. Your request is done." in closed
    row = await request_row(tg.services)
    assert (row.status, row.outcome, str(row.answered_on)) == ("closed", "done", "2026-12-18")
    assert (row.ask, row.ask_at) == (None, None)
    clock.now = DUE_AT
    assert await asked(tg, person) == []  # nothing more is asked
    # Days later, My requests shows it done.
    restarted = text_of(await person.send(person.callback("my_data")))
    assert "We have not heard from you for a while" in restarted
    for choice in (*TO_AZR[:5], "requests"):
        listed = text_of(await person.send(person.callback(choice)))
    assert "1) Central Register of Foreign Nationals (AZR): access to your data, done." in listed
