"""Processing the inbox: each message's step runs in the transaction that claimed it.

The step and the removal of the message from the inbox commit together, so a crash
at any point leaves the message queued (processed after the restart, once) or
processed and gone — never both, never neither. A flow that raises is rolled back to
a savepoint and answered with an apology in the same transaction (as the engine does
for direct calls). A database that fails leaves the message where it is; it is
tried again with a growing pause, as are the loops themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.conversation import Duplicate, Engine
from bot.db.outage import database_away
from bot.inbound.entries import message_of
from bot.inbound.queue import claim_next, defer, remove, store
from bot.inbound.spool import Spool
from bot.kernel.backoff import pause, worth_logging
from bot.kernel.crypto import Vault
from bot.kernel.types import InboundMessage

log = logging.getLogger(__name__)

#: On PostgreSQL, messages per transaction at most, and the time after which a
#: transaction takes no more: fewer commits under load, while a lone message still goes
#: at once. SQLite takes one: its transaction holds the only write lock, and a longer
#: one delays the next acknowledgement (measured: bench/channels.py).
BATCH, BATCH_SECONDS = 16, 0.02
#: How often an idle worker looks for messages other processes acknowledged.
IDLE_SECONDS = 1.0
#: Spool files moved into the inbox per transaction.
DRAIN_BATCH = 200


class InboxWorker:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        engine: Engine,
        vault: Vault,
        spool: Spool,
        postgres: bool,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessionmaker = sessionmaker
        self._engine = engine
        self._vault = vault
        self._spool = spool
        self._postgres = postgres
        self._clock = clock
        self._wake = asyncio.Event()
        #: Set while `run` runs: only then do waiters get an answer from here.
        self.running = False
        self._waiters: dict[str, asyncio.Future[None]] = {}

    def wake(self) -> None:
        self._wake.set()

    def waiter(self, inbound_key: str) -> asyncio.Future[None]:
        """Done when this process's workers have committed that message's step."""
        waiter = self._waiters.get(inbound_key)
        if waiter is None or waiter.done():
            waiter = self._waiters[inbound_key] = asyncio.get_running_loop().create_future()
        return waiter

    def forget(self, inbound_key: str) -> None:
        self._waiters.pop(inbound_key, None)

    # -- one message -----------------------------------------------------------

    async def process_batch(self) -> int:
        """Process due messages in one transaction (see BATCH); how many (0: none due)."""
        limit = BATCH if self._postgres else 1
        entry_id, attempts, done = None, 0, 0
        keys: list[str] = []
        started = time.monotonic()
        try:
            async with self._sessionmaker() as session, session.begin():
                while done < limit and (done == 0 or time.monotonic() - started < BATCH_SECONDS):
                    now = self._clock()
                    entry = await claim_next(session, now, postgres=self._postgres)
                    if entry is None:
                        break
                    entry_id, attempts = entry.id, entry.attempts
                    await self._step(session, message_of(self._vault, entry.payload_enc), now)
                    # Removed in the step's transaction: after the commit, the sender's
                    # next message can be claimed (here at once: this transaction sees it).
                    await remove(session, entry.id)
                    keys.append(entry.inbound_key)
                    done += 1
        except Exception as error:
            # All of this transaction is rolled back and comes again; the message it
            # failed on pauses (its sender's later messages wait behind it).
            if entry_id is not None:
                await self._defer(entry_id, attempts + 1, error)
            raise
        if done:
            self._engine.committed()
            for key in keys:
                waiter = self._waiters.pop(key, None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)
        return done

    async def _step(self, session: AsyncSession, message: InboundMessage, now: datetime) -> None:
        for attempt in range(2):
            try:
                async with session.begin_nested():
                    await self._engine.step_in(session, message, now)
                return
            except Duplicate:
                return  # processed before: the savepoint dropped what the lookup made
            except IntegrityError:
                if attempt == 0:
                    continue  # a new address raced its own first message: look again
                raise
            except Exception as error:
                if database_away(error):
                    raise
                log.exception("flow step failed; answering with an apology")
                break
        async with session.begin_nested():
            await self._engine.apology_in(session, message, now)

    async def _defer(self, entry_id: int, attempts: int, error: Exception) -> None:
        """Note the failure on the message so its sender's queue pauses (best effort:
        the database may be the failure)."""
        not_before = self._clock() + timedelta(seconds=pause(attempts))
        with contextlib.suppress(Exception):
            async with self._sessionmaker() as session, session.begin():
                await defer(session, entry_id, attempts, not_before, type(error).__name__)

    async def process_pending(self) -> int:
        """Drain the spool, then process every message due now (the CLI, the tests)."""
        await self.drain_spool()
        done = 0
        while processed := await self.process_batch():
            done += processed
        return done

    # -- the spool ---------------------------------------------------------------

    async def drain_spool(self) -> int:
        """Move spooled messages into the inbox, oldest first; returns how many."""
        moved = 0
        while files := self._spool.files(DRAIN_BATCH):
            entries = [(path, self._spool.read(path)) for path in files]
            readable = [entry for _, entry in entries if entry is not None]
            async with self._sessionmaker() as session, session.begin():
                await store(session, readable, postgres=self._postgres)
            # Removed only after the commit: a crash in between stores them again,
            # and storing drops what is already there.
            self._spool.remove([path for path, _ in entries])
            moved += len(readable)
        if moved:
            log.info("moved %d spooled messages into the inbox", moved)
            self.wake()
        return moved

    # -- the loops ---------------------------------------------------------------

    async def run(self, workers: int, stopping: asyncio.Event) -> None:
        """`workers` processing loops and one spool loop, until `stopping` is set. A
        loop stops between messages, never in the middle of one."""
        loops = [self._processing(stopping, number) for number in range(workers)]
        self.running = workers > 0
        try:
            await asyncio.gather(self._draining(stopping), *loops)
        finally:
            self.running = False

    async def _processing(self, stopping: asyncio.Event, number: int) -> None:
        failures = 0
        while not stopping.is_set():
            # Cleared before looking: a message stored while we look wakes us again.
            self._wake.clear()
            try:
                found = await self.process_batch()
                failures = 0
            except Exception as error:
                failures += 1
                self._log_failure("inbox worker", error, failures)
                await _sleep(stopping, pause(failures))
                continue
            if found:
                self._wake.set()  # there may be more: let the other workers look too
            else:
                await _wait(stopping, self._wake, IDLE_SECONDS)

    async def _draining(self, stopping: asyncio.Event) -> None:
        failures = 0
        while not stopping.is_set():
            if self._spool.recount():
                try:
                    await self.drain_spool()
                    failures = 0
                except Exception as error:
                    failures += 1
                    self._log_failure("spool", error, failures)
                    await _sleep(stopping, pause(failures))
                    continue
            await _sleep(stopping, IDLE_SECONDS)

    @staticmethod
    def _log_failure(loop: str, error: Exception, failures: int) -> None:
        if worth_logging(failures):
            away = "database unavailable" if database_away(error) else "failed"
            log.warning("%s: %s (%s); trying again", loop, away, type(error).__name__)
        if not database_away(error) and failures == 1:
            log.exception("%s failed", loop)


async def _sleep(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)


async def _wait(stopping: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
    waits = [asyncio.ensure_future(stopping.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()
