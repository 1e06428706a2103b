"""A few documents laid out once per process, for the people fetching them right now.

Laying out a long PDF takes seconds of CPU: a person fetching it again, a browser's
second request, a retried Telegram send or a replayed link must not cost that each time.
The layout runs in a thread, away from the event loop; two requests for the same key at
once share one layout; the least recently used go first. Kept in memory only, never on
disk. Each user says what makes a key stale (an expired export, an older version).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Layouts(Generic[K, V]):
    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._done: OrderedDict[K, V] = OrderedDict()
        self._pending: dict[K, asyncio.Future[V]] = {}

    def drop(self, stale: Callable[[K], bool]) -> None:
        """Forget the layouts whose key is stale: they are never served again."""
        for key in [k for k in self._done if stale(k)]:
            del self._done[key]

    async def get(self, key: K, make: Callable[[], V]) -> V:
        """The layout for `key`, made by `make` in a thread if it is not kept."""
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            made = await asyncio.to_thread(make)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved here: no waiter is required to exist
            raise
        finally:
            self._pending.pop(key, None)
        future.set_result(made)
        self._done[key] = made
        while len(self._done) > self._kept:
            self._done.popitem(last=False)
        return made

    def __len__(self) -> int:
        return len(self._done)
