"""Reading a contact's messages in a page (the web chat), where Lotse cannot push: the
page fetches them, and a message fetched is a message delivered.

The reader is the person, reading their own messages: no access log entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Conversation, Message
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, Direction, OutboxStatus
from bot.messaging.body import decode_body
from bot.people import address_index, contact_for

PENDING = (OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value)


@dataclass(frozen=True, slots=True)
class Reader:
    """The contact behind a page's address (the web chat's session token)."""

    contact_id: int
    #: None once the person deleted their data: the contact lives on only for the goodbye.
    person_id: int | None


@dataclass(frozen=True, slots=True)
class ReadMessage:
    """One message as its reader sees it."""

    id: int
    #: Written by the person (else by Lotse).
    incoming: bool
    text: str
    #: (choice id, label) pairs the message offers.
    choices: tuple[tuple[str, str], ...]
    lang: str | None
    #: Each line's language when the text's lines are in several ("" for none).
    line_langs: tuple[str, ...] = ()
    #: A document the message carries, by reference (bot.kernel.types.Reply.attachment).
    attachment: str | None = None


async def reader_for(
    sessionmaker: async_sessionmaker[AsyncSession], vault: Vault, channel: Channel, address: str
) -> Reader | None:
    """The contact at `address` on `channel`, or None."""
    async with sessionmaker() as session:
        contact = await contact_for(session, channel, address_index(vault, channel, address))
    return None if contact is None else Reader(contact.id, contact.person_id)


async def offered_choices(
    sessionmaker: async_sessionmaker[AsyncSession], person_id: int
) -> list[str] | None:
    """The choice ids the person's last message offers; None without a conversation."""
    async with sessionmaker() as session:
        offered: list[str] | None = await session.scalar(
            select(Conversation.offered).where(Conversation.person_id == person_id)
        )
    return offered


async def fetch_for_reader(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    contact_id: int,
    after: int,
    now: datetime,
    *,
    limit: int,
) -> list[ReadMessage]:
    """The contact's messages after the id `after`, oldest first, up to the first one
    still in the outbox; those sent are delivered now (the reader has them)."""
    async with sessionmaker() as session, session.begin():
        found = await session.scalars(
            select(Message)
            .where(Message.contact_id == contact_id, Message.id > after)
            .order_by(Message.id)
            .limit(limit)
        )
        rows = _until_pending(found)
        unread = [m.id for m in rows if m.status == OutboxStatus.SENT.value]
        if unread:
            await session.execute(
                update(Message)
                .where(Message.id.in_(unread))
                .values(status=OutboxStatus.DELIVERED.value, delivered_at=now)
            )
    return [_read(vault, m) for m in rows]


def _until_pending(messages: Iterable[Message]) -> list[Message]:
    """Messages up to the first one still in the outbox, so a reader's `after` cursor
    never moves past a reply that is not sent yet. Purged ones are left out."""
    shown = []
    for message in messages:
        if message.direction == Direction.OUT.value and message.status in PENDING:
            break
        if message.body_enc is not None:
            shown.append(message)
    return shown


def _read(vault: Vault, message: Message) -> ReadMessage:
    assert message.body_enc is not None  # purged messages are left out
    body = decode_body(vault, message.body_enc)
    return ReadMessage(
        id=message.id,
        incoming=message.direction == Direction.IN.value,
        text=body["text"],
        choices=tuple((c[0], c[1]) for c in body.get("choices", [])),
        lang=message.lang,
        line_langs=tuple(body.get("line_langs", ())),
        attachment=body.get("attachment"),
    )
