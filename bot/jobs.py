"""Scheduled jobs (APScheduler): retention now; reminders and deadlines later."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.models import utcnow
from bot.retention import apply_retention
from bot.services import Services


def start_scheduler(services: Services) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")

    async def retention() -> None:
        await apply_retention(services.sessionmaker, services.settings, utcnow())

    scheduler.add_job(
        retention,
        "interval",
        hours=1,
        id="retention",
        next_run_time=utcnow(),
        coalesce=True,
        max_instances=1,
    )
    scheduler.start()
    return scheduler
