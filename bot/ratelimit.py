"""Pacing sends: an overall rate per channel and a rate per address (Telegram chat, sender)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Pacer:
    """Spaces calls `1/rate` seconds apart, allowing `burst` calls at once after a pause
    (a token bucket). Overall channel rates use no burst: a provider that allows
    30/s gets at most one message every 33 ms. A chat may get a short reply of a
    few messages at once, as Telegram allows."""

    def __init__(
        self, per_second: float, burst: int = 1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._interval = 1.0 / per_second
        self._slack = (burst - 1) * self._interval
        self._clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = self._clock()
            start = max(self._next, now - self._slack)
            delay = start - now
            self._next = start + self._interval
        if delay > 0:
            await asyncio.sleep(delay)


#: Messages one address may get at once before pacing starts (a reply of a few parts).
PER_ADDRESS_BURST = 3


class ChannelPacer:
    """The overall pacer of a channel plus one per address, created on demand."""

    def __init__(self, per_second: float, per_address_per_second: float | None) -> None:
        self._overall = Pacer(per_second)
        self._per_address = per_address_per_second
        self._addresses: dict[str, Pacer] = {}

    async def wait(self, address: str) -> None:
        if self._per_address is not None:
            pacer = self._addresses.get(address)
            if pacer is None:
                if len(self._addresses) > 10_000:  # forget idle addresses now and then
                    self._addresses.clear()
                pacer = self._addresses[address] = Pacer(self._per_address, burst=PER_ADDRESS_BURST)
            await pacer.wait()
        await self._overall.wait()
