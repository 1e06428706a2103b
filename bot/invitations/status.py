"""An invitation's statuses and the changes they share: an event per change, failing, closing.

Invitations from registration offices: created → sent → delivered → connected |
expired | failed. An invitation is created with the message or letter that carries
it, in one transaction: the outbox (or the print queue) sends it, and
`bot.invitations.follow_up.sync_statuses` moves the invitation along as its message
is sent, delivered or fails. The contact details the office gave are kept encrypted
only while the invitation is open.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Invitation, InvitationEvent


class InvitationStatus(StrEnum):
    CREATED = "created"
    SENT = "sent"
    DELIVERED = "delivered"
    CONNECTED = "connected"
    EXPIRED = "expired"
    FAILED = "failed"


OPEN = (InvitationStatus.CREATED, InvitationStatus.SENT, InvitationStatus.DELIVERED)


class LetterStatus(StrEnum):
    PENDING = "pending"
    PRINTED = "printed"
    CANCELLED = "cancelled"


class LetterKind(StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"


def add_event(
    session: AsyncSession,
    invitation: Invitation,
    status: InvitationStatus | str,
    at: datetime,
    detail: str | None = None,
) -> None:
    session.add(
        InvitationEvent(invitation_id=invitation.id, status=str(status), at=at, detail=detail)
    )


def mark_failed(session: AsyncSession, invitation: Invitation, now: datetime, reason: str) -> None:
    invitation.status = InvitationStatus.FAILED.value
    invitation.error = reason[:300]
    close(invitation, now)
    add_event(session, invitation, InvitationStatus.FAILED, now, reason[:200])


def close(invitation: Invitation, now: datetime) -> None:
    """An invitation that is no longer open keeps no contact details; a connected one
    keeps their keyed hashes, to prove later whose it is (bot/invitations/connect.py)."""
    invitation.closed_at = now
    invitation.personal_enc = None
    if invitation.status != InvitationStatus.CONNECTED.value:
        invitation.phone_index = invitation.postal_index = None
