"""The narrow interface every channel adapter implements."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from bot.kernel.types import Capabilities, Channel, OutboundMessage, RateLimit


@dataclass(frozen=True, slots=True)
class SendResult:
    provider_id: str
    #: True when sending also means delivered (the web chat keeps the message for its reader).
    delivered: bool = False


class TemporaryFailure(Exception):
    """Try again later; `retry_after` in seconds when the provider said so."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class PermanentFailure(Exception):
    """Never retry; `unreachable` marks the person's address on this channel as dead."""

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreachable = unreachable


class OptedOut(PermanentFailure):
    """The recipient opted out with the carrier (SMS STOP; Twilio error 21610)."""


class ChannelAdapter(Protocol):
    """A channel. `send` gets text already rendered for `capabilities` (see bot.messaging.render).

    Raise TemporaryFailure (retry, honouring retry_after) or PermanentFailure
    (never retry; `unreachable` when the address is dead, e.g. a blocked bot).
    """

    channel: Channel
    capabilities: Capabilities
    rate_limit: RateLimit | None
    #: Whether sending a row again after a crash mid-send does no harm (the web chat:
    #: it only shows the message). Otherwise each part is marked started before its
    #: call, and a part interrupted mid-call is never sent again (bot.messaging.sweep).
    resend_is_harmless: bool

    async def start(self) -> None:
        """Open connections (Telegram's getMe, an HTTP session) before the first send."""

    async def close(self) -> None:
        """Close them; called once when the process stops."""

    async def send(self, message: OutboundMessage) -> SendResult: ...


@asynccontextmanager
async def running(adapters: Iterable[ChannelAdapter]) -> AsyncIterator[None]:
    """The adapters started for the block, and closed after it, whatever happens."""
    started = list(adapters)
    for adapter in started:
        await adapter.start()
    try:
        yield
    finally:
        for adapter in started:
            await adapter.close()


class Waker(Protocol):
    """Something that sends what was just queued (the dispatcher): features that queue
    messages outside a conversation step wake it after their commit."""

    def wake(self) -> None: ...
