"""How long a case is kept (README: privacy; the person is told in the hand-off):

- its content (what was shared, the messages, the notes) while the case is open, and
  until LOTSE_CASE_DAYS after it was resolved;
- withdrawn, or its consent expired: the content goes at once; the row with its
  timestamps (service-level statistics, no content) until LOTSE_CASE_DAYS later.

The 30-day purge of chat texts does not touch cases: they are their own records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cases.handoff import erase_content
from bot.config import Settings
from bot.db.models import Case
from bot.kernel.jobs import Job

#: Expired hand-offs erased per transaction (each is a handful of statements).
BATCH = 200


async def purge_cases(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime, *, case_days: int
) -> tuple[int, int]:
    """(hand-offs whose consent expired, now emptied; cases deleted at `erase_at`)."""
    emptied = 0
    while True:
        async with sessionmaker() as session, session.begin():
            expired = list(
                await session.scalars(
                    select(Case)
                    .where(Case.expires_at <= now, Case.shared_enc.is_not(None))
                    .order_by(Case.id)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            for case in expired:
                await erase_content(session, case, now, case_days=case_days)
        emptied += len(expired)
        if len(expired) < BATCH:
            break
    async with sessionmaker() as session, session.begin():
        gone = await session.execute(delete(Case).where(Case.erase_at <= now).returning(Case.id))
        return emptied, len(gone.all())


def case_jobs(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Callable[[], datetime],
) -> list[Job]:
    async def purge() -> bool:
        await purge_cases(sessionmaker, clock(), case_days=settings.case_days)
        return False

    return [Job("cases-retention", timedelta(hours=1), purge, at_start=True)]
