"""Receiving from Telegram by long polling (getUpdates), for machines without a public URL."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import TypeVar

from adapters.telegram.handling import ALLOWED_UPDATES, configured_adapter, process
from adapters.telegram.parsing import from_update
from adapters.telegram.sending import TelegramAdapter
from bot.runtime import Services

# The channel's one logger name, as before it was split into modules.
log = logging.getLogger("adapters.telegram")

#: getUpdates long-poll duration (Telegram holds the request open up to this long).
POLL_TIMEOUT = 25
POLL_BACKOFF = (0.5, 60.0)  # first and longest pause after a failed poll, in seconds

T = TypeVar("T")


async def poll(
    services: Services, *, stop: asyncio.Event | None = None, wait: int = POLL_TIMEOUT
) -> None:
    """Long-poll getUpdates (each call waits up to `wait` seconds) until `stop` is set
    or the task is cancelled.

    For machines without a public URL. The webhook is deleted first (Telegram
    refuses getUpdates while one is set). An update is confirmed (the offset moves
    past it) only once processed: after a failure it comes again, and the engine
    drops what it already handled.
    """
    adapter = configured_adapter(services)
    stop = stop or asyncio.Event()
    offset: int | None = None
    webhook_deleted = False
    failures = 0
    while not stop.is_set():
        try:
            if not webhook_deleted:
                webhook_deleted = await adapter.bot.delete_webhook()
            offset = await _poll_once(services, adapter, offset, wait, stop)
            failures = 0
        except Exception as error:  # Telegram or the database: pause, then try again
            failures += 1
            delay = min(POLL_BACKOFF[0] * 2 ** (failures - 1), POLL_BACKOFF[1])
            log.warning(
                "Telegram polling failed (%s); again in %.1f s", type(error).__name__, delay
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)


async def _poll_once(
    services: Services,
    adapter: TelegramAdapter,
    offset: int | None,
    wait: int,
    stop: asyncio.Event,
) -> int | None:
    call = adapter.bot.get_updates(offset=offset, timeout=wait, allowed_updates=ALLOWED_UPDATES)
    for update in await _unless_stopped(call, stop) or ():
        try:
            parsed = from_update(update)
        except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as error:
            log.warning("skipped a malformed Telegram update (%s)", type(error).__name__)
            parsed = None
        if parsed is not None:
            await process(services, parsed)
        offset = update.update_id + 1
    return offset


async def _unless_stopped(call: Awaitable[T], stop: asyncio.Event) -> T | None:
    """The call's result, or None as soon as `stop` is set (the call is cancelled)."""
    task = asyncio.ensure_future(call)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        if not task.done():
            task.cancel()
        await asyncio.gather(task, stopped, return_exceptions=True)
    return None if task.cancelled() else task.result()  # result() raises the call's error
