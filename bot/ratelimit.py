"""Pacing sends: an overall rate per channel and a rate per address (Telegram chat, sender)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Pacer:
    """Spaces calls at least `1/rate` seconds apart (a leaky bucket without bursts).

    Lotse's sends are a steady stream, so no burst allowance is wanted: a
    provider that allows 30/s is sent at most one message every 33 ms.
    """

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / per_second
        self._clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = self._clock()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
        if delay > 0:
            await asyncio.sleep(delay)


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
                pacer = self._addresses[address] = Pacer(self._per_address)
            await pacer.wait()
        await self._overall.wait()
