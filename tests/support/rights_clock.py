"""A request's clock end to end (tests/adapters/test_rights_clock_*.py): the ask job as
the scheduler runs it, the dates of a letter posted on the test clock's first day, and
the follow-up letters read back from their PDFs.

The AZR's answering office, the Bundesverwaltungsamt, sits in Köln (NRW). A request
posted on Monday 23 November 2026 arrives (estimated) on Thursday 26 November; one
month later is Saturday 26 December, a holiday: the deadline is Monday 28 December.
Lotse asks a week before (21 December) and the day after (29 December), at 10:00 in
Berlin. A reminder posted on Wednesday 30 December arrives on Monday 4 January 2027
(1 January is a holiday, Saturday a postal day): its two weeks end on 18 January,
and Lotse asks on 19 January."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.db.models import RightsRequest
from bot.runtime.jobs import registered_jobs
from bot.runtime.services import Services
from tests.support.rights_channels import pdf_text

SENT_ON = date(2026, 11, 23)
DUE_ON = date(2026, 12, 28)
#: 10:00 in Berlin, a week before the deadline.
SOON_AT = datetime(2026, 12, 21, 9, 0, tzinfo=UTC)
#: 10:00 in Berlin, the day after the deadline.
DUE_AT = datetime(2026, 12, 29, 9, 0, tzinfo=UTC)
#: 22:30 in Berlin that evening: quiet hours, and 07:30 the next morning, still quiet.
NIGHT = datetime(2026, 12, 29, 21, 30, tzinfo=UTC)
EARLY = datetime(2026, 12, 30, 6, 30, tzinfo=UTC)
#: 08:00 in Berlin: quiet hours are over.
MORNING = datetime(2026, 12, 30, 7, 0, tzinfo=UTC)
REMINDER_ON = date(2026, 12, 30)
REMINDER_DUE_ON = date(2027, 1, 18)
REMINDER_DUE_AT = datetime(2027, 1, 19, 9, 0, tzinfo=UTC)
BFDI = "Die Bundesbeauftragte für den Datenschutz und die Informationsfreiheit"


async def run_ask_job(services: Services) -> None:
    """The ask job as the scheduler runs it, then what the inbox workers do."""
    [job] = [job for job in registered_jobs(services) if job.id == "rights-ask"]
    await job.run()
    await services.inbox.process_pending()


async def request_row(services: Services) -> RightsRequest:
    """The only request stored."""
    async with services.sessionmaker() as session:
        [row] = list(await session.scalars(select(RightsRequest)))
    return row


def is_reminder(pdf: bytes) -> None:
    """The reminder to the BVA: the request's date, the missed deadline, two weeks."""
    text = " ".join(pdf_text(pdf).split())
    assert pdf.startswith(b"%PDF")
    assert "Bundesverwaltungsamt" in text
    assert "Erinnerung an meinen Antrag vom 23.11.2026" in text, text
    assert "28.12.2026" in text  # the deadline it missed
    assert "bis zum 18.01.2027 zu beantworten" in text
    assert "Haddad-Nour" in text


def is_complaint(pdf: bytes) -> None:
    """The complaint to the BfDI (the AZR's supervisory authority), naming the reminder."""
    text = " ".join(pdf_text(pdf).split())
    assert "Beschwerde nach" in text and "Bundesverwaltungsamt" in text, text
    assert BFDI in text and "Graurheindorfer Straße 153" in text
    assert "Erinnerung vom 30.12.2026" in text
    assert "Haddad-Nour" in text
