"""The inbox as the rest of Lotse sees it: accept a message, run the workers, wait."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.conversation import Engine
from bot.inbound.accept import Accepted, Acceptor
from bot.inbound.entries import entry_for
from bot.inbound.queue import store, waiting
from bot.inbound.spool import Spool
from bot.inbound.worker import InboxWorker
from bot.kernel.crypto import Vault
from bot.kernel.types import InboundMessage


class Inbox:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        engine: Engine,
        vault: Vault,
        spool: Spool,
        postgres: bool,
        workers: int,
        accept_timeout: float,
        clock: Callable[[], datetime],
    ) -> None:
        self.spool = spool
        self.workers = workers
        self._sessionmaker = sessionmaker
        self._vault, self._postgres, self._clock = vault, postgres, clock
        self._worker = InboxWorker(
            sessionmaker=sessionmaker,
            engine=engine,
            vault=vault,
            spool=spool,
            postgres=postgres,
            clock=clock,
        )
        self._acceptor = Acceptor(
            sessionmaker=sessionmaker,
            vault=vault,
            spool=spool,
            postgres=postgres,
            timeout=accept_timeout,
            clock=clock,
            stored=self._worker.wake,
        )

    async def accept(self, message: InboundMessage, *, wait: float = 0.0) -> Accepted:
        """Store `message` durably (inbox, or spool while the database is away) and wake
        a worker. Raises `SpoolFull` when it cannot be kept: answer 503 then.

        With `wait`, also wait up to that many seconds for this process's workers to
        have processed it: for the web chat, whose page fetches the answer right after
        (a provider's webhook never waits)."""
        if wait <= 0 or not self._worker.running:
            return await self._acceptor.accept(message)
        key = message.inbound_key
        processed = self._worker.waiter(key)  # before storing: a worker may be quick
        try:
            accepted = await self._acceptor.accept(message)
            if accepted is Accepted.NEW:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(processed), wait)
            return accepted
        finally:
            self._worker.forget(key)

    async def queue(self, session: AsyncSession, message: InboundMessage) -> bool:
        """Store Lotse's own `message` in the inbox within the caller's transaction, so
        it is queued exactly when what it is about is committed; the caller `wake`s the
        workers after committing. False when its provider id was queued or processed
        before (a repeat)."""
        entry = entry_for(self._vault, message, self._clock())
        return (await store(session, [entry], postgres=self._postgres))[0]

    def wake(self) -> None:
        """Let this process's workers look for new messages now."""
        self._worker.wake()

    async def process_pending(self) -> int:
        """Process everything due now, in this task (the tests, a one-off run)."""
        return await self._worker.process_pending()

    async def run(self, stopping: asyncio.Event) -> None:
        """The workers (LOTSE_INBOX_WORKERS of them) and the spool loop, until `stopping`."""
        await self._worker.run(self.workers, stopping)

    async def waiting(self) -> int:
        """Messages acknowledged and not yet processed (the inbox, not the spool)."""
        async with self._sessionmaker() as session:
            return await waiting(session)
