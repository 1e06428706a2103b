"""What became of a claimed row (sent, failed, retry with backoff), and writing it down."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, func, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Message
from bot.kernel.types import OutboxStatus
from bot.messaging.channel import TemporaryFailure
from bot.messaging.claim import Claimed
from bot.messaging.failures import FailureKind, after_failure
from bot.messaging.marks import HOLDS, Fence

log = logging.getLogger(__name__)

#: Hot-path writes use the table directly: Core statements skip the ORM's bulk machinery.
MESSAGES = cast(Table, Message.__table__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = 2.0  # seconds; doubled per attempt, with jitter
MAX_BACKOFF = 3600.0


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a send got: parts done of how many, and the provider id of the first
    part this send made (kept only if the row has none yet)."""

    fence: Fence
    parts_done: int
    parts_total: int | None = None
    first_id: str | None = None

    @classmethod
    def unstarted(cls, row: Claimed) -> Progress:
        return cls(row.fence, row.parts_done)


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one claimed row; written only while `progress.fence` holds."""

    id: int
    contact_id: int
    status: OutboxStatus
    progress: Progress
    error: str | None = None
    next_attempt_at: datetime | None = None
    failure: FailureKind | None = None
    #: For rows put back unsent: undo the attempt their claim counted.
    attempts: int | None = None

    def values(self, now: datetime) -> dict[str, object]:
        progress = self.progress
        values: dict[str, object] = {
            "status": self.status.value,
            "next_attempt_at": self.next_attempt_at,
            "parts_done": progress.parts_done,
            "part_started": None,
        }
        if progress.parts_total is not None:
            values["parts_total"] = progress.parts_total
        if progress.first_id is not None:  # a receipt's key never changes once written
            values["provider_id"] = func.coalesce(MESSAGES.c.provider_id, progress.first_id)
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
        Progress.unstarted(row),
        next_attempt_at=now,
        attempts=row.attempts - 1,
    )


def failed(
    row: Claimed,
    reason: str,
    progress: Progress | None = None,
    kind: FailureKind | None = FailureKind.OTHER,
) -> Result:
    progress = progress or Progress.unstarted(row)
    return Result(row.id, row.contact_id, OutboxStatus.FAILED, progress, error=reason, failure=kind)


def retry_later(
    row: Claimed, failure: TemporaryFailure, now: datetime, progress: Progress | None = None
) -> Result:
    """Queued again after a backoff, or failed once the attempts are used up. Parts
    already sent are done: a retry sends only the rest."""
    progress = progress or Progress.unstarted(row)
    reason = failure.reason
    if progress.parts_done and progress.parts_total:
        reason = f"{reason} ({progress.parts_done} of {progress.parts_total} parts sent)"
    if row.attempts >= MAX_ATTEMPTS:
        return failed(row, f"gave up after {row.attempts} attempts: {reason}", progress)
    delay = backoff(row.attempts, failure.retry_after)
    return Result(
        row.id,
        row.contact_id,
        OutboxStatus.QUEUED,
        progress,
        error=reason,
        next_attempt_at=now + timedelta(seconds=delay),
    )


async def record_results(
    sessionmaker: async_sessionmaker[AsyncSession], results: Sequence[Result], now: datetime
) -> None:
    """Write results in one transaction, with what failures say about addresses. A
    result whose fence no longer holds (the lease sweep took its row back) is dropped."""
    async with sessionmaker() as session, session.begin():
        written = []
        for result in results:
            done = await session.execute(
                update(MESSAGES).where(HOLDS).values(result.values(now)),
                result.progress.fence.params(),
            )
            if int(getattr(done, "rowcount", 0) or 0) == 1:
                written.append(result)
            else:
                log.warning("message %d was taken back after its lease ran out; result dropped",
                            result.id)  # fmt: skip
        for result in written:
            if result.failure is not None:
                message = await session.get(Message, result.id)
                if message is not None:
                    await after_failure(session, message, result.failure, now)
