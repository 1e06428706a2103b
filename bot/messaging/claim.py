"""Claiming due outbox rows under a lease.

A claim moves due rows to `sending` with a lease (`next_attempt_at`) and commits;
the send happens after it, outside any transaction (see bot.messaging.send).

Guarantees:
- Two dispatchers (processes) never send the same row: claims take row locks
  with FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one writer. A sender whose
  lease ran out and whose row was taken back (and maybe claimed again) sends and
  records nothing more for it: its writes are fenced (bot.messaging.marks).
- A person's messages leave in order: a row waits while an earlier row of the
  same contact is queued for a retry, in flight, or claimed by someone else.
- Crash mid-send: each part of a message commits a "started" mark before its
  provider call and a "done" mark after it (bot.messaging.marks), so a crash costs
  only what was really in flight. When the lease runs out (bot.messaging.sweep), a
  row with no call under way is queued again as if never claimed; a part whose call
  was under way is never sent again (at most once per part), the parts after it
  still go out, and the person gets a short note that the part may not have
  arrived (never silently: the reason is kept too). A row resumes at `parts_done`:
  only the parts not yet done are sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Contact, Message
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, Direction, OutboundMessage, OutboxStatus, RenderedChoice
from bot.messaging.body import decode_body
from bot.messaging.channel import ChannelAdapter
from bot.messaging.failures import FailureKind
from bot.messaging.marks import Fence

LEASE = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    contact_id: int
    attempts: int
    #: None when there is nothing to send (purged text, unreadable address).
    message: OutboundMessage | None
    #: The lease this claim gave the row (its `next_attempt_at`).
    lease_until: datetime
    #: Why the row must not go out at all (opted out, unreachable), if so.
    blocked: FailureKind | None = None
    #: Parts already done (sent, or uncertain and never repeated): sending resumes here.
    parts_done: int = 0
    #: How many parts an earlier attempt rendered, if one started.
    parts_total: int | None = None
    #: The first part whose delivery became unknown in a crash, if any.
    uncertain_part: int | None = None

    @property
    def fence(self) -> Fence:
        """The row as this claim left it (see bot.messaging.marks)."""
        return Fence(self.id, self.attempts, self.lease_until, self.parts_done)


class Claimer:
    """Takes due rows for one dispatcher."""

    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        adapters: Mapping[Channel, ChannelAdapter],
        vault: Vault,
        postgres: bool,
        batch_size: int,
        lease: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessionmaker = sessionmaker
        self._adapters = adapters
        self._vault = vault
        self._postgres = postgres
        self._batch_size = batch_size
        self._lease = lease
        self._clock = clock

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
        lease_until = now + self._lease
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
                    next_attempt_at=lease_until,
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
        return [self._claimed(message, contact, lease_until) for message, contact in rows]

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

    def _claimed(self, message: Message, contact: Contact, lease_until: datetime) -> Claimed:
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
                attachment=body.get("attachment"),
            )
        return Claimed(
            message.id,
            message.contact_id,
            message.attempts,
            outbound,
            lease_until,
            blocked,
            parts_done=message.parts_done,
            parts_total=message.parts_total,
            uncertain_part=message.uncertain_part,
        )
