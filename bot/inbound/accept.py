"""Acknowledging an inbound message: into the inbox, or the local spool while the
database is away. Either way it is durable before the provider hears "got it"."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.outage import database_away
from bot.inbound.entries import entry_for
from bot.inbound.queue import store
from bot.inbound.spool import Entry, Spool
from bot.kernel.crypto import Vault
from bot.kernel.types import InboundMessage

log = logging.getLogger(__name__)


class Accepted(StrEnum):
    NEW = "new"
    #: Queued or processed before (a provider's retry): nothing more to do.
    REPEATED = "repeated"
    #: In the local spool; it reaches the inbox when the database is back.
    SPOOLED = "spooled"


class Acceptor:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        vault: Vault,
        spool: Spool,
        postgres: bool,
        timeout: float,
        clock: Callable[[], datetime],
        stored: Callable[[], None],
    ) -> None:
        self._sessionmaker = sessionmaker
        self._vault = vault
        self._spool = spool
        self._postgres = postgres
        self._timeout = timeout
        self._clock = clock
        self._stored = stored

    async def accept(self, message: InboundMessage) -> Accepted:
        """Store `message` durably; raises `SpoolFull` when neither can take it."""
        entry = entry_for(self._vault, message, self._clock())
        if not self._spool.empty:
            # Older messages wait in the spool: a newer one must not overtake them.
            return await self._spooled(entry)
        try:
            new = await asyncio.wait_for(self._store(entry), self._timeout)
        except Exception as error:
            if not database_away(error):
                raise
            log.warning("database unavailable (%s): message spooled", type(error).__name__)
            return await self._spooled(entry)
        if new:
            self._stored()
        return Accepted.NEW if new else Accepted.REPEATED

    async def _store(self, entry: Entry) -> bool:
        async with self._sessionmaker() as session, session.begin():
            (new,) = await store(session, [entry], postgres=self._postgres)
        return new

    async def _spooled(self, entry: Entry) -> Accepted:
        await asyncio.to_thread(self._spool.write, entry)
        return Accepted.SPOOLED
