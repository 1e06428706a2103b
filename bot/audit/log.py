"""The access log: every read or change of personal data by staff, as metadata only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import StaffAccess
from bot.kernel.clock import utcnow


async def log_access(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    office_id: int | None,
    invitation_id: int | None = None,
    detail: str | None = None,
    at: datetime | None = None,
) -> None:
    """Every read or change of personal data by staff (API key, web page, CLI)."""
    session.add(
        StaffAccess(
            at=at or utcnow(),
            office_id=office_id,
            actor=actor,
            action=action,
            invitation_id=invitation_id,
            detail=detail,
        )
    )
