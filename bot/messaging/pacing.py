"""Pacing sends: an overall rate per channel and a rate per address (Telegram chat, sender)."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable


class Pacer:
    """Spaces calls `1/rate` seconds apart, allowing `burst` calls at once after a pause
    (a token bucket). Overall channel rates use no burst: a provider that allows
    30/s gets at most one message every 33 ms. A chat may get a short reply of a
    few messages at once, as Telegram allows.

    With `window`, it also keeps at most that many calls in any sliding second,
    counted by when callers actually went ahead: if the event loop stalls, the
    waiters behind catch up on the schedule (the rate is kept), but never more than
    the provider counts in one second."""

    def __init__(
        self,
        per_second: float,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        window: int | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._sleep = sleep
        self._interval = 1.0 / per_second
        self._slack = (burst - 1) * self._interval
        self._clock = clock
        self._next = 0.0
        self._window = window
        self._recent: deque[float] = deque(maxlen=window)
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        # Waiters queue on the lock (first come, first served) while the head sleeps.
        async with self._lock:
            now = self._clock()
            slot = max(self._next, now - self._slack)
            # The schedule is fixed before sleeping: a caller woken late does not
            # delay the ones behind it, so a stall costs no rate.
            self._next = slot + self._interval
            while True:
                ready = slot
                if self._window is not None and len(self._recent) == self._window:
                    ready = max(ready, self._recent[0] + 1.0)
                if ready <= now:
                    break
                await self._sleep(ready - now)
                now = self._clock()
            if self._window is not None:
                self._recent.append(now)


#: Messages one address may get at once before pacing starts (a reply of a few parts).
PER_ADDRESS_BURST = 3


#: The overall pace stays this much under the configured provider limit: requests
#: spaced exactly 1/rate apart reach the provider with network and event-loop jitter,
#: and two that bunch up make a strict one-second window see rate + 1 (a 429).
RATE_MARGIN = 0.985


class ChannelPacer:
    """The overall pacer of a channel plus one per address, created on demand."""

    def __init__(self, per_second: float, per_address_per_second: float | None) -> None:
        self._overall = Pacer(per_second * RATE_MARGIN, window=max(1, int(per_second)))
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
