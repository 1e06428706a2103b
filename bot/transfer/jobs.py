"""The transfers' scheduled job: codes past their expiry and ids of documents past
theirs go (a document past its expiry is refused anyway, so its id need not be kept),
and fetch results no step read within a day (the person went away meanwhile)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import TransferCode, TransferFetch, TransferReceived
from bot.kernel.jobs import Job
from bot.transfer.document import SKEW

log = logging.getLogger(__name__)
#: A fetch result kept this long at most for the person's next step.
UNREAD = timedelta(days=1)


async def purge_transfers(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> int:
    async with sessionmaker() as session, session.begin():
        codes = await session.execute(delete(TransferCode).where(TransferCode.expires_at < now))
        seen = await session.execute(
            delete(TransferReceived).where(TransferReceived.expires_at < now - SKEW)
        )
        unread = await session.execute(
            delete(TransferFetch).where(TransferFetch.created_at < now - UNREAD)
        )
    purged = sum(int(getattr(r, "rowcount", 0) or 0) for r in (codes, seen, unread))
    if purged:
        log.info("transfer retention: %d expired codes, document ids and fetches deleted", purged)
    return purged


def transfer_jobs(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]
) -> list[Job]:
    async def retention() -> bool:
        await purge_transfers(sessionmaker, clock())
        return False

    return [Job("transfer-retention", timedelta(hours=1), retention, at_start=True)]
