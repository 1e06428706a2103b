"""Pacing on a virtual clock: sleeping advances it, so the tests are exact and instant."""

from __future__ import annotations

import asyncio
import itertools

from bot.messaging.pacing import Pacer


class VirtualTime:
    def __init__(self, oversleep_at: int = -1) -> None:
        self.now = 100.0
        self.sleeps = 0
        self.oversleep_at = oversleep_at

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        # A busy event loop wakes a sleeper late.
        self.now += seconds + (0.35 if self.sleeps == self.oversleep_at else 0)
        await asyncio.sleep(0)


def max_in_any_second(times: list[float]) -> int:
    return max(sum(1 for u in times if t - 1.0 < u <= t) for t in times)


async def departures(pacer: Pacer, vt: VirtualTime, count: int, stall_at: int = -1) -> list[float]:
    times = []
    for i in range(count):
        if i == stall_at:
            vt.now += 0.35  # the event loop was busy: this caller comes late
        await pacer.wait()
        times.append(vt.now)
    return times


async def test_calls_are_spaced_one_interval_apart() -> None:
    vt = VirtualTime()
    pacer = Pacer(10.0, clock=vt.clock, sleep=vt.sleep)
    times = await departures(pacer, vt, 5)
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(times)]
    assert gaps == [0.1, 0.1, 0.1, 0.1]


async def test_after_a_late_wake_callers_catch_up_but_within_the_window() -> None:
    vt = VirtualTime(oversleep_at=7)
    pacer = Pacer(10.0, clock=vt.clock, sleep=vt.sleep, window=10)
    times = await departures(pacer, vt, 40)
    assert max_in_any_second(times) == 10
    # Some of the 0.35 s lost is caught up (as far as the window allows).
    assert round(times[-1] - times[0], 6) < 3.9 + 0.35
    # Without the window, catching up crams more calls into one second.
    vt = VirtualTime(oversleep_at=7)
    unguarded = Pacer(10.0, clock=vt.clock, sleep=vt.sleep)
    assert max_in_any_second(await departures(unguarded, vt, 40)) > 10


async def test_the_window_holds_even_with_a_burst_allowed() -> None:
    vt = VirtualTime()
    pacer = Pacer(10.0, burst=5, clock=vt.clock, sleep=vt.sleep, window=10)
    times = await departures(pacer, vt, 60, stall_at=20)
    assert max_in_any_second(times) == 10


async def test_a_burst_goes_at_once_then_calls_are_spaced() -> None:
    vt = VirtualTime()
    pacer = Pacer(1.0, burst=3, clock=vt.clock, sleep=vt.sleep)
    times = await departures(pacer, vt, 5)
    assert [round(t - times[0], 6) for t in times] == [0, 0, 0, 1.0, 2.0]
