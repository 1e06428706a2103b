"""Sending one claimed row: render it, and per part wait for its turn, mark it started,
call the adapter; no transaction open while a provider call is under way."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Catalogs
from bot.kernel.types import Attachment, Channel, OutboundMessage, OutboxStatus
from bot.messaging.channel import (
    ChannelAdapter,
    OptedOut,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)
from bot.messaging.claim import Claimed
from bot.messaging.failures import FailureKind
from bot.messaging.marks import Fence, Mark, Marks
from bot.messaging.pacing import ChannelPacer
from bot.messaging.render import render
from bot.messaging.results import Progress, Result, failed, put_back, retry_later

log = logging.getLogger(__name__)

#: `Mark.start` or `Mark.finish`.
MarkKind = Callable[[Fence, int, int, str | None, datetime], Mark]
#: Loads the files of a message's attachment reference for its contact (in a short
#: session of its own); raises LookupError when they are gone (expired, erased).
AttachmentLoader = Callable[[str, int], Awaitable[tuple[Attachment, ...]]]


class Sender:
    """Turns a claimed row into a `Result`; the caller records it."""

    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        adapters: Mapping[Channel, ChannelAdapter],
        catalogs: Catalogs,
        stopping: asyncio.Event,
        lease: timedelta,
        clock: Callable[[], datetime],
        attachments: AttachmentLoader | None = None,
    ) -> None:
        self._marks = Marks(sessionmaker)
        self._attachments = attachments
        self._adapters = adapters
        self._catalogs = catalogs
        self._stopping = stopping
        self._lease = lease
        self._clock = clock
        self._pacers = {
            channel: ChannelPacer(a.rate_limit.per_second, a.rate_limit.per_address_per_second)
            for channel, a in adapters.items()
            if a.rate_limit is not None
        }

    async def send(self, row: Claimed) -> Result | None:
        """Send the parts not yet done, each between a start and a done mark
        (bot.messaging.marks); None when the row is no longer this sender's: then
        nothing is recorded."""
        if row.blocked is not None:
            reason = (
                "recipient opted out"
                if row.blocked is FailureKind.OPTED_OUT
                else "address unreachable on this channel"
            )
            return failed(row, reason)
        if row.message is None:
            return failed(row, "nothing to send", kind=None)
        adapter = self._adapters[row.message.channel]
        parts = render(row.message, adapter.capabilities, self._catalogs)
        if row.message.attachment is not None and adapter.capabilities.files:
            try:
                parts[-1] = await self._with_files(parts[-1])
            except LookupError:
                return failed(row, "its document is gone", kind=None)
            except Exception as error:  # the database away: try again later
                log.warning("loading the document of message %d failed (%s)", row.id,
                            type(error).__name__)  # fmt: skip
                return retry_later(row, TemporaryFailure(type(error).__name__), self._clock())
        if row.parts_total is not None and row.parts_total != len(parts):
            # Rendering is deterministic unless the text or the catalogs changed; the
            # parts already done are never repeated, so the rest goes by index.
            log.warning("message %d renders as %d parts, was %d; resuming at part %d",
                        row.id, len(parts), row.parts_total, row.parts_done + 1)  # fmt: skip
        progress = Progress(row.fence, row.parts_done, len(parts))
        marked = not adapter.resend_is_harmless
        delivered = False
        try:
            for number in range(row.parts_done, len(parts)):
                part = parts[number]
                pacer = self._pacers.get(part.channel)
                # Only before this send's first part: a started message is finished.
                if number == row.parts_done:
                    if not await self._paced_unless_stopping(pacer, part.address):
                        return put_back(row, self._clock())
                elif pacer is not None:
                    await pacer.wait(part.address)
                if marked:
                    moved = await self._mark(progress, Mark.start, number, len(parts))
                    if moved is None:
                        return None
                    progress = moved
                sent: SendResult = await adapter.send(part)
                delivered = sent.delivered
                # Receipts find the row by its first part known sent (coalesced: an id
                # once written stays), so an uncertain first part still leaves a key.
                first_id = progress.first_id or sent.provider_id
                progress = replace(progress, parts_done=number + 1, first_id=first_id)
                if marked and number + 1 < len(parts):
                    # Done before waiting for the next part's turn: a crash meanwhile
                    # must not make this part look in flight.
                    moved = await self._mark(progress, Mark.finish, number, len(parts))
                    if moved is None:
                        return None
                    progress = moved
        except TemporaryFailure as failure:
            return retry_later(row, failure, self._clock(), progress)
        except OptedOut as failure:
            return failed(row, failure.reason, progress, FailureKind.OPTED_OUT)
        except PermanentFailure as failure:
            kind = FailureKind.UNREACHABLE if failure.unreachable else FailureKind.OTHER
            return failed(row, failure.reason, progress, kind)
        except Exception as error:  # an adapter bug (or a failed mark) must not stop the queue
            log.exception("sending message %d on %s raised", row.id, row.message.channel)
            return retry_later(row, TemporaryFailure(type(error).__name__), self._clock(), progress)
        status = OutboxStatus.DELIVERED if delivered else OutboxStatus.SENT
        return Result(row.id, row.contact_id, status, progress)

    async def _with_files(self, part: OutboundMessage) -> OutboundMessage:
        """The part with its attachment's files, read before any provider call (the
        loader's session is closed by then)."""
        if self._attachments is None or part.attachment is None:
            raise LookupError("no attachment loader")
        files = await self._attachments(part.attachment, part.contact_id)
        return replace(part, files=files)

    async def _mark(
        self, progress: Progress, kind: MarkKind, part: int, total: int
    ) -> Progress | None:
        """Commit a start or done mark of `part`; None if the row was taken back."""
        lease_until = self._clock() + self._lease
        fence = await self._marks.commit(
            kind(progress.fence, part, total, progress.first_id, lease_until)
        )
        if fence is None:
            log.warning("message %d was taken back after its lease ran out", progress.fence.id)
            return None
        return replace(progress, fence=fence)

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
