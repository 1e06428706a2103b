"""What a permanent failure says about an address: mark it dead or opted out, then fall back."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.consent import CONTACT, ConsentBook
from bot.db.models import Contact, Message
from bot.kernel.types import Channel, ConsentMethod, ConsentState
from bot.messaging.fallback import fall_back


class FailureKind(StrEnum):
    OTHER = "other"
    UNREACHABLE = "unreachable"  # the address is dead on this channel (blocked bot, bad number)
    OPTED_OUT = "opted_out"  # the person opted out with the carrier


async def after_failure(
    session: AsyncSession, message: Message, kind: FailureKind, now: datetime
) -> None:
    """Mark what a permanent failure says about the address; fall back if important."""
    if kind is FailureKind.UNREACHABLE:
        await session.execute(
            update(Contact).where(Contact.id == message.contact_id).values(reachable=False)
        )
    elif kind is FailureKind.OPTED_OUT:
        await _opted_out(session, message, now)
    await fall_back(session, message.id, now)


async def _opted_out(session: AsyncSession, message: Message, now: datetime) -> None:
    contact = await session.get(Contact, message.contact_id)
    if contact is None or contact.opted_out_at is not None:
        return
    contact.opted_out_at = now
    if contact.person_id is not None:
        ConsentBook(session, contact.person_id).record(
            purpose=CONTACT,
            channel=Channel(contact.channel),
            state=ConsentState.WITHDRAWN,
            method=ConsentMethod.CARRIER,
            language=message.lang or "",
            at=now,
        )
