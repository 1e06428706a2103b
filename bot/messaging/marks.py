"""The durable marks of a send in parts, and the fence that guards every write a
sender makes to the row it claimed.

Before each provider call of a part, a "started" mark is committed; after a call
that succeeded, with parts left, a "done" mark. A crash then costs only the part
whose call was under way: the lease sweep (bot.messaging.sweep) reads which part
that was, and puts rows with no call under way back in the queue (claimed but never
started, or waiting for the next part's paced turn). Channels where resending is
harmless (the web chat) send without marks. Marks are group-committed (`Marks`).

The fence: a sender's write applies only while its row is exactly as the sender
last left it (still `sending`, with the attempts its claim set, and the lease and
part progress it last wrote). Once the sweep has taken the row back (in this
process or another), and perhaps another sender has claimed it, the old sender's
writes change nothing: it neither sends nor records anything more for that row.
Attempts alone could not tell two claims apart, since the sweep undoes the attempt
of a claim that never started; the lease can, since a new claim's lease ends after
the expired one (the sweep only takes back a row whose lease is over).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Integer, String, Table, and_, bindparam, func, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Message
from bot.kernel.types import OutboxStatus

#: Core statements: a mark is on the hot path, once per part.
MESSAGES = cast(Table, Message.__table__)
_LEASE = MESSAGES.c.next_attempt_at.type

#: The fence's condition, built once and filled in by `Fence.params` (building SQL
#: expressions costs more than running them). A part not started counts as -1.
HOLDS = and_(
    MESSAGES.c.id == bindparam("fence_id"),
    MESSAGES.c.status == OutboxStatus.SENDING.value,
    MESSAGES.c.attempts == bindparam("fence_attempts"),
    MESSAGES.c.next_attempt_at == bindparam("fence_lease", type_=_LEASE),
    MESSAGES.c.parts_done == bindparam("fence_done"),
    func.coalesce(MESSAGES.c.part_started, -1) == bindparam("fence_started"),
)

#: A mark: how many parts are done, the part whose call is under way (or none), and
#: a renewed lease, so a row that waited for its paced turn is not swept while its
#: call is under way; the first provider id is kept once written.
MARK = (
    update(MESSAGES)
    .where(HOLDS)
    .values(
        part_started=bindparam("started", type_=Integer),
        parts_done=bindparam("done"),
        parts_total=bindparam("total"),
        next_attempt_at=bindparam("lease_until", type_=_LEASE),
        provider_id=func.coalesce(MESSAGES.c.provider_id, bindparam("first_id", type_=String)),
    )
)


@dataclass(frozen=True, slots=True)
class Fence:
    """The state a sender last left its claimed row in."""

    id: int
    attempts: int
    #: The lease (`next_attempt_at`) the claim or the last mark wrote.
    lease_until: datetime
    parts_done: int
    part_started: int | None = None

    def params(self) -> dict[str, object]:
        """The values for `HOLDS`: true only while the row is this sender's, as it left it."""
        return {
            "fence_id": self.id,
            "fence_attempts": self.attempts,
            "fence_lease": self.lease_until,
            "fence_done": self.parts_done,
            "fence_started": -1 if self.part_started is None else self.part_started,
        }


@dataclass(frozen=True, slots=True)
class Mark:
    """What a sender commits about its row: `done` parts of `total` are done, and part
    `started` (counted from 0) goes to the provider now, or none between parts.
    `first_id` is the provider id of the first part this sender sent, kept if the
    row has none yet (receipts find the row by it)."""

    fence: Fence
    done: int
    started: int | None
    total: int
    first_id: str | None
    lease_until: datetime

    @classmethod
    def start(
        cls, fence: Fence, part: int, total: int, first_id: str | None, lease_until: datetime
    ) -> Mark:
        """Before the call of `part`: the parts before it are done."""
        return cls(fence, part, part, total, first_id, lease_until)

    @classmethod
    def finish(
        cls, fence: Fence, part: int, total: int, first_id: str | None, lease_until: datetime
    ) -> Mark:
        """After `part` was accepted: it is done, and no call is under way."""
        return cls(fence, part + 1, None, total, first_id, lease_until)

    def params(self) -> dict[str, object]:
        return {
            **self.fence.params(),
            "done": self.done,
            "started": self.started,
            "total": self.total,
            "lease_until": self.lease_until,
            "first_id": self.first_id,
        }

    def moved_on(self) -> Fence:
        """The fence once the mark is committed."""
        fence = self.fence
        return Fence(fence.id, fence.attempts, self.lease_until, self.done, self.started)


async def _apply(session: AsyncSession, mark: Mark) -> bool:
    return int(getattr(await session.execute(MARK, mark.params()), "rowcount", 0) or 0) == 1


async def commit_mark(sessionmaker: async_sessionmaker[AsyncSession], mark: Mark) -> Fence | None:
    """Commit one mark on its own; the new fence, or None when the row is no longer
    this sender's (then send nothing more)."""
    async with sessionmaker() as session, session.begin():
        applied = await _apply(session, mark)
    return mark.moved_on() if applied else None


class Marks:
    """Marks with group commit: marks asked for while a commit is under way share the
    next transaction, so senders running side by side pay one commit between them,
    and a lone mark is committed at once."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._waiting: list[tuple[Mark, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def commit(self, mark: Mark) -> Fence | None:
        """Commit `mark`; the new fence, or None when the row is no longer this
        sender's (then send nothing more)."""
        committed: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((mark, committed))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return mark.moved_on() if await committed else None

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with self._sessionmaker() as session, session.begin():
                    applied = [await _apply(session, mark) for mark, _ in batch]
            except Exception as error:  # each sender raises it: its part is not sent
                for _, committed in batch:
                    if not committed.done():
                        committed.set_exception(error)
                continue
            except BaseException:
                for _, committed in batch:
                    committed.cancel()
                raise
            for (_, committed), ok in zip(batch, applied, strict=True):
                if not committed.done():  # its sender may have been cancelled meanwhile
                    committed.set_result(ok)
