"""The outbox dispatcher: the only way anything leaves Lotse.

Rows go queued → sending → sent → delivered, or failed. A claim moves due rows
to `sending` with a lease (`next_attempt_at`) and commits; the provider calls
happen outside any transaction; the result is written in a second one.

Crash guarantee: a row whose send was in flight when the process died stays
`sending` until its lease runs out, then is queued again and sent once more.
Delivery is therefore at least once; a provider that takes an idempotency key
gets the row id so that it can drop the repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels import ChannelAdapter, PermanentFailure, SendResult, TemporaryFailure
from bot.crypto import Vault
from bot.db.models import Contact, Message, utcnow
from bot.engine import MESSAGES, decode_body
from bot.types import Channel, Direction, OutboundMessage, OutboxStatus, RenderedChoice

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8
BASE_BACKOFF = 2.0  # seconds; doubled per attempt, with jitter
MAX_BACKOFF = 3600.0


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    contact_id: int
    attempts: int
    message: OutboundMessage | None  # None when the address can no longer be read


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one claimed row."""

    id: int
    contact_id: int
    status: OutboxStatus
    provider_id: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
    unreachable: bool = False
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


class Dispatcher:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        adapters: Mapping[Channel, ChannelAdapter],
        vault: Vault,
        postgres: bool,
        batch_size: int = 100,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._adapters = adapters
        self._vault = vault
        self._postgres = postgres
        self._batch_size = batch_size
        self._clock = clock
        self._wake = asyncio.Event()
        self._next_lease_sweep: datetime | None = None

    def wake(self) -> None:
        self._wake.set()

    async def run(self, idle_seconds: float = 1.0) -> None:
        """Dispatch until cancelled; wakes early when the engine queued something."""
        while True:
            try:
                sent = await self.dispatch_once()
            except Exception:
                log.exception("dispatch round failed; retrying")
                sent = 0
            if sent == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), idle_seconds)

    async def dispatch_once(self) -> int:
        now = self._clock()
        if self._next_lease_sweep is None or now >= self._next_lease_sweep:
            await self.release_expired_leases()
            self._next_lease_sweep = now + LEASE / 2
        claimed = await self.claim()
        if not claimed:
            return 0
        by_contact: dict[int, list[Claimed]] = {}
        for row in claimed:
            by_contact.setdefault(row.contact_id, []).append(row)
        # One task per contact keeps each person's order; contacts run side by side.
        results = await asyncio.gather(*(self._send_in_order(rows) for rows in by_contact.values()))
        await self._record([result for batch in results for result in batch])
        return len(claimed)

    async def _send_in_order(self, rows: Sequence[Claimed]) -> list[Result]:
        results = []
        for position, row in enumerate(rows):
            result = await self._send_one(row)
            results.append(result)
            if result.status is OutboxStatus.QUEUED:
                # Keep the order: later rows of this person wait for this one.
                now = self._clock()
                results.extend(
                    Result(
                        r.id,
                        r.contact_id,
                        OutboxStatus.QUEUED,
                        next_attempt_at=now,
                        attempts=r.attempts - 1,
                    )
                    for r in rows[position + 1 :]
                )
                break
        return results

    async def claim(self) -> list[Claimed]:
        now = self._clock()
        due = (
            select(Message.id, Message.contact_id)
            .where(
                Message.direction == Direction.OUT.value,
                Message.status == OutboxStatus.QUEUED.value,
                Message.next_attempt_at <= now,
                Message.channel.in_([c.value for c in self._adapters]),
            )
            .order_by(Message.id)
            .limit(self._batch_size)
        )
        if self._postgres:
            due = due.with_for_update(skip_locked=True, of=Message)
        async with self._sessionmaker() as session, session.begin():
            candidates = (await session.execute(due)).all()
            if not candidates:
                return []
            ids = await self._in_order(session, candidates)
            if not ids:
                return []
            await session.execute(
                update(Message)
                .where(Message.id.in_(ids))
                .values(
                    status=OutboxStatus.SENDING.value,
                    next_attempt_at=now + LEASE,
                    attempts=Message.attempts + 1,
                )
            )
            rows = (
                await session.execute(
                    select(Message, Contact)
                    .join(Contact, Contact.id == Message.contact_id)
                    .where(Message.id.in_(ids))
                    .order_by(Message.id)
                )
            ).all()
        return [self._claimed(message, contact) for message, contact in rows]

    async def _in_order(
        self, session: AsyncSession, candidates: Sequence[Row[int, int]]
    ) -> list[int]:
        """Keep, per contact, only candidates with no earlier unsent row left behind.

        An earlier row may be waiting for a retry, in flight, or locked by another
        dispatcher; sending a later one first would break the person's order.
        """
        chosen = {row[0] for row in candidates}
        pending = await session.execute(
            select(Message.contact_id, Message.id)
            .where(
                Message.contact_id.in_({row[1] for row in candidates}),
                Message.direction == Direction.OUT.value,
                Message.status.in_([OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value]),
                Message.id <= max(chosen),
            )
            .order_by(Message.contact_id, Message.id)
        )
        accepted: list[int] = []
        stopped: set[int] = set()
        for contact_id, message_id in pending:
            if contact_id in stopped:
                continue
            if message_id in chosen:
                accepted.append(message_id)
            else:
                stopped.add(contact_id)
        return accepted

    def _claimed(self, message: Message, contact: Contact) -> Claimed:
        outbound = None
        if message.body_enc is not None and (
            contact.address_enc is not None or message.channel == Channel.WEBCHAT
        ):
            body = decode_body(self._vault, message.body_enc)
            outbound = OutboundMessage(
                id=message.id,
                channel=Channel(message.channel),
                address=self._vault.decrypt(contact.address_enc) if contact.address_enc else "",
                text=body["text"],
                choices=tuple(RenderedChoice(c[0], c[1]) for c in body.get("choices", [])),
                lang=message.lang or "",
            )
        return Claimed(message.id, message.contact_id, message.attempts, outbound)

    async def _send_one(self, row: Claimed) -> Result:
        if row.message is None:
            return Result(row.id, row.contact_id, OutboxStatus.FAILED, error="nothing to send")
        adapter = self._adapters[row.message.channel]
        try:
            sent: SendResult = await adapter.send(row.message)
        except TemporaryFailure as failure:
            return self._temporary(row, failure)
        except PermanentFailure as failure:
            return Result(
                row.id,
                row.contact_id,
                OutboxStatus.FAILED,
                error=failure.reason,
                unreachable=failure.unreachable,
            )
        except Exception as error:  # an adapter bug must not stop the queue
            log.exception("adapter %s raised", row.message.channel)
            return self._temporary(row, TemporaryFailure(type(error).__name__))
        status = OutboxStatus.DELIVERED if sent.delivered else OutboxStatus.SENT
        return Result(row.id, row.contact_id, status, provider_id=sent.provider_id)

    def _temporary(self, row: Claimed, failure: TemporaryFailure) -> Result:
        if row.attempts >= MAX_ATTEMPTS:
            return Result(
                row.id,
                row.contact_id,
                OutboxStatus.FAILED,
                error=f"gave up after {row.attempts} attempts: {failure.reason}",
            )
        delay = backoff(row.attempts, failure.retry_after)
        return Result(
            row.id,
            row.contact_id,
            OutboxStatus.QUEUED,
            error=failure.reason,
            next_attempt_at=self._clock() + timedelta(seconds=delay),
        )

    async def _record(self, results: Sequence[Result]) -> None:
        """Write a round's results in one transaction."""
        now = self._clock()
        async with self._sessionmaker() as session, session.begin():
            for result in results:
                await session.execute(
                    update(MESSAGES).where(MESSAGES.c.id == result.id).values(**result.values(now))
                )
            dead = {r.contact_id for r in results if r.unreachable}
            if dead:
                await session.execute(
                    update(Contact).where(Contact.id.in_(dead)).values(reachable=False)
                )

    async def release_expired_leases(self) -> int:
        """Queue again rows whose sender died mid-send (see the crash guarantee above)."""
        async with self._sessionmaker() as session, session.begin():
            result = await session.execute(
                update(Message)
                .where(
                    Message.direction == Direction.OUT.value,
                    Message.status == OutboxStatus.SENDING.value,
                    Message.next_attempt_at < self._clock(),
                )
                .values(status=OutboxStatus.QUEUED.value, error="lease expired mid-send")
            )
        return int(getattr(result, "rowcount", 0) or 0)
