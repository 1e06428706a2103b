"""Following invitations up: their messages' fate, the one reminder, and expiry.

These run as scheduled jobs, one process per schedule (bot/runtime/job_runs.py);
still, two runs at the same moment (a run that outlived its time and the next one)
act on each invitation once: on PostgreSQL the invitations are selected FOR UPDATE
SKIP LOCKED (a row another run holds is left to it, and a row it changed meanwhile
is checked again against the query), and on SQLite a transaction begins with the
write lock (bot/db/session.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVarTuple

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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

_Row = TypeVarTuple("_Row")


def _locked(session: AsyncSession, query: Select[*_Row]) -> Select[*_Row]:
    """The query's invitations locked for this transaction; those another holds skipped."""
    if session.get_bind().dialect.name != "postgresql":
        return query  # SQLite: the transaction already holds the only write lock
    return query.with_for_update(skip_locked=True, of=Invitation)


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
                _locked(session, select(Invitation, Message, Office))
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


async def remind_and_expire(
    sessionmaker: async_sessionmaker[AsyncSession], sender: InvitationSender, now: datetime
) -> tuple[int, int]:
    """Expire what is past its date; remind once those not connected after the
    configured days (outside quiet hours). Returns (reminded, expired)."""
    settings = sender.settings
    async with sessionmaker() as session, session.begin():
        expiring = await session.scalars(
            _locked(session, select(Invitation)).where(
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
        if not settings.quiet(now):
            due = now - timedelta(days=settings.invitation_reminder_days)
            rows = (
                await session.execute(
                    _locked(session, select(Invitation, Office))
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
