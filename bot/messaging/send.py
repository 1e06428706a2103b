"""Sending one claimed row: render it, wait for its turn, call the adapter; no transaction open."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from bot.i18n import Catalogs
from bot.kernel.types import Channel, OutboxStatus
from bot.messaging.channel import (
    ChannelAdapter,
    OptedOut,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)
from bot.messaging.claim import Claimed
from bot.messaging.failures import FailureKind
from bot.messaging.pacing import ChannelPacer
from bot.messaging.render import render
from bot.messaging.results import Result, failed, put_back, retry_later

log = logging.getLogger(__name__)


class Sender:
    """Turns a claimed row into a `Result`; the caller records it."""

    def __init__(
        self,
        *,
        adapters: Mapping[Channel, ChannelAdapter],
        catalogs: Catalogs,
        stopping: asyncio.Event,
        clock: Callable[[], datetime],
    ) -> None:
        self._adapters = adapters
        self._catalogs = catalogs
        self._stopping = stopping
        self._clock = clock
        self._pacers = {
            channel: ChannelPacer(a.rate_limit.per_second, a.rate_limit.per_address_per_second)
            for channel, a in adapters.items()
            if a.rate_limit is not None
        }

    async def send(self, row: Claimed) -> Result:
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
                    return put_back(row, self._clock())
                if number and pacer is not None:
                    await pacer.wait(part.address)
                sent: SendResult = await adapter.send(part)
                provider_ids.append(sent.provider_id)
        except TemporaryFailure as failure:
            if provider_ids:  # some parts went out: never repeat them
                return failed(
                    row,
                    f"only {len(provider_ids)} of {len(parts)} parts sent: {failure.reason}",
                    provider_ids,
                )
            return retry_later(row, failure, self._clock())
        except OptedOut as failure:
            return failed(row, failure.reason, provider_ids, FailureKind.OPTED_OUT)
        except PermanentFailure as failure:
            kind = FailureKind.UNREACHABLE if failure.unreachable else FailureKind.OTHER
            return failed(row, failure.reason, provider_ids, kind)
        except Exception as error:  # an adapter bug must not stop the queue
            log.exception("adapter %s raised", row.message.channel)
            if provider_ids:
                return failed(row, type(error).__name__, provider_ids)
            return retry_later(row, TemporaryFailure(type(error).__name__), self._clock())
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
