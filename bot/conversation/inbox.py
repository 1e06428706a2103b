"""Storing an inbound message, once per provider id: a repeat is not stored again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.tables import MESSAGES
from bot.db.models import Contact, Person
from bot.kernel.crypto import Vault
from bot.kernel.types import Direction, InboundMessage, InboxStatus
from bot.messaging import encode_body


async def store_inbound(
    session: AsyncSession,
    vault: Vault,
    message: InboundMessage,
    person: Person,
    contact: Contact,
    now: datetime,
    *,
    postgres: bool,
    status: InboxStatus = InboxStatus.PROCESSED,
    label: str | None = None,
) -> int | None:
    """The new row's id, or None if this provider id was stored before (a duplicate)."""
    shown = message.text if message.text is not None else label
    has_body = shown is not None or message.choice is not None
    values = {
        "person_id": person.id,
        "contact_id": contact.id,
        "direction": Direction.IN.value,
        "channel": message.channel.value,
        "inbound_key": message.inbound_key,
        "status": status.value,
        "body_enc": encode_body(vault, shown or "", choice=message.choice) if has_body else None,
        "lang": person.language,
        "created_at": now,
        "attempts": 0,
        "important": False,
    }
    insert = pg_insert if postgres else sqlite_insert
    statement = (
        insert(MESSAGES)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["inbound_key"])
        .returning(MESSAGES.c.id)
    )
    inserted: int | None = (await session.execute(statement)).scalar_one_or_none()
    return inserted
