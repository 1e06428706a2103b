"""An invitation from the office "mitte", by Telegram unless the test says otherwise;
invitations whose reminder falls due, and the reminders they got."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Invitation, InvitationEvent, Letter, Office
from bot.invitations.create import create_invitation, create_invitations
from bot.invitations.print_queue import load_pending, mark_printed
from bot.invitations.request import InvitationRequest, Personal
from bot.invitations.status import LetterKind
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


async def printed(services: Services, now: datetime, count: int, prefix: str = "R") -> list[int]:
    """`count` invitations by letter (references `prefix`-n), their letters printed at
    `now`: each one's reminder falls due LOTSE_INVITATION_REMINDER_DAYS later. Their ids."""
    requests = [
        InvitationRequest(
            reference=f"{prefix}-{n}", language="uk", channels=(Channel.LETTER,),
            personal=Personal(postal_address=ADDRESS), consent_recorded_at=AT_OFFICE,
            notice_version="office-2026-01",
        )
        for n in range(count)
    ]  # fmt: skip
    async with services.sessionmaker() as session, session.begin():
        office = await session.scalar(select(Office).where(Office.slug == "mitte"))
        if office is None:
            office = await create_office(session, slug="mitte", name="Bürgeramt Mitte")
        created = await create_invitations(
            session, office=office, requests=requests, sender=services.invitations, now=now
        )
        ids = [outcome[0].id for outcome in created if isinstance(outcome, tuple)]
    assert len(ids) == count, "a reference was taken already: give another prefix"
    pending = await load_pending(services, None, now, limit=len(ids))
    async with services.sessionmaker() as session, session.begin():
        await mark_printed(session, pending, [1] * len(pending), "batch-first", now)
    return ids


async def reminders(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> tuple[Counter[int], Counter[int]]:
    """Per invitation: its reminder letters, and its "reminded" events."""
    async with sessionmaker() as session:
        letters = await session.scalars(
            select(Letter.invitation_id).where(Letter.kind == LetterKind.REMINDER.value)
        )
        events = await session.scalars(
            select(InvitationEvent.invitation_id).where(InvitationEvent.status == "reminded")
        )
        return Counter(letters), Counter(events)
