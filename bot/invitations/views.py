"""What an office sees of its invitations: one by its public id, its timeline, the counts
by status, and the view itself (never contact details)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Invitation, InvitationEvent
from bot.invitations.codes import PUBLIC_ID, code_of, display_code
from bot.invitations.status import InvitationStatus
from bot.kernel.crypto import Vault


@dataclass(frozen=True, slots=True)
class OfficeInvitation:
    """An invitation as its office sees it: reference, status, channels, times and the
    code, never the contact details."""

    public_id: str
    reference: str
    status: str
    language: str
    channels: tuple[str, ...]
    #: The connect code as printed ("K7QF-9M2X").
    code: str
    expires_at: datetime
    #: The channel it actually went by, and why.
    sent_via: str | None
    sent_note: str | None
    error: str | None
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    reminded_at: datetime | None
    closed_at: datetime | None

    @classmethod
    def of(cls, invitation: Invitation, vault: Vault) -> OfficeInvitation:
        i = invitation
        return cls(
            i.public_id, i.reference, i.status, i.language, tuple(i.channels),
            display_code(code_of(vault, i)), i.expires_at, i.sent_via, i.sent_note, i.error,
            i.created_at, i.sent_at, i.delivered_at, i.reminded_at, i.closed_at,
        )  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        """The office API's shape (`bot.web.office.openapi.Invitation`)."""
        return {
            "id": self.public_id,
            "reference": self.reference,
            "status": self.status,
            "language": self.language,
            "channels": list(self.channels),
            "code": self.code,
            "expires_at": self.expires_at.isoformat(),
            "sent_via": self.sent_via,
            "sent_note": self.sent_note,
            "error": self.error,
            "created_at": self.created_at.isoformat(),
            "sent_at": _iso(self.sent_at),
            "delivered_at": _iso(self.delivered_at),
            "reminded_at": _iso(self.reminded_at),
            "closed_at": _iso(self.closed_at),
        }


@dataclass(frozen=True, slots=True)
class Event:
    """One status change of an invitation."""

    status: str
    at: datetime
    detail: str | None


async def office_invitation(
    session: AsyncSession, office_id: int, public_id: str
) -> Invitation | None:
    """One of the office's invitations by its public id; None for a malformed or
    unknown id and for another office's invitation (which must look the same)."""
    if not PUBLIC_ID.fullmatch(public_id):
        return None
    found: Invitation | None = await session.scalar(
        select(Invitation).where(
            Invitation.public_id == public_id, Invitation.office_id == office_id
        )
    )
    return found


async def timeline(session: AsyncSession, invitation_id: int) -> list[Event]:
    """An invitation's status changes, oldest first."""
    rows = await session.execute(
        select(InvitationEvent.status, InvitationEvent.at, InvitationEvent.detail)
        .where(InvitationEvent.invitation_id == invitation_id)
        .order_by(InvitationEvent.at, InvitationEvent.id)
    )
    return [Event(status, at, detail) for status, at, detail in rows]


async def status_counts(session: AsyncSession, office_id: int) -> dict[str, int]:
    """How many of the office's invitations have each status (every status, in order)."""
    rows = await session.execute(
        select(Invitation.status, func.count())
        .where(Invitation.office_id == office_id)
        .group_by(Invitation.status)
    )
    found = {status: count for status, count in rows.all()}
    return {status.value: found.get(status.value, 0) for status in InvitationStatus}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
