"""A request's clock end to end by SMS (fake Twilio, the real app on a port, the ask job
as the scheduler runs it, a test clock): the letter went by post; Lotse's question
waits out the night; no answer came, so the reminder comes as a short link to its PDF,
then, after its two weeks, the complaint to the AZR's supervisory authority. Every SMS
within three segments. Dates: tests/support/rights_clock.py."""

from __future__ import annotations

import re

import aiohttp

from bot.kernel.sms import segments
from bot.rights import RequestStatus
from tests.support.clock import Clock
from tests.support.rights_channels import TYPED, Texting, onboard
from tests.support.twilio import (
    Lotse,
    twilio_fake,  # noqa: F401  (the fixture `fake`)
    twilio_lotse,  # noqa: F401  (the fixture `lotse`)
)

from tests.support.rights_clock import (  # isort: skip
    EARLY, MORNING, NIGHT, REMINDER_DUE_AT, SOON_AT, is_complaint, is_reminder,
    request_row, run_ask_job,
)  # fmt: skip

TO_ACCESS = ("My data", "Who holds my data", "Protection granted", "Not sure", "Not sure",
             "AZR", "Write a request", "What they hold", "I agree")  # fmt: skip


def joined(bodies: list[str]) -> str:
    return " ".join(" ".join(body.split()) for body in bodies)


async def asked(lotse: Lotse, person: Texting) -> list[str]:
    """The ask job's run, and what reached the phone."""
    seen = len(lotse.fake.to(person.phone.address))
    await run_ask_job(lotse.services)
    return await person.received(seen)


async def pdf_behind(lotse: Lotse, bodies: list[str]) -> bytes:
    """The letter behind the short link in `bodies`: its page, then the PDF it serves."""
    link = re.search(r"Your letter: (\S+) The link works until", joined(bodies))
    assert link is not None, bodies
    async with aiohttp.ClientSession() as web:
        page = await web.get(link[1])
        assert page.status == 200
        pdf_path = re.search(r'href="(/r/[^"]+\.pdf)"', await page.text())
        assert pdf_path is not None
        response = await web.get(lotse.url + pdf_path[1])
        assert response.status == 200
        return await response.read()


def within_three_segments(bodies: list[str]) -> None:
    assert bodies and all(segments(body) <= 3 for body in bodies), bodies


async def test_no_answer_the_reminder_then_the_complaint(lotse: Lotse, clock: Clock) -> None:
    person = Texting(lotse, "+4915112340021")
    await onboard(person)
    for label in TO_ACCESS:
        await person.pick(label)
    for _, text in TYPED:
        await person.say(text)
    assert "How did you send your letter?" in joined(person.bodies)
    await person.pick("By post")
    noted = joined(await person.pick("Today"))
    assert "They must answer by about December 28, 2026." in noted

    # A week before the deadline: answered later.
    clock.now = SOON_AT
    soon = await asked(lotse, person)
    assert "Has an answer come?" in joined(soon)
    within_three_segments(soon)
    assert "My requests" in joined(await person.pick("Answer later"))

    # The day after the deadline, at night: the question waits for the morning.
    clock.now = NIGHT
    assert await asked(lotse, person) == []
    clock.now = EARLY
    assert await asked(lotse, person) == []
    clock.now = MORNING
    due = await asked(lotse, person)
    assert "Their deadline was about December 28, 2026." in joined(due)
    within_three_segments(due)
    offer = await person.pick("No, not yet")
    assert "They did not answer in time." in joined(offer)
    made = await person.pick("Make the reminder")
    within_three_segments(made)
    is_reminder(await pdf_behind(lotse, made))
    assert "How did you send the reminder?" in joined(made)
    within_three_segments(await person.pick("By post"))
    runs = joined(await person.pick("Today"))
    assert "Your reminder gives them until January 18, 2027." in runs
    assert (await request_row(lotse.services)).status == RequestStatus.REMINDED

    # Its two weeks pass: the question again, then the complaint.
    clock.now = REMINDER_DUE_AT
    again = await asked(lotse, person)
    assert "The deadline in your reminder was January 18, 2027." in joined(again)
    offer = await person.pick("No, not yet")
    assert "They did not answer your reminder either." in joined(offer)
    within_three_segments(offer)
    made = await person.pick("Make the complaint")
    is_complaint(await pdf_behind(lotse, made))
    await person.pick("By post")
    assert "The authority now deals with it." in joined(await person.pick("Today"))
    assert (await request_row(lotse.services)).status == RequestStatus.COMPLAINT
    within_three_segments([m.body or "" for m in lotse.fake.to(person.phone.address)])
