"""bot.documents.Layouts: one layout per key, shared while it runs, a few kept."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.documents import Layouts

pytestmark = pytest.mark.one_database


async def test_two_requests_at_once_share_one_layout_and_later_ones_reuse_it() -> None:
    layouts: Layouts[str, bytes] = Layouts(kept=2)
    started, release = threading.Event(), threading.Event()
    calls = 0

    def slow() -> bytes:
        nonlocal calls
        calls += 1
        started.set()
        release.wait(5)
        return b"pdf"

    first = asyncio.create_task(layouts.get("a", slow))
    await asyncio.to_thread(started.wait, 5)
    second = asyncio.create_task(layouts.get("a", slow))
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(first, second) == [b"pdf", b"pdf"]
    assert await layouts.get("a", slow) == b"pdf"
    assert calls == 1


async def test_the_least_recently_used_goes_first_and_stale_keys_are_dropped() -> None:
    layouts: Layouts[int, int] = Layouts(kept=2)
    for key in (1, 2):
        await layouts.get(key, lambda key=key: key * 10)
    await layouts.get(1, lambda: -1)  # used again: 2 is now the oldest
    await layouts.get(3, lambda: 30)
    assert len(layouts) == 2
    assert await layouts.get(2, lambda: 21) == 21  # laid out anew; 1 goes
    layouts.drop(lambda key: key == 3)
    assert len(layouts) == 1 and await layouts.get(2, lambda: -1) == 21


async def test_a_failed_layout_is_not_kept_and_reaches_every_waiter() -> None:
    layouts: Layouts[str, bytes] = Layouts(kept=2)

    def broken() -> bytes:
        raise ValueError("no fonts")

    with pytest.raises(ValueError, match="no fonts"):
        await layouts.get("a", broken)
    assert len(layouts) == 0
    assert await layouts.get("a", lambda: b"ok") == b"ok"
