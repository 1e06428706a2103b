"""An invitation from the office "mitte", by Telegram unless the test says otherwise."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.db.models import Invitation, Office
from bot.invitations.create import create_invitation
from bot.invitations.request import InvitationRequest, Personal
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel
from bot.offices.registry import create_office
from bot.runtime.services import Services

#: When the person agreed at the office.
AT_OFFICE = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
#: The invited person's postal address (letters go there).
ADDRESS = PostalAddress("Olena Kovalenko", "Seestraße 12", "10115", "Berlin")


async def invite(services: Services, now: datetime, **changes: Any) -> Invitation:
    """An invitation in Ukrainian by Telegram to ADDRESS; `changes` override its request."""
    values: dict[str, Any] = {
        "reference": "B-7",
        "language": "uk",
        "channels": (Channel.TELEGRAM,),
        "personal": Personal(postal_address=ADDRESS),
        "consent_recorded_at": AT_OFFICE,
        "notice_version": "office-2026-01",
    }
    values.update(changes)
    async with services.sessionmaker() as session, session.begin():
        office = await session.scalar(select(Office).where(Office.slug == "mitte"))
        if office is None:
            office = await create_office(session, slug="mitte", name="Bürgeramt Mitte")
        invitation, _ = await create_invitation(
            session,
            office=office,
            request=InvitationRequest(**values),
            sender=services.invitations,
            now=now,
        )
    return invitation
