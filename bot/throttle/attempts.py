"""Limits on attempts (wrong connect codes, failed staff logins, new chat sessions),
counted in the database: every process shares the count, and a restart does not
reset it.

Each attempt is one row: its kind, who tried (`key`: a keyed hash of a session or an
account) and from where (`client`: a keyed hash of the client's address), and when. A
`Limit` allows `most` attempts of its kind within a sliding `window`, counted for one
key, one client, both, or everyone (neither given). Rows older than two days are
purged by the hourly retention job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import ThrottleEvent
from bot.kernel.crypto import Vault

KEEP = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Limit:
    kind: str
    most: int
    window: timedelta


def key_of(vault: Vault, what: str, value: str) -> str:
    """A keyed hash to count under: no address, number or e-mail is stored."""
    return vault.index(f"throttle/{what}", value)


def client_key(vault: Vault, address: str) -> str:
    """The key of a client address (web chat, staff logins)."""
    return key_of(vault, "client", address)


async def take(
    session: AsyncSession, limit: Limit, now: datetime, *, key: str = "", client: str | None = None
) -> bool:
    """Count one attempt if the limit allows it; False (nothing counted) if not."""
    if await reached(session, limit, now, key=key or None, client=client):
        return False
    record(session, limit.kind, now, key=key, client=client)
    return True


async def take_committed(
    sessionmaker: async_sessionmaker[AsyncSession],
    limit: Limit,
    now: datetime,
    *,
    key: str = "",
    client: str | None = None,
) -> bool:
    """`take` in a transaction of its own, for callers that hold no session (the web)."""
    async with sessionmaker() as session, session.begin():
        return await take(session, limit, now, key=key, client=client)


async def count(
    session: AsyncSession,
    limit: Limit,
    now: datetime,
    *,
    key: str | None = None,
    client: str | None = None,
) -> int:
    """Attempts within the limit's window, for this key and/or client (or everyone)."""
    where: list[ColumnElement[bool]] = [
        ThrottleEvent.kind == limit.kind,
        ThrottleEvent.at > now - limit.window,
    ]
    if key is not None:
        where.append(ThrottleEvent.key == key)
    if client is not None:
        where.append(ThrottleEvent.client == client)
    found = await session.scalar(select(func.count()).select_from(ThrottleEvent).where(*where))
    return int(found or 0)


async def reached(
    session: AsyncSession,
    limit: Limit,
    now: datetime,
    *,
    key: str | None = None,
    client: str | None = None,
) -> bool:
    return await count(session, limit, now, key=key, client=client) >= limit.most


def record(
    session: AsyncSession, kind: str, now: datetime, *, key: str = "", client: str | None = None
) -> None:
    session.add(ThrottleEvent(kind=kind, key=key, client=client, at=now))


async def forget(session: AsyncSession, kind: str, key: str) -> int:
    """Drop one key's attempts (an operator unlocking an account); how many."""
    result = await session.execute(
        delete(ThrottleEvent).where(ThrottleEvent.kind == kind, ThrottleEvent.key == key)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def purge(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(ThrottleEvent).where(ThrottleEvent.at < now - KEEP))
    return int(getattr(result, "rowcount", 0) or 0)
