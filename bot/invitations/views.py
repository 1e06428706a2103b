"""What an office sees of its invitations: one by its public id, its timeline, counts, a view."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Invitation, InvitationEvent
from bot.invitations.codes import PUBLIC_ID, code_of, display_code
from bot.invitations.status import InvitationStatus
from bot.kernel.crypto import Vault


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


async def timeline(session: AsyncSession, invitation_id: int) -> list[InvitationEvent]:
    """An invitation's status changes, oldest first."""
    events = await session.scalars(
        select(InvitationEvent)
        .where(InvitationEvent.invitation_id == invitation_id)
        .order_by(InvitationEvent.at, InvitationEvent.id)
    )
    return list(events)


def counts_by_status(rows: Mapping[str, int]) -> dict[str, int]:
    return {status.value: rows.get(status.value, 0) for status in InvitationStatus}


def invitation_view(invitation: Invitation, vault: Vault) -> dict[str, Any]:
    """The office's view of an invitation (no contact details)."""
    return {
        "id": invitation.public_id,
        "reference": invitation.reference,
        "status": invitation.status,
        "language": invitation.language,
        "channels": list(invitation.channels),
        "code": display_code(code_of(vault, invitation)),
        "expires_at": invitation.expires_at.isoformat(),
        "sent_via": invitation.sent_via,
        "sent_note": invitation.sent_note,
        "error": invitation.error,
        "created_at": invitation.created_at.isoformat(),
        "sent_at": _iso(invitation.sent_at),
        "delivered_at": _iso(invitation.delivered_at),
        "reminded_at": _iso(invitation.reminded_at),
        "closed_at": _iso(invitation.closed_at),
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
