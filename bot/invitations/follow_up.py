"""Following invitations up: their messages' fate, the one reminder, and expiry."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import Invitation, Letter, Message, Office
from bot.invitations.request import personal_of
from bot.invitations.sending import InvitationSender
from bot.invitations.status import (
    OPEN,
    InvitationStatus,
    LetterStatus,
    add_event,
    close,
    mark_failed,
)
from bot.kernel.types import OutboxStatus


def _advance(
    session: AsyncSession, invitation: Invitation, status: InvitationStatus, at: datetime
) -> None:
    invitation.status = status.value
    if status is InvitationStatus.SENT:
        invitation.sent_at = at
    elif status is InvitationStatus.DELIVERED:
        invitation.sent_at = invitation.sent_at or at
        invitation.delivered_at = at
    add_event(session, invitation, status, at)


async def sync_statuses(
    sessionmaker: async_sessionmaker[AsyncSession], sender: InvitationSender, now: datetime
) -> int:
    """Follow open invitations' messages: sent, delivered, or failed (then the next
    channel is tried). Returns how many invitations changed."""
    changed = 0
    async with sessionmaker() as session, session.begin():
        rows = (
            await session.execute(
                select(Invitation, Message, Office)
                .join(Message, Message.id == Invitation.message_id)
                .join(Office, Office.id == Invitation.office_id)
                .where(
                    Invitation.status.in_(
                        [InvitationStatus.CREATED.value, InvitationStatus.SENT.value]
                    ),
                    Message.status.in_(
                        [
                            OutboxStatus.SENT.value,
                            OutboxStatus.DELIVERED.value,
                            OutboxStatus.FAILED.value,
                        ]
                    ),
                )
                .limit(1000)
            )
        ).all()
        for invitation, message, office in rows:
            status = OutboxStatus(message.status)
            if status is OutboxStatus.FAILED:
                if invitation.status != InvitationStatus.CREATED.value:
                    continue  # a failed reminder does not undo the invitation
                personal = personal_of(sender.vault, invitation)
                add_event(
                    session, invitation, "retry", now, f"{message.channel}: {message.error}"[:200]
                )
                if personal is None:
                    mark_failed(session, invitation, now, "contact details gone")
                else:
                    tried = [message.channel]
                    await sender.send(session, invitation, office, personal, now, tried=tried)
                changed += 1
                continue
            if invitation.status == InvitationStatus.CREATED.value:
                _advance(session, invitation, InvitationStatus.SENT, message.sent_at or now)
                changed += 1
            if status is OutboxStatus.DELIVERED:
                _advance(
                    session, invitation, InvitationStatus.DELIVERED, message.delivered_at or now
                )
                changed += 1
    return changed


def quiet(now: datetime, settings: Settings) -> bool:
    """Within quiet hours in local time: no reminders then."""
    local = now.astimezone(ZoneInfo(settings.timezone)).hour
    start, end = settings.quiet_hours_start, settings.quiet_hours_end
    return (start <= local or local < end) if start > end else start <= local < end


async def remind_and_expire(
    sessionmaker: async_sessionmaker[AsyncSession], sender: InvitationSender, now: datetime
) -> tuple[int, int]:
    """Expire what is past its date; remind once those not connected after the
    configured days (outside quiet hours). Returns (reminded, expired)."""
    settings = sender.settings
    async with sessionmaker() as session, session.begin():
        expiring = await session.scalars(
            select(Invitation).where(
                Invitation.status.in_([s.value for s in OPEN]), Invitation.expires_at <= now
            )
        )
        expired = 0
        for invitation in expiring:
            invitation.status = InvitationStatus.EXPIRED.value
            close(invitation, now)
            add_event(session, invitation, InvitationStatus.EXPIRED, now)
            expired += 1
        await session.execute(
            update(Letter)
            .where(
                Letter.status == LetterStatus.PENDING.value,
                Letter.invitation_id.in_(
                    select(Invitation.id).where(Invitation.personal_enc.is_(None))
                ),
            )
            .values(status=LetterStatus.CANCELLED.value)
        )
        reminded = 0
        if not quiet(now, settings):
            due = now - timedelta(days=settings.invitation_reminder_days)
            rows = (
                await session.execute(
                    select(Invitation, Office)
                    .join(Office, Office.id == Invitation.office_id)
                    .where(
                        Invitation.status.in_(
                            [InvitationStatus.SENT.value, InvitationStatus.DELIVERED.value]
                        ),
                        Invitation.reminded_at.is_(None),
                        Invitation.sent_at <= due,
                        Invitation.expires_at > now,
                    )
                    .limit(1000)
                )
            ).all()
            for invitation, office in rows:
                personal = personal_of(sender.vault, invitation)
                if personal is None:
                    continue
                invitation.reminded_at = now
                await sender.send(session, invitation, office, personal, now, reminder=True)
                add_event(session, invitation, "reminded", now, f"by {invitation.sent_via}")
                reminded += 1
    return reminded, expired
