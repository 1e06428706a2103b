"""The reminder and the complaint on every channel, and which a request's status allows:

- the reminder once the request is overdue (and again while reminded), the complaint once
  the reminder's deadline passed or an answer fell short (and again once complained);
- web chat: the link under the message names the letter; SMS: the short link's page and
  file; Telegram: the PDF through the real outbox, named by the letter;
- every link of the request opens the letter made last, while its status allows it; the
  access log records each letter made and received by its kind.

The clock's dates are set on the row as the clock records them."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.db.models import Contact, Person, RightsRequest
from bot.kernel.types import Channel
from bot.rights import IssuedLetter, LetterKind, RequestStatus
from bot.runtime.services import Services
from tests.rights.support import step
from tests.support.clock import Clock
from tests.support.connect import person_on
from tests.support.flows import onboarded
from tests.support.telegram import (
    Harness,
    TelegramPerson,
    telegram_fake,  # noqa: F401  (the fixture `fake`)
    telegram_harness,  # noqa: F401  (the fixture `tg`)
)
from tests.web.test_rights_links import delivered, letter_for, logged, pdf_text

Client = TestClient[Any, Any]
REMINDER, COMPLAINT = LetterKind.REMINDER, LetterKind.COMPLAINT


async def set_clock(services: Services, request_id: int, status: RequestStatus,
                    **columns: Any) -> None:  # fmt: skip
    """The request went by post on 1 October, arrived on the 5th, was due on 5 November."""
    async with services.sessionmaker() as session, session.begin():
        row = await session.get(RightsRequest, request_id)
        assert row is not None
        row.status = status.value
        row.sent_on, row.sent_by = date(2026, 10, 1), "post"
        row.receipt_on, row.due_on = date(2026, 10, 5), date(2026, 11, 5)
        for name, value in columns.items():
            setattr(row, name, value)


async def make(services: Services, clock: Clock, person: int, channel: Channel, request_id: int,
               kind: LetterKind) -> IssuedLetter | None:  # fmt: skip
    found = await step(services, clock, person, channel,
                       lambda port: port.letter(request_id, kind.value))  # fmt: skip
    assert found is None or isinstance(found, IssuedLetter)
    return found


async def test_the_status_decides_which_letter_can_be_made(
    services: Services, clock: Clock
) -> None:
    person, _ = await person_on(services, Channel.SMS, "+4915112345670")
    sms = Channel.SMS
    request_id = (await letter_for(services, clock, person, sms)).request_id
    # Ready, not sent: neither follow-up; an unknown kind is nothing either.
    assert await make(services, clock, person, sms, request_id, REMINDER) is None
    assert await step(services, clock, person, sms,
                      lambda port: port.letter(request_id, "appeal")) is None  # fmt: skip
    # Sent, deadline not passed (the clock's own status): no reminder yet.
    await set_clock(services, request_id, RequestStatus.SENT)
    assert await make(services, clock, person, sms, request_id, REMINDER) is None

    await set_clock(services, request_id, RequestStatus.OVERDUE)
    reminder = await make(services, clock, person, sms, request_id, REMINDER)
    assert reminder is not None and reminder.kind is REMINDER
    assert reminder.reference == f"rights-letter:{request_id}:reminder"
    assert await make(services, clock, person, sms, request_id, COMPLAINT) is None
    # A copy of the request letter leaves the clock alone.
    assert await make(services, clock, person, sms, request_id, LetterKind.REQUEST) is not None
    async with services.sessionmaker() as session:
        row = await session.get(RightsRequest, request_id)
        assert row is not None and row.status == "overdue" and row.letter_kind == "request"

    # Reminded: the reminder again; the complaint only after its deadline (Monday 23 Nov).
    await set_clock(services, request_id, RequestStatus.REMINDED,
                    reminder_on=date(2026, 11, 10), reminder_due_on=date(2026, 11, 26))  # fmt: skip
    assert await make(services, clock, person, sms, request_id, REMINDER) is not None
    assert await make(services, clock, person, sms, request_id, COMPLAINT) is None
    clock.advance(days=3)  # Thursday 26 November: the last day
    assert await make(services, clock, person, sms, request_id, COMPLAINT) is None
    clock.advance(days=1)
    complaint = await make(services, clock, person, sms, request_id, COMPLAINT)
    assert complaint is not None and complaint.kind is COMPLAINT

    await set_clock(services, request_id, RequestStatus.COMPLAINT, complaint_on=date(2026, 11, 27))
    assert await make(services, clock, person, sms, request_id, COMPLAINT) is not None
    assert await make(services, clock, person, sms, request_id, REMINDER) is None

    # Answered: a complaint only where the answer fell short.
    for outcome, possible in (("done", False), ("partly", True), ("refused", True)):
        await set_clock(services, request_id, RequestStatus.ANSWERED,
                        answered_on=date(2026, 11, 3), outcome=outcome)  # fmt: skip
        made = await make(services, clock, person, sms, request_id, COMPLAINT)
        assert (made is not None) is possible, outcome
    await set_clock(services, request_id, RequestStatus.CLOSED)
    assert await make(services, clock, person, sms, request_id, COMPLAINT) is None
    # Someone else's request: nothing.
    other, _ = await person_on(services, Channel.SMS, "+4915112345671")
    assert await make(services, clock, other, sms, request_id, LetterKind.REQUEST) is None


async def test_sms_reminder_link_opens_the_reminder_in_the_persons_language(
    client: Client, services: Services, clock: Clock
) -> None:
    person, _ = await person_on(services, Channel.SMS, "+4915112345670")
    async with services.sessionmaker() as session, session.begin():
        found = await session.get(Person, person)
        assert found is not None
        found.language = "fa"
    request_id = (await letter_for(services, clock, person, Channel.SMS)).request_id
    await set_clock(services, request_id, RequestStatus.OVERDUE)
    issued = await make(services, clock, person, Channel.SMS, request_id, REMINDER)
    assert issued is not None and issued.link is not None
    path = issued.link.removeprefix(services.settings.public_url)

    page = await client.get(path)
    html = await page.text()
    fa = services.catalogs["fa"]
    assert page.status == 200 and '<html lang="fa" dir="rtl">' in html
    assert escape(fa.gettext("Your reminder letter")) in html
    href = f"{path}/LOTSE-R-{request_id}-erinnerung.pdf"
    assert f'href="{href}"' in html
    response = await client.get(href)
    assert response.status == 200
    assert 'filename="erinnerung-azr-auskunft.pdf"' in response.headers["Content-Disposition"]
    text = pdf_text(await response.read())
    assert "Erinnerung an meinen Antrag vom 01.10.2026" in text and "05.11.2026" in text
    assert await logged(services, "rights.letter.reminder") == ["sms"]
    assert await logged(services, "rights.download.reminder") == ["sms"]
    assert await logged(services, "rights.download") == []

    # The answer came in full: the reminder's link stops working.
    await set_clock(services, request_id, RequestStatus.ANSWERED,
                    answered_on=date(2026, 11, 20), outcome="done")  # fmt: skip
    assert (await client.get(path)).status == 404
    assert (await client.get(href)).status == 404


async def test_web_chat_shows_the_complaint_under_its_own_name(
    client: Client, services: Services, clock: Clock
) -> None:
    person = await onboarded(client, services)
    async with services.sessionmaker() as session:
        person_id = await session.scalar(select(Contact.person_id).where(
            Contact.channel == "webchat"))  # fmt: skip
    assert person_id is not None
    request_id = (await letter_for(services, clock, person_id, Channel.WEBCHAT)).request_id
    await set_clock(services, request_id, RequestStatus.ANSWERED,
                    answered_on=date(2026, 11, 3), outcome="refused")  # fmt: skip
    issued = await make(services, clock, person_id, Channel.WEBCHAT, request_id, COMPLAINT)
    assert issued is not None and issued.link is None
    await delivered(services, clock, person_id, Channel.WEBCHAT, issued)

    [message] = [m for m in await person.replies() if m.get("documents")]
    [document] = message["documents"]
    assert document["name"] == f"LOTSE-R-{request_id}-beschwerde.pdf"
    assert document["label"] == "Your complaint letter (PDF, to print and sign)"
    response = await client.get(document["href"])
    assert response.status == 200
    text = pdf_text(await response.read())
    assert "Beschwerde nach Art. 77 DSGVO: Bundesverwaltungsamt" in text
    assert "Graurheindorfer Straße 153" in text
    assert "Warum ich die Ablehnung für unberechtigt halte" in text
    assert await logged(services, "rights.download.complaint") == ["webchat"]


async def test_telegram_gets_the_reminder_as_a_document(tg: Harness) -> None:
    person = TelegramPerson(tg, 6234567890, "en")
    await person.write("/start")
    for choice in ("continue", "continue", "yes", "yes", "rank:telegram"):
        await person.send(person.callback(choice))
    services, clock = tg.services, tg.clock
    async with services.sessionmaker() as session:
        person_id = await session.scalar(
            select(Contact.person_id).where(Contact.channel == "telegram")
        )
    assert person_id is not None
    request_id = (await letter_for(services, clock, person_id, Channel.TELEGRAM)).request_id
    await set_clock(services, request_id, RequestStatus.OVERDUE)
    issued = await make(services, clock, person_id, Channel.TELEGRAM, request_id, REMINDER)
    assert issued is not None

    await delivered(services, clock, person_id, Channel.TELEGRAM, issued)
    await tg.dispatch()

    [call] = tg.fake.calls_to("sendDocument")
    document = call.params["document"]
    assert document["filename"] == "erinnerung-azr-auskunft.pdf"
    text = pdf_text(document["data"])
    assert "Erinnerung an meinen Antrag" in text and "How to send this letter" in text
    assert await logged(services, "rights.download.reminder") == ["telegram"]
