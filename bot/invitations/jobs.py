"""The invitations feature's scheduled jobs: follow statuses, remind once, expire."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.invitations.follow_up import remind_and_expire, sync_statuses
from bot.invitations.sending import InvitationSender
from bot.kernel.jobs import Job


def invitation_jobs(
    sessionmaker: async_sessionmaker[AsyncSession],
    sender: InvitationSender,
    clock: Callable[[], datetime],
) -> list[Job]:
    async def statuses() -> bool:
        # A failed invitation may have queued a message on its next channel.
        return bool(await sync_statuses(sessionmaker, sender, clock()))

    async def reminders() -> bool:
        reminded, _ = await remind_and_expire(sessionmaker, sender, clock())
        return bool(reminded)

    return [
        Job("invitation-statuses", timedelta(seconds=30), statuses),
        Job("invitation-reminders", timedelta(minutes=15), reminders, at_start=True),
    ]
