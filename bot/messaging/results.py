"""What became of a claimed row (sent, failed, retry with backoff), and writing it down."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Message
from bot.kernel.types import OutboxStatus
from bot.messaging.channel import TemporaryFailure
from bot.messaging.claim import Claimed
from bot.messaging.failures import FailureKind, after_failure

#: Hot-path writes use the table directly: Core statements skip the ORM's bulk machinery.
MESSAGES = cast(Table, Message.__table__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = 2.0  # seconds; doubled per attempt, with jitter
MAX_BACKOFF = 3600.0


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one claimed row."""

    id: int
    contact_id: int
    status: OutboxStatus
    provider_id: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
    failure: FailureKind | None = None
    #: For rows put back unsent: undo the attempt their claim counted.
    attempts: int | None = None

    def values(self, now: datetime) -> dict[str, object]:
        values: dict[str, object] = {
            "status": self.status.value,
            "next_attempt_at": self.next_attempt_at,
        }
        if self.provider_id is not None:
            values["provider_id"] = self.provider_id
        if self.error is not None:
            values["error"] = self.error[:500]
        if self.attempts is not None:
            values["attempts"] = self.attempts
        if self.status in (OutboxStatus.SENT, OutboxStatus.DELIVERED):
            values["sent_at"] = now
        if self.status is OutboxStatus.DELIVERED:
            values["delivered_at"] = now
        return values


def backoff(attempts: int, retry_after: float | None = None) -> float:
    if retry_after is not None:
        return max(retry_after, 0.0)
    delay: float = min(BASE_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)
    return delay * random.uniform(0.5, 1.0)


def put_back(row: Claimed, now: datetime) -> Result:
    """Queued again, unsent, as if never claimed."""
    return Result(
        row.id,
        row.contact_id,
        OutboxStatus.QUEUED,
        next_attempt_at=now,
        attempts=row.attempts - 1,
    )


def failed(
    row: Claimed,
    reason: str,
    provider_ids: Sequence[str],
    kind: FailureKind = FailureKind.OTHER,
) -> Result:
    return Result(
        row.id,
        row.contact_id,
        OutboxStatus.FAILED,
        error=reason,
        provider_id=provider_ids[0] if provider_ids else None,
        failure=kind,
    )


def retry_later(row: Claimed, failure: TemporaryFailure, now: datetime) -> Result:
    """Queued again after a backoff, or failed once the attempts are used up."""
    if row.attempts >= MAX_ATTEMPTS:
        return failed(row, f"gave up after {row.attempts} attempts: {failure.reason}", ())
    delay = backoff(row.attempts, failure.retry_after)
    return Result(
        row.id,
        row.contact_id,
        OutboxStatus.QUEUED,
        error=failure.reason,
        next_attempt_at=now + timedelta(seconds=delay),
    )


async def record_results(
    sessionmaker: async_sessionmaker[AsyncSession], results: Sequence[Result], now: datetime
) -> None:
    """Write results in one transaction, with what failures say about addresses."""
    async with sessionmaker() as session, session.begin():
        for result in results:
            await session.execute(
                update(MESSAGES).where(MESSAGES.c.id == result.id).values(**result.values(now))
            )
        for result in results:
            if result.failure is not None:
                message = await session.get(Message, result.id)
                if message is not None:
                    await after_failure(session, message, result.failure, now)
