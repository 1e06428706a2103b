"""Erasing a person: everything personal goes; a dated, non-personal tombstone stays."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    ConsentRecord,
    Contact,
    Conversation,
    ErasureTombstone,
    Message,
    Person,
)

#: How long the contact that receives the goodbye message lives on after erasure.
GOODBYE_GRACE = timedelta(days=1)


class ErasureReason(StrEnum):
    REQUEST = "request"
    RETENTION = "retention"
    #: A conversation opened and left at the first screen (no consent ever given).
    ABANDONED = "abandoned"


async def erase_person(
    session: AsyncSession,
    person_id: int,
    *,
    now: datetime,
    reason: ErasureReason,
    keep_contact_id: int | None = None,
) -> None:
    """Delete the person's rows; `keep_contact_id` survives, detached, to say goodbye."""
    if keep_contact_id is not None:
        await session.execute(
            update(Contact)
            .where(Contact.id == keep_contact_id)
            .values(person_id=None, purge_after=now + GOODBYE_GRACE)
        )
    for model in (Message, ConsentRecord, Conversation, Contact):
        await session.execute(delete(model).where(model.person_id == person_id))
    await session.execute(delete(Person).where(Person.id == person_id))
    session.add(ErasureTombstone(erased_on=now.date().isoformat(), reason=reason.value))
