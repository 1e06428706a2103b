"""The follow-up letters through the real port and the real clock: a request posted, no
answer by its deadline, the reminder made and posted, no answer by the reminder's
deadline, the complaint made; each letter states the dates the clock recorded. And a
refused answer leads straight to the complaint."""

from __future__ import annotations

from datetime import date

from bot.rights import IssuedLetter, RequestStatus, RequestView, open_in_chat
from bot.runtime.services import Services
from tests.rights.clock_support import SMS, reachable_person, ready_request, row_of
from tests.rights.pdf import pages, require_tools
from tests.rights.support import step
from tests.support.clock import Clock


async def letter_text(services: Services, clock: Clock, request_id: int) -> str:
    row = await row_of(services, request_id)
    assert row.contact_id is not None
    opened = await open_in_chat(
        services.sessionmaker,
        services.vault,
        contact_id=row.contact_id,
        request_id=request_id,
        now=clock(),
    )
    _, pdf = await services.letter_pdfs.pdf(opened)
    return " ".join(pages(pdf))


async def make(
    services: Services, clock: Clock, person: int, request_id: int, kind: str
) -> IssuedLetter | None:
    made = await step(services, clock, person, SMS, lambda port: port.letter(request_id, kind))
    assert made is None or isinstance(made, IssuedLetter)
    return made


async def test_no_answer_then_the_reminder_then_the_complaint(
    services: Services, clock: Clock
) -> None:
    require_tools()
    person = await reachable_person(services, clock)
    request_id = await ready_request(services, clock, person)
    # Posted on Monday 23 November 2026: arrives (estimated) Thursday 26 November, due
    # on Monday 28 December (the 26th is a Saturday).
    sent = await step(
        services, clock, person, SMS, lambda port: port.sent(request_id, date(2026, 11, 23), "post")
    )
    assert isinstance(sent, RequestView) and sent.clock is not None
    due = sent.clock.due_on
    assert await make(services, clock, person, request_id, "reminder") is None

    clock.advance(days=(due - clock().date()).days + 1)
    late = await step(services, clock, person, SMS, lambda port: port.no_answer(request_id))
    assert isinstance(late, RequestView) and late.status is RequestStatus.OVERDUE
    assert await make(services, clock, person, request_id, "complaint") is None
    assert await make(services, clock, person, request_id, "reminder") is not None
    reminder = await letter_text(services, clock, request_id)
    made_on = clock().date()
    assert "Erinnerung an meinen Antrag vom 23.11.2026" in reminder
    assert f"endete am {due:%d.%m.%Y}" in reminder
    assert "Ihnen am 26.11.2026 zugegangen" in reminder

    reminded = await step(
        services,
        clock,
        person,
        SMS,
        lambda port: port.sent(request_id, made_on, "post", "reminder"),
    )
    assert isinstance(reminded, RequestView) and reminded.clock is not None
    reminder_due = reminded.clock.reminder_due_on
    assert reminder_due is not None
    # The reminder states the deadline the clock keeps when it goes the day it is dated.
    assert f"bis zum {reminder_due:%d.%m.%Y} zu beantworten" in reminder
    assert await make(services, clock, person, request_id, "complaint") is None

    clock.advance(days=(reminder_due - clock().date()).days + 1)
    assert await make(services, clock, person, request_id, "complaint") is not None
    complaint = await letter_text(services, clock, request_id)
    assert "Beschwerde nach Art. 77 DSGVO: Bundesverwaltungsamt" in complaint
    assert f"Erinnerung abgesandt am {made_on:%d.%m.%Y}" in complaint
    assert f"Frist der Erinnerung {reminder_due:%d.%m.%Y}" in complaint
    assert "Antwort der Stelle keine" in complaint

    filed = await step(
        services,
        clock,
        person,
        SMS,
        lambda port: port.sent(request_id, clock().date(), "post", "complaint"),
    )
    assert isinstance(filed, RequestView) and filed.status is RequestStatus.COMPLAINT
    # Made again (a lost print): still possible, and the reminder no more.
    assert await make(services, clock, person, request_id, "complaint") is not None
    assert await make(services, clock, person, request_id, "reminder") is None


async def test_a_refused_answer_leads_to_the_complaint(services: Services, clock: Clock) -> None:
    require_tools()
    person = await reachable_person(services, clock)
    request_id = await ready_request(services, clock, person)
    await step(
        services,
        clock,
        person,
        SMS,
        lambda port: port.sent(request_id, clock().date(), "electronic"),
    )
    clock.advance(days=10)
    refused = await step(
        services,
        clock,
        person,
        SMS,
        lambda port: port.answered(request_id, clock().date(), "refused"),
    )
    assert isinstance(refused, RequestView) and refused.status is RequestStatus.ANSWERED
    assert await make(services, clock, person, request_id, "reminder") is None
    assert await make(services, clock, person, request_id, "complaint") is not None
    text = await letter_text(services, clock, request_id)
    assert f"Antwort der Stelle vom {clock().date():%d.%m.%Y}, Ablehnung" in text
    assert "Warum ich die Ablehnung für unberechtigt halte" in text
    assert "elektronisch" in text and "Erinnerung" not in text
