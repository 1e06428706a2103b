"""The access log's scheduled job: entries of erased people go when their retention ends."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit.log import purge_tombstoned
from bot.config import Settings
from bot.kernel.jobs import Job

log = logging.getLogger(__name__)


async def apply_access_log_retention(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, now: datetime
) -> int:
    """Delete the entries of people erased more than LOTSE_ACCESS_LOG_RETENTION_DAYS
    whole days ago; returns how many."""
    erased_before = (now - timedelta(days=settings.access_log_retention_days)).date()
    async with sessionmaker() as session, session.begin():
        purged = await purge_tombstoned(session, erased_before)
    if purged:
        log.info("access log retention: %d entries of erased people deleted", purged)
    return purged


def audit_jobs(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Callable[[], datetime],
) -> list[Job]:
    async def retention() -> bool:
        await apply_access_log_retention(sessionmaker, settings, clock())
        return False

    return [Job("access-log-retention", timedelta(hours=1), retention, at_start=True)]
