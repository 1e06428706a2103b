"""Keeping the promise of the privacy notice: old data goes away by itself."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import ConsentRecord, Contact, Message, Person
from bot.kernel.types import OutboxStatus
from bot.people.erasure import ErasureReason, erase_person
from bot.throttle import purge as purge_throttles

log = logging.getLogger(__name__)


#: A conversation that never got past the first screen (no consent given, not onboarded)
#: is erased this long after its last message: anonymous web chat sessions cost nothing
#: to open, and must not pile up for a year.
ABANDONED_AFTER = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class RetentionResult:
    persons_erased: int
    bodies_purged: int
    contacts_purged: int
    abandoned_erased: int = 0
    throttle_purged: int = 0


async def apply_retention(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, now: datetime
) -> RetentionResult:
    inactive_since = now - timedelta(days=settings.retention_days)
    bodies_before = now - timedelta(days=settings.message_retention_days)
    async with sessionmaker() as session, session.begin():
        stale = list(
            await session.scalars(select(Person.id).where(Person.last_active_at < inactive_since))
        )
        for person_id in stale:
            await erase_person(session, person_id, now=now, reason=ErasureReason.RETENTION)
        abandoned = list(
            await session.scalars(
                select(Person.id).where(
                    Person.onboarded_at.is_(None),
                    Person.last_active_at < now - ABANDONED_AFTER,
                    ~exists().where(ConsentRecord.person_id == Person.id),
                )
            )
        )
        for person_id in abandoned:
            await erase_person(session, person_id, now=now, reason=ErasureReason.ABANDONED)
        throttled = await purge_throttles(session, now)
        purged = await session.execute(
            update(Message)
            .where(
                Message.created_at < bodies_before,
                Message.body_enc.is_not(None),
                Message.status.not_in([OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value]),
            )
            .values(body_enc=None)
        )
        goodbyes = await session.execute(
            delete(Contact).where(Contact.person_id.is_(None), Contact.purge_after < now)
        )
    result = RetentionResult(
        len(stale), _count(purged), _count(goodbyes), len(abandoned), throttled
    )
    log.info("retention: %s", result)
    return result


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
