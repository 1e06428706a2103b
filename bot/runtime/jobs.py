"""Scheduled jobs (APScheduler): retention, invitation statuses, reminders and expiry."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.models import utcnow
from bot.invitations.core import remind_and_expire, sync_statuses
from bot.people.retention import apply_retention
from bot.runtime.services import Services


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

    async def invitation_statuses() -> None:
        if await sync_statuses(services.sessionmaker, services.invitations, services.clock()):
            services.dispatcher.wake()  # a failed invitation may have a new message

    async def reminders() -> None:
        reminded, _ = await remind_and_expire(
            services.sessionmaker, services.invitations, services.clock()
        )
        if reminded:
            services.dispatcher.wake()

    scheduler.add_job(
        invitation_statuses, "interval", seconds=30, id="invitation-statuses",
        coalesce=True, max_instances=1,
    )  # fmt: skip
    scheduler.add_job(
        reminders, "interval", minutes=15, id="invitation-reminders",
        next_run_time=utcnow(), coalesce=True, max_instances=1,
    )  # fmt: skip
    scheduler.start()
    return scheduler
