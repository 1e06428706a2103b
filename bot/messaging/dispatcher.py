"""The outbox dispatcher: the only way anything leaves Lotse.

Rows go queued → sending → sent → delivered, or failed. A claim moves due rows
to `sending` with a lease (`next_attempt_at`) and commits; the provider call
happens outside any transaction; its result is committed right after it.

Guarantees:
- Two dispatchers (processes) never send the same row: claims take row locks
  with FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one writer.
- A person's messages leave in order: a row waits while an earlier row of the
  same contact is queued for a retry, in flight, or claimed by someone else.
- Crash mid-send: a row still `sending` when its lease runs out was interrupted
  between the provider call and the commit of its result, so whether the
  provider accepted it is unknown. It is then marked failed ("interrupted"),
  not sent again: at most once, never silently (the reason is kept). Channels
  where sending twice is harmless (the web chat) are queued again instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import cast

from sqlalchemy import Row, Select, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.consent import CONTACT, ConsentBook
from bot.db.models import Contact, Message
from bot.i18n import Catalogs
from bot.kernel.clock import utcnow
from bot.kernel.crypto import Vault
from bot.kernel.types import (
    Channel,
    ConsentMethod,
    ConsentState,
    Direction,
    OutboundMessage,
    OutboxStatus,
    RenderedChoice,
)
from bot.messaging.body import decode_body
from bot.messaging.channel import (
    ChannelAdapter,
    OptedOut,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)
from bot.messaging.fallback import fall_back
from bot.messaging.pacing import ChannelPacer
from bot.messaging.render import render

log = logging.getLogger(__name__)

#: Hot-path writes use the table directly: Core statements skip the ORM's bulk machinery.
MESSAGES = cast(Table, Message.__table__)

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8
BASE_BACKOFF = 2.0  # seconds; doubled per attempt, with jitter
MAX_BACKOFF = 3600.0
INTERRUPTED = "interrupted mid-send: delivery unknown, not sent again to avoid a duplicate"


class FailureKind(StrEnum):
    OTHER = "other"
    UNREACHABLE = "unreachable"  # the address is dead on this channel (blocked bot, bad number)
    OPTED_OUT = "opted_out"  # the person opted out with the carrier


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    contact_id: int
    attempts: int
    #: None when there is nothing to send (purged text, unreadable address).
    message: OutboundMessage | None
    #: Why the row must not go out at all (opted out, unreachable), if so.
    blocked: FailureKind | None = None


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


class Dispatcher:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        adapters: Mapping[Channel, ChannelAdapter],
        vault: Vault,
        catalogs: Catalogs,
        postgres: bool,
        batch_size: int = 100,
        lease: timedelta = LEASE,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._lease = lease
        self._sessionmaker = sessionmaker
        self._adapters = adapters
        self._vault = vault
        self._catalogs = catalogs
        self._postgres = postgres
        self._batch_size = batch_size
        self._clock = clock
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._next_lease_sweep: datetime | None = None
        self._pacers = {
            channel: ChannelPacer(a.rate_limit.per_second, a.rate_limit.per_address_per_second)
            for channel, a in adapters.items()
            if a.rate_limit is not None
        }

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Stop gracefully: sends in flight finish and are recorded; claimed rows not yet
        started go back to the queue untouched, so a restart sends them (nothing is
        left to expire as "interrupted"). `run` returns after the current round."""
        self._stopping.set()
        self._wake.set()

    async def run(self, idle_seconds: float = 1.0) -> None:
        """Dispatch until `stop` (or cancelled); wakes early when the engine queued something."""
        while not self._stopping.is_set():
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
            self._next_lease_sweep = now + self._lease / 2
        claimed = await self.claim()
        if not claimed:
            return 0
        by_contact: dict[int, list[Claimed]] = {}
        for row in claimed:
            by_contact.setdefault(row.contact_id, []).append(row)
        # One task per contact keeps each person's order; contacts run side by side.
        batched = await asyncio.gather(*(self._send_in_order(rows) for rows in by_contact.values()))
        await self._record([result for results in batched for result in results])
        return len(claimed)

    def _harmless_to_resend(self, channel: Channel) -> bool:
        return self._adapters[channel].resend_is_harmless

    async def _send_in_order(self, rows: Sequence[Claimed]) -> list[Result]:
        """Send a contact's rows in order; results of real sends are committed at once,
        those of harmless channels are returned to be written with the round."""
        batched: list[Result] = []
        for position, row in enumerate(rows):
            result = await self._send_one(row)
            harmless = row.message is not None and self._harmless_to_resend(row.message.channel)
            if harmless:
                batched.append(result)
            else:
                await self._record([result])
            if result.status is OutboxStatus.QUEUED:
                # Keep the order: later rows of this person wait for this one.
                now = self._clock()
                batched.extend(
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
        return batched

    def _claim_groups(self) -> list[tuple[list[str], int]]:
        """Channels claimed together, with how many rows to take: a paced channel takes
        what it can send in half a lease, so its rows never outlive the lease while
        they wait for their turn."""
        unpaced = [c.value for c, a in self._adapters.items() if a.rate_limit is None]
        groups = [(unpaced, self._batch_size)] if unpaced else []
        half_lease = self._lease.total_seconds() / 2
        for channel, adapter in self._adapters.items():
            if adapter.rate_limit is not None:
                # Not capped by the batch size: the gap between two rounds (recording,
                # claiming) is time the provider's allowance goes unused.
                fits = max(1, int(adapter.rate_limit.per_second * half_lease))
                groups.append(([channel.value], fits))
        return groups

    def _due(self, channels: list[str], limit: int, now: datetime) -> Select[int, int]:
        due = (
            select(Message.id, Message.contact_id)
            .where(
                Message.direction == Direction.OUT.value,
                Message.status == OutboxStatus.QUEUED.value,
                Message.next_attempt_at <= now,
                Message.channel.in_(channels),
            )
            .order_by(Message.id)
            .limit(limit)
        )
        if self._postgres:
            due = due.with_for_update(skip_locked=True, of=Message)
        return due

    async def claim(self) -> list[Claimed]:
        now = self._clock()
        async with self._sessionmaker() as session, session.begin():
            candidates = [
                row
                for channels, limit in self._claim_groups()
                for row in (await session.execute(self._due(channels, limit, now))).all()
            ]
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
                    next_attempt_at=now + self._lease,
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
        blocked = None
        body = decode_body(self._vault, message.body_enc) if message.body_enc else {}
        if contact.opted_out_at is not None and not body.get("opt_out_notice"):
            blocked = FailureKind.OPTED_OUT  # only the opt-out confirmation still goes
        elif not contact.reachable:
            blocked = FailureKind.UNREACHABLE
        outbound = None
        if body and (contact.address_enc is not None or message.channel == Channel.WEBCHAT):
            outbound = OutboundMessage(
                id=message.id,
                channel=Channel(message.channel),
                address=self._vault.decrypt(contact.address_enc) if contact.address_enc else "",
                text=body["text"],
                choices=tuple(RenderedChoice(c[0], c[1]) for c in body.get("choices", [])),
                lang=message.lang or "",
                contact_id=contact.id,
                last_inbound_at=contact.last_inbound_at,
                template=body.get("template"),
            )
        return Claimed(message.id, message.contact_id, message.attempts, outbound, blocked)

    async def _send_one(self, row: Claimed) -> Result:
        if row.blocked is not None:
            reason = (
                "recipient opted out"
                if row.blocked is FailureKind.OPTED_OUT
                else "address unreachable on this channel"
            )
            return Result(
                row.id, row.contact_id, OutboxStatus.FAILED, error=reason, failure=FailureKind.OTHER
            )
        if row.message is None:
            return Result(row.id, row.contact_id, OutboxStatus.FAILED, error="nothing to send")
        adapter = self._adapters[row.message.channel]
        parts = render(row.message, adapter.capabilities, self._catalogs)
        provider_ids: list[str] = []
        try:
            for number, part in enumerate(parts):
                pacer = self._pacers.get(part.channel)
                # Only before a message's first part: a started message is finished.
                if number == 0 and not await self._paced_unless_stopping(pacer, part.address):
                    return self._put_back(row)
                if number and pacer is not None:
                    await pacer.wait(part.address)
                sent: SendResult = await adapter.send(part)
                provider_ids.append(sent.provider_id)
        except TemporaryFailure as failure:
            if provider_ids:  # some parts went out: never repeat them
                return self._failed(
                    row,
                    f"only {len(provider_ids)} of {len(parts)} parts sent: {failure.reason}",
                    provider_ids,
                )
            return self._temporary(row, failure)
        except OptedOut as failure:
            return self._failed(row, failure.reason, provider_ids, FailureKind.OPTED_OUT)
        except PermanentFailure as failure:
            kind = FailureKind.UNREACHABLE if failure.unreachable else FailureKind.OTHER
            return self._failed(row, failure.reason, provider_ids, kind)
        except Exception as error:  # an adapter bug must not stop the queue
            log.exception("adapter %s raised", row.message.channel)
            if provider_ids:
                return self._failed(row, type(error).__name__, provider_ids)
            return self._temporary(row, TemporaryFailure(type(error).__name__))
        status = OutboxStatus.DELIVERED if sent.delivered else OutboxStatus.SENT
        # Receipts find the row by its first part's id (see bot.messaging.receipts).
        return Result(row.id, row.contact_id, status, provider_id=provider_ids[0])

    async def _paced_unless_stopping(self, pacer: ChannelPacer | None, address: str) -> bool:
        """Wait for the row's turn; False if the dispatcher is stopping (before or during
        the wait: a paced channel can have rows queued for many seconds)."""
        if self._stopping.is_set():
            return False
        if pacer is None:
            return True
        turn = asyncio.ensure_future(pacer.wait(address))
        stopping = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait((turn, stopping), return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if turn.done():
            return True
        turn.cancel()
        return False

    def _put_back(self, row: Claimed) -> Result:
        return Result(
            row.id,
            row.contact_id,
            OutboxStatus.QUEUED,
            next_attempt_at=self._clock(),
            attempts=row.attempts - 1,
        )

    def _failed(
        self,
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

    def _temporary(self, row: Claimed, failure: TemporaryFailure) -> Result:
        if row.attempts >= MAX_ATTEMPTS:
            return self._failed(row, f"gave up after {row.attempts} attempts: {failure.reason}", ())
        delay = backoff(row.attempts, failure.retry_after)
        return Result(
            row.id,
            row.contact_id,
            OutboxStatus.QUEUED,
            error=failure.reason,
            next_attempt_at=self._clock() + timedelta(seconds=delay),
        )

    async def _record(self, results: Sequence[Result]) -> None:
        """Write results in one transaction, with what failures say about addresses."""
        if not results:
            return
        now = self._clock()
        async with self._sessionmaker() as session, session.begin():
            for result in results:
                await session.execute(
                    update(MESSAGES).where(MESSAGES.c.id == result.id).values(**result.values(now))
                )
            for result in results:
                if result.failure is not None:
                    message = await session.get(Message, result.id)
                    if message is not None:
                        await after_failure(session, message, result.failure, now)

    async def release_expired_leases(self) -> int:
        """Settle rows whose sender died mid-send (see the guarantees above)."""
        now = self._clock()
        expired = (
            Message.direction == Direction.OUT.value,
            Message.status == OutboxStatus.SENDING.value,
            Message.next_attempt_at < now,
        )
        harmless = [c.value for c in self._adapters if self._harmless_to_resend(c)]
        async with self._sessionmaker() as session, session.begin():
            requeued = await session.execute(
                update(Message)
                .where(*expired, Message.channel.in_(harmless))
                .values(status=OutboxStatus.QUEUED.value, error="lease expired mid-send")
            )
            failed = await session.execute(
                update(Message)
                .where(*expired, Message.channel.not_in(harmless))
                .values(status=OutboxStatus.FAILED.value, error=INTERRUPTED, next_attempt_at=None)
            )
        count = int(getattr(requeued, "rowcount", 0) or 0) + int(
            getattr(failed, "rowcount", 0) or 0
        )
        if count:
            log.warning("settled %d rows interrupted mid-send", count)
        return count
