"""Reading Lotse's database directly, as the resilience tests judge it: the outbox,
the inbox, the inbound messages, and the local spool next to them.

Plain read-only queries on an engine of their own (no pool kept between calls), so
that a server being killed or a database being stopped never trips the test's reads.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool


def engine(url: str) -> AsyncEngine:
    # A deferred BEGIN on SQLite (not Lotse's BEGIN IMMEDIATE): reads never take the
    # write lock from the server; WAL lets them run beside its writes.
    connect_args = {"timeout": 30} if url.startswith("sqlite") else {}
    return create_async_engine(url, poolclass=NullPool, connect_args=connect_args)


async def scalar(url: str, sql: str, **params: object) -> int:
    db = engine(url)
    try:
        async with db.connect() as connection:
            return int((await connection.execute(text(sql), params)).scalar_one() or 0)
    finally:
        await db.dispose()


async def outbox_statuses(url: str) -> dict[str, int]:
    """Outbound rows by status."""
    db = engine(url)
    try:
        async with db.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT status, count(*) FROM messages WHERE direction = 'out' GROUP BY status"
                )
            )
            return {str(status): int(count) for status, count in rows}
    finally:
        await db.dispose()


async def outbox_errors(url: str) -> dict[str, int]:
    """Failed outbound rows by their error text."""
    db = engine(url)
    try:
        async with db.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT coalesce(error, ''), count(*) FROM messages "
                    "WHERE direction = 'out' AND status = 'failed' GROUP BY error"
                )
            )
            return {str(error): int(count) for error, count in rows}
    finally:
        await db.dispose()


async def inbox_count(url: str) -> int:
    """Messages acknowledged and not yet processed (table `inbox`)."""
    return await scalar(url, "SELECT count(*) FROM inbox")


async def inbound_ids(url: str) -> dict[str, list[int]]:
    """Every inbound message row's id by its inbound key ("sms:<MessageSid>"); a key
    with more than one id was processed more than once."""
    db = engine(url)
    try:
        async with db.connect() as connection:
            rows = await connection.execute(
                text("SELECT inbound_key, id FROM messages WHERE direction = 'in' ORDER BY id")
            )
            found: dict[str, list[int]] = {}
            for key, message_id in rows:
                found.setdefault(str(key), []).append(int(message_id))
            return found
    finally:
        await db.dispose()


def spool_files(data_dir: Path) -> list[Path]:
    """Every file in the local spool (LOTSE_DATA_DIR/spool), set-aside ones included."""
    spool = data_dir / "spool"
    return sorted(p for p in spool.rglob("*") if p.is_file()) if spool.is_dir() else []


async def wait_until(
    done: Callable[[], Awaitable[bool]],
    *,
    within: float,
    what: str,
    state: Callable[[], Awaitable[object]] | None = None,
    every: float = 0.2,
) -> float:
    """Poll `done` until it is true; AssertionError naming `what` (and `state`) after
    `within` seconds. Returns the seconds it took."""
    started = time.monotonic()
    while not await done():
        if time.monotonic() - started > within:
            seen = f" (last seen: {await state()})" if state is not None else ""
            raise AssertionError(f"{what}: not reached in {within:.0f} s{seen}")
        await asyncio.sleep(every)
    return time.monotonic() - started


async def outbox_settled(url: str, *, within: float) -> dict[str, int]:
    """Wait until no outbound row is queued or sending; the statuses then."""

    async def settled() -> bool:
        statuses = await outbox_statuses(url)
        return not statuses.get("queued") and not statuses.get("sending")

    await wait_until(
        settled, within=within, what="the outbox to settle", state=lambda: outbox_statuses(url)
    )
    return await outbox_statuses(url)


def keys(sids: Iterable[str]) -> list[str]:
    """The inbound keys Lotse stores for these Twilio message ids."""
    return [f"sms:{sid}" for sid in sids]
