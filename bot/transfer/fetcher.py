"""Fetching typed codes from their issuers outside every conversation step.

A conversation step only records the code (`transfer_fetches`, status pending) and
answers at once: the claim over HTTPS may take up to LOTSE_TRANSFER_TIMEOUT_SECONDS, and
no transaction may wait on a peer (the inbox worker runs several people's steps in one).
Here a row is claimed in a short transaction (pending → taken, one conditional update,
so two processes never claim the same code), the peer is asked with no session open,
and the result is stored in a second short transaction (taken → done). Then a message
for the same contact goes through the inbox (`transfer-result:<id>`, provider id
`transfer:<id>`, so a repeat is dropped) and the conversation goes on in a normal step.

After a crash between claim and result a row stays taken: once it is older than the
timeout and a margin, it is finished as INTERRUPTED (the issuer may have used the code
up: the person is told to ask for a new one). After a crash between result and message,
the message is sent again on the next pass (done → sent once the inbox has it).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import TransferFetch
from bot.kernel.backoff import pause, worth_logging
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, InboundMessage
from bot.transfer.codes import find_transfer_code
from bot.transfer.identity import Identity
from bot.transfer.receive import Failure, Received, accept_document, claim_document

log = logging.getLogger(__name__)

#: The payload of the message that brings a result back into the conversation.
RESULT_PAYLOAD = "transfer-result:"
#: How often an idle fetcher looks for codes other processes recorded.
IDLE_SECONDS = 1.0
#: Claims in flight at once per process: a peer that hangs holds one, not all.
CONCURRENT = 8
#: Beyond the claim's own timeout: a row taken longer than both was abandoned.
MARGIN = timedelta(seconds=60)


class FetchStatus(StrEnum):
    PENDING = "pending"
    TAKEN = "taken"
    #: The result is stored; its message is not yet in the inbox.
    DONE = "done"
    #: The inbox has the message; the person's next step reads the result once.
    SENT = "sent"


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    person_id: int
    code: str = field(repr=False)
    channel: Channel
    address: str = field(repr=False)
    #: The result message's provider id (see `provider_id`).
    key: str


def provider_id(row_id: int, code_enc: str) -> str:
    """Unique per row even where ids are reused (SQLite after a delete): a repeat of
    the same row's message is dropped, a later row's never."""
    return f"transfer:{row_id}:{hashlib.sha256(code_enc.encode()).hexdigest()[:16]}"


def result_payload(row_id: int) -> str:
    return f"{RESULT_PAYLOAD}{row_id}"


def result_id(payload: str | None) -> int | None:
    """The row a `transfer-result:<id>` payload names; None for any other payload. The
    payload may come from outside (a Telegram /start): the port checks the person."""
    if not payload or not payload.startswith(RESULT_PAYLOAD):
        return None
    number = payload.removeprefix(RESULT_PAYLOAD)
    return int(number) if number.isdigit() and len(number) <= 18 else None


def encode_result(vault: Vault, result: Received | Failure) -> str:
    value: dict[str, Any] = (
        {"failure": result.value} if isinstance(result, Failure) else {"received": asdict(result)}
    )
    return vault.encrypt(json.dumps(value))


def decode_result(vault: Vault, token: str) -> Received | Failure:
    value = json.loads(vault.decrypt(token))
    if "failure" in value:
        return Failure(value["failure"])
    got = value["received"]
    order, agreed = got.get("order"), got.get("agreed")
    return Received(
        str(got["peer"]),
        got.get("language"),
        None if order is None else tuple(order),
        None if agreed is None else tuple(agreed),
    )


class TransferFetcher:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        vault: Vault,
        settings: Settings,
        identity: Identity | None,
        accept: Callable[[InboundMessage], Awaitable[object]],
        clock: Callable[[], datetime],
    ) -> None:
        self._sessionmaker = sessionmaker
        self._vault = vault
        self._settings = settings
        self._identity = identity
        self._accept = accept
        self._clock = clock
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A code was recorded (after its step committed): look now, not in a second."""
        self._wake.set()

    async def process_pending(self) -> int:
        """Fetch every pending code in this task, at once (the tests, a one-off run)."""
        done = await self._recover()
        while claimed := await self._claim(CONCURRENT):
            await asyncio.gather(*(self._fetch(row) for row in claimed))
            done += len(claimed)
        return done

    async def run(self, stopping: asyncio.Event) -> None:
        """Until `stopping`: claims run side by side (at most CONCURRENT), each in a task
        of its own; a stop waits for those in flight (each ends by its timeout)."""
        if self._identity is None:
            return  # transfers off: no code is ever recorded
        running: set[asyncio.Task[None]] = set()
        failures = 0
        while not stopping.is_set():
            self._wake.clear()
            try:
                await self._recover()
                for row in await self._claim(CONCURRENT - len(running)):
                    task = asyncio.create_task(self._fetch(row))
                    running.add(task)
                    task.add_done_callback(running.discard)
                failures = 0
                wait = IDLE_SECONDS
            except Exception:
                failures += 1
                if worth_logging(failures):
                    log.exception("transfer fetcher failed (%d in a row)", failures)
                wait = pause(failures)
            waiter = asyncio.ensure_future(self._wake.wait())
            stop = asyncio.ensure_future(stopping.wait())
            try:
                await asyncio.wait((waiter, stop), timeout=wait,
                                   return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
            finally:
                waiter.cancel()
                stop.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)

    async def _claim(self, limit: int) -> list[Claimed]:
        """Up to `limit` pending rows, each taken by one conditional update."""
        if limit <= 0:
            return []
        now = self._clock()
        claimed: list[Claimed] = []
        async with self._sessionmaker() as session, session.begin():
            ids = await session.scalars(
                select(TransferFetch.id)
                .where(TransferFetch.status == FetchStatus.PENDING)
                .order_by(TransferFetch.id)
                .limit(limit)
            )
            for row_id in list(ids):
                taken = await session.execute(
                    update(TransferFetch)
                    .where(TransferFetch.id == row_id, TransferFetch.status == FetchStatus.PENDING)
                    .values(status=FetchStatus.TAKEN, taken_at=now)
                    .returning(
                        TransferFetch.person_id,
                        TransferFetch.code_enc,
                        TransferFetch.channel,
                        TransferFetch.address_enc,
                    )
                )
                row = taken.one_or_none()
                if row is None:
                    continue  # another process took it between the two statements
                person_id, code_enc, channel, address_enc = row
                code, address = self._vault.decrypt(code_enc), self._vault.decrypt(address_enc)
                key = provider_id(row_id, code_enc)
                claimed.append(Claimed(row_id, person_id, code, Channel(channel), address, key))
        return claimed

    async def _fetch(self, row: Claimed) -> None:
        """The claim with no session open; then the result and the message back."""
        try:
            result = await self._claim_document(row)
        except Exception:
            log.exception("transfer fetch %d failed", row.id)
            result = Failure.UNREACHABLE
        try:
            async with self._sessionmaker() as session, session.begin():
                mine = await session.execute(
                    update(TransferFetch)
                    .where(TransferFetch.id == row.id, TransferFetch.status == FetchStatus.TAKEN)
                    .values(status=FetchStatus.DONE)
                )
                if not getattr(mine, "rowcount", 0):
                    return  # erased meanwhile, or finished as interrupted: nothing to tell
                if isinstance(result, Failure):
                    received: Received | Failure = result
                else:
                    document, peer = result
                    received = await accept_document(session, peer, document, row.person_id,
                                                      self._clock())  # fmt: skip
                await session.execute(
                    update(TransferFetch)
                    .where(TransferFetch.id == row.id)
                    .values(result_enc=encode_result(self._vault, received))
                )
            await self._announce([(row.id, row.key, row.channel, row.address)])
        except Exception:
            # Stays taken (or done: announced on the next pass), as after a crash.
            log.exception("transfer fetch %d: result not stored", row.id)

    async def _claim_document(self, row: Claimed) -> Any:
        identity, code = self._identity, find_transfer_code(row.code)
        peer = None if identity is None or code is None else identity.peer(code.issuer)
        if identity is None or code is None or peer is None:
            return Failure.UNKNOWN_PEER  # checked in the step; the peers file changed since
        document = await claim_document(self._settings, identity, peer, code, self._clock())
        return document if isinstance(document, Failure) else (document, peer)

    async def _recover(self) -> int:
        """Rows abandoned by a crash: taken too long ago are finished as INTERRUPTED;
        done but not in the inbox are announced again."""
        now = self._clock()
        stale = now - timedelta(seconds=self._settings.transfer_timeout_seconds) - MARGIN
        async with self._sessionmaker() as session, session.begin():
            # Read first: an idle loop must not take SQLite's write lock every second.
            abandoned = list(
                await session.scalars(
                    select(TransferFetch.id).where(
                        TransferFetch.status == FetchStatus.TAKEN, TransferFetch.taken_at < stale
                    )
                )
            )
            if abandoned:
                await session.execute(
                    update(TransferFetch)
                    .where(
                        TransferFetch.id.in_(abandoned), TransferFetch.status == FetchStatus.TAKEN
                    )
                    .values(
                        status=FetchStatus.DONE,
                        result_enc=encode_result(self._vault, Failure.INTERRUPTED),
                    )
                )
                log.warning("transfer fetches interrupted (a restart?): %d", len(abandoned))
            rows = await session.execute(
                select(
                    TransferFetch.id,
                    TransferFetch.code_enc,
                    TransferFetch.channel,
                    TransferFetch.address_enc,
                ).where(TransferFetch.status == FetchStatus.DONE)
            )
            unsent = [(i, provider_id(i, k), Channel(c), self._vault.decrypt(a))
                      for i, k, c, a in rows]  # fmt: skip
        await self._announce(unsent)
        return len(unsent)

    async def _announce(self, rows: Sequence[tuple[int, str, Channel, str]]) -> None:
        """The result's message into the inbox; then the row is marked sent."""
        for row_id, key, channel, address in rows:
            await self._accept(
                InboundMessage(
                    channel=channel,
                    address=address,
                    provider_id=key,
                    payload=result_payload(row_id),
                    received_at=self._clock(),
                    internal=True,
                )
            )
            async with self._sessionmaker() as session, session.begin():
                await session.execute(
                    update(TransferFetch)
                    .where(TransferFetch.id == row_id, TransferFetch.status == FetchStatus.DONE)
                    .values(status=FetchStatus.SENT)
                )
