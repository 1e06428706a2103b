"""The outbox's one writer: every outbound message row is created here, in one shape.

A row starts queued, due now, never tried; its body is encoded with the body codec.
Three forms for three needs: many at once with one executemany INSERT (the engine's
replies, its hot path), one that returns the new id (an invitation's message), and a
failed important message copied to another contact (the fallback).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Contact, Message
from bot.kernel.crypto import Vault
from bot.kernel.types import Direction, OutboxStatus
from bot.messaging.body import encode_body

#: Core statements: the ORM's unit of work costs more than the rows (engine hot path).
MESSAGES = cast(Table, Message.__table__)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to queue: for whom, on which contact, and what it says."""

    person_id: int | None
    contact_id: int
    channel: str
    lang: str | None
    text: str
    choices: Sequence[tuple[str, str]] = ()
    opt_out_notice: bool = False
    #: The approved WhatsApp template the message goes out with (Lotse writes first).
    template: str | None = None
    #: Tried on the person's next channel if it cannot be delivered (`fall_back`).
    important: bool = False
    #: The message whose part this note says may not have arrived (bot.messaging.sweep).
    note_of: int | None = None
    #: Each line's language when the text's lines are in several (the language menu).
    line_langs: Sequence[str] = ()
    #: A document the message carries, by reference (bot.kernel.types.Reply.attachment).
    attachment: str | None = None


async def enqueue(session: AsyncSession, vault: Vault, message: Outgoing, now: datetime) -> int:
    """Queue one message; its new id."""
    statement = insert(MESSAGES).values(_encoded(vault, message, now)).returning(MESSAGES.c.id)
    new_id: int = (await session.execute(statement)).scalar_one()
    return new_id


async def enqueue_many(
    session: AsyncSession, vault: Vault, messages: Iterable[Outgoing], now: datetime
) -> None:
    """Queue messages together, in order, with one executemany INSERT (no ids back)."""
    rows = [_encoded(vault, message, now) for message in messages]
    if rows:
        await session.execute(insert(MESSAGES), rows)


async def enqueue_fallback(
    session: AsyncSession, failed: Message, contact: Contact, now: datetime
) -> int:
    """Queue a copy of a failed important message on another of the person's contacts;
    its new id. The stored body goes again as it is (no need to decode it)."""
    assert failed.body_enc is not None
    row = _row(failed.person_id, contact.id, contact.channel, failed.body_enc, failed.lang,
               important=True, now=now, fallback_of=failed.id)  # fmt: skip
    statement = insert(MESSAGES).values(row).returning(MESSAGES.c.id)
    new_id: int = (await session.execute(statement)).scalar_one()
    return new_id


def _encoded(vault: Vault, message: Outgoing, now: datetime) -> dict[str, Any]:
    body_enc = encode_body(
        vault,
        message.text,
        message.choices,
        opt_out_notice=message.opt_out_notice,
        template=message.template,
        note_of=message.note_of,
        line_langs=message.line_langs,
        attachment=message.attachment,
    )
    return _row(message.person_id, message.contact_id, message.channel, body_enc, message.lang,
                important=message.important, now=now)  # fmt: skip


def _row(
    person_id: int | None,
    contact_id: int,
    channel: str,
    body_enc: str,
    lang: str | None,
    *,
    important: bool,
    now: datetime,
    fallback_of: int | None = None,
) -> dict[str, Any]:
    """An outbound row: queued, due now, never tried."""
    return {
        "person_id": person_id,
        "contact_id": contact_id,
        "direction": Direction.OUT.value,
        "channel": channel,
        "status": OutboxStatus.QUEUED.value,
        "body_enc": body_enc,
        "lang": lang,
        "important": important,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "fallback_of": fallback_of,
    }
