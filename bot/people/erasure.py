"""Erasing a person: everything personal goes; a dated, non-personal tombstone stays."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    TOMBSTONE_COLUMN,
    Contact,
    ErasureTombstone,
    OnErasure,
    Person,
    person_references,
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
    """Every row that names the person is deleted, detached or tombstoned, as its column
    declares (`bot.db.models.person_references`); `keep_contact_id` survives, detached,
    to say goodbye."""
    if keep_contact_id is not None:
        await session.execute(
            update(Contact)
            .where(Contact.id == keep_contact_id)
            .values(person_id=None, purge_after=now + GOODBYE_GRACE)
        )
    tombstone = ErasureTombstone(erased_on=now.date().isoformat(), reason=reason.value)
    session.add(tombstone)
    await session.flush()  # its id, for the rows that keep it instead of the person
    for reference in person_references():
        model, column = reference.model, getattr(reference.model, reference.attribute)
        if reference.rule is OnErasure.DELETE:
            await session.execute(delete(model).where(column == person_id))
        elif reference.rule is OnErasure.DETACH:
            await session.execute(
                update(model).where(column == person_id).values({reference.attribute: None})
            )
        else:
            await session.execute(
                update(model)
                .where(column == person_id)
                .values({reference.attribute: None, TOMBSTONE_COLUMN: tombstone.id})
            )
    await session.execute(delete(Person).where(Person.id == person_id))
