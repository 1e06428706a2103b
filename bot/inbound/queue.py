"""The inbox table: storing acknowledged messages once, and claiming the next one.

Claims:
- PostgreSQL: the claimed row stays locked (FOR UPDATE SKIP LOCKED) by the transaction
  that runs its step and deletes it, so two processes never share a message, and a
  process that dies releases it with its connection: nothing to expire.
- SQLite: a transaction holds the one write lock from its start (BEGIN IMMEDIATE).
- Order per sender: only a sender's oldest row can be claimed; while it is being
  processed (locked) or waits for a retry, the sender's later rows wait too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, delete, exists, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import InboxEntry, Message
from bot.inbound.spool import Entry

INBOX = cast(Table, InboxEntry.__table__)
MESSAGES = cast(Table, Message.__table__)


async def store(session: AsyncSession, entries: Sequence[Entry], *, postgres: bool) -> list[bool]:
    """Queue each entry unless its provider id is queued or was processed before;
    True for each entry that is new."""
    upsert = pg_insert if postgres else sqlite_insert
    stored: list[bool] = []
    for entry in entries:
        processed = exists().where(MESSAGES.c.inbound_key == entry.inbound_key)
        source = select(
            *(
                _literal(value, column)
                for column, value in (
                    ("inbound_key", entry.inbound_key),
                    ("sender_key", entry.sender_key),
                    ("payload_enc", entry.payload_enc),
                    ("received_at", datetime.fromisoformat(entry.received_at)),
                    ("attempts", 0),
                )
            )
        ).where(~processed)
        statement = (
            upsert(INBOX)
            .from_select(
                ["inbound_key", "sender_key", "payload_enc", "received_at", "attempts"], source
            )
            .on_conflict_do_nothing(index_elements=["inbound_key"])
            .returning(INBOX.c.id)
        )
        stored.append((await session.execute(statement)).scalar_one_or_none() is not None)
    return stored


def _literal(value: object, column: str) -> Any:
    return literal(value, INBOX.c[column].type).label(column)


async def claim_next(session: AsyncSession, now: datetime, *, postgres: bool) -> InboxEntry | None:
    """The oldest due message of a sender with nothing older waiting, claimed for
    this transaction (see the module's docstring)."""
    earlier = INBOX.alias("earlier")
    query = (
        select(InboxEntry)
        .where(
            or_(InboxEntry.not_before.is_(None), InboxEntry.not_before <= now),
            ~exists().where(
                and_(earlier.c.sender_key == InboxEntry.sender_key, earlier.c.id < InboxEntry.id)
            ),
        )
        .order_by(InboxEntry.id)
        .limit(1)
    )
    if postgres:
        query = query.with_for_update(skip_locked=True, of=InboxEntry)
    entry: InboxEntry | None = await session.scalar(query)
    return entry


async def remove(session: AsyncSession, entry_id: int) -> None:
    await session.execute(delete(INBOX).where(INBOX.c.id == entry_id))


async def defer(
    session: AsyncSession, entry_id: int, attempts: int, not_before: datetime, error: str
) -> None:
    """Keep a message whose processing failed (the database, not the flow) for later."""
    await session.execute(
        update(INBOX)
        .where(INBOX.c.id == entry_id)
        .values(attempts=attempts, not_before=not_before, error=error[:200])
    )


async def waiting(session: AsyncSession) -> int:
    """How many acknowledged messages wait to be processed."""
    return int(await session.scalar(select(func.count()).select_from(INBOX)) or 0)
