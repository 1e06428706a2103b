"""The outbox dispatcher, the only way anything leaves Lotse: its run loop and its rounds.

Rows go queued → sending → sent → delivered, or failed. A round claims due rows
(bot.messaging.claim), sends each outside any transaction (bot.messaging.send) and
commits its result right after it (bot.messaging.results).

Guarantees (each kept, and written out in full, where the claim is made):
- Two dispatchers (processes) never send the same row (bot.messaging.claim).
- A person's messages leave in order: the claim holds back rows behind an unsent
  earlier one (bot.messaging.claim); a round sends each person's rows one after
  another and puts the rest back when one must wait (`_send_in_order` below).
- Crash mid-send costs only what was in flight: each part commits a "started" mark
  before its provider call and a "done" mark after it (bot.messaging.marks); when
  the lease runs out, rows with no call under way are queued again, a part whose
  call was under way is never sent again, the rest of its message goes out, and
  the person gets a note about the part (bot.messaging.sweep). On the web chat,
  where resending is harmless, rows go without marks and an expired one is simply
  queued again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.outage import database_away
from bot.i18n import Catalogs
from bot.kernel.backoff import pause, worth_logging
from bot.kernel.clock import utcnow
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, OutboxStatus
from bot.messaging.channel import ChannelAdapter
from bot.messaging.claim import LEASE, Claimed, Claimer
from bot.messaging.results import Result, put_back, record_results
from bot.messaging.send import AttachmentLoader, Sender
from bot.messaging.sweep import LeaseSweep

log = logging.getLogger(__name__)


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
        attachments: AttachmentLoader | None = None,
    ) -> None:
        self._lease = lease
        self._sessionmaker = sessionmaker
        self._adapters = adapters
        self._clock = clock
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._next_lease_sweep: datetime | None = None
        self._claimer = Claimer(
            sessionmaker=sessionmaker,
            adapters=adapters,
            vault=vault,
            postgres=postgres,
            batch_size=batch_size,
            lease=lease,
            clock=clock,
        )
        self._sender = Sender(
            sessionmaker=sessionmaker,
            adapters=adapters,
            catalogs=catalogs,
            stopping=self._stopping,
            lease=lease,
            clock=clock,
            attachments=attachments,
        )
        self._sweep = LeaseSweep(
            sessionmaker=sessionmaker,
            adapters=adapters,
            vault=vault,
            catalogs=catalogs,
            postgres=postgres,
            clock=clock,
        )

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
        failures = 0
        while not self._stopping.is_set():
            try:
                sent = await self.dispatch_once()
                failures = 0
            except Exception as error:
                # The database away, most likely: pause longer each time (not woken by
                # new messages meanwhile), and recover by itself when it is back.
                failures += 1
                if worth_logging(failures):
                    log.warning("dispatch round failed (%s); retrying", type(error).__name__,
                                exc_info=failures == 1)  # fmt: skip
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), pause(failures))
                continue
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
        if claimed:
            await self.send(claimed)
        return len(claimed)

    async def claim(self) -> list[Claimed]:
        return await self._claimer.claim()

    async def send(self, claimed: Sequence[Claimed]) -> None:
        """Send claimed rows and record what became of them."""
        by_contact: dict[int, list[Claimed]] = {}
        for row in claimed:
            by_contact.setdefault(row.contact_id, []).append(row)
        # One task per contact keeps each person's order; contacts run side by side.
        batched = await asyncio.gather(*(self._send_in_order(rows) for rows in by_contact.values()))
        await self._record([result for results in batched for result in results])

    async def release_expired_leases(self) -> int:
        """Settle rows whose lease ran out while `sending` (see bot.messaging.sweep)."""
        return await self._sweep()

    def _harmless_to_resend(self, channel: Channel) -> bool:
        return self._adapters[channel].resend_is_harmless

    async def _send_in_order(self, rows: Sequence[Claimed]) -> list[Result]:
        """Send a contact's rows in order; results of real sends are committed at once,
        those of harmless channels are returned to be written with the round."""
        batched: list[Result] = []
        for position, row in enumerate(rows):
            result = await self._sender.send(row)
            if result is None:  # its lease ran out and it was taken back: the rest waits
                now = self._clock()
                batched.extend(put_back(r, now) for r in rows[position + 1 :])
                break
            harmless = row.message is not None and self._harmless_to_resend(row.message.channel)
            if harmless:
                batched.append(result)
            else:
                await self._record([result])
            if result.status is OutboxStatus.QUEUED:
                # Keep the order: later rows of this person wait for this one.
                now = self._clock()
                batched.extend(put_back(r, now) for r in rows[position + 1 :])
                break
        return batched

    async def _record(self, results: Sequence[Result]) -> None:
        """Record results; while the database is away, keep trying until their leases
        end: the provider's answer is known here, and a row left `sending` would count
        as of unknown delivery (a note to the person) once its lease runs out."""
        if not results:
            return
        lease_left = max(r.progress.fence.lease_until for r in results) - self._clock()
        give_up = time.monotonic() + lease_left.total_seconds()
        failures = 0
        while True:
            try:
                await record_results(self._sessionmaker, results, self._clock())
                return
            except Exception as error:
                failures += 1
                delay = pause(failures)
                if not database_away(error) or time.monotonic() + delay >= give_up:
                    raise
                if worth_logging(failures):
                    log.warning("results not recorded yet, database unavailable; retrying")
                await asyncio.sleep(delay)
