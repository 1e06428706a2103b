"""The people feature's scheduled job: retention, as the privacy notice promises."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.kernel.jobs import Job
from bot.people.retention import apply_retention


def people_jobs(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Callable[[], datetime],
) -> list[Job]:
    async def retention() -> bool:
        await apply_retention(sessionmaker, settings, clock())
        return False

    return [Job("retention", timedelta(hours=1), retention, at_start=True)]
