"""The relay's translations, outside every transaction (job `case-translate`).

A run reads the messages still STORED in a short transaction (FOR UPDATE SKIP LOCKED
on PostgreSQL: a run that overlaps another skips what that one holds), translates each
with no transaction open (the person's into German; an advisor's into the person's
language; a canned reply and a notice need none), then stores the rendering with its
provenance in ONE transaction, by a conditional update (still STORED) so that two runs
never both store. In the same transaction an advisor's message or a notice goes into
the inbox as Lotse's own message `case-reply:<id>`, whose provider id names the
message: the person's conversation shows it and the outbox delivers it with all its
rules (the WhatsApp template, opt-outs, fallbacks).

A process killed between translating and storing leaves the message STORED: the next
run translates it again, and it is delivered once. An advisor's message for which no
contact is known yet stays TRANSLATED; each run tries it again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cases.relay import CANNED, EVENT, provenance
from bot.cases.views import Direction, MessageState
from bot.consent import CONTACT
from bot.db.models import Case, CaseMessage, ConsentRecord, Contact
from bot.kernel.crypto import Vault
from bot.kernel.jobs import Job
from bot.kernel.types import Channel, ConsentState, InboundMessage

log = logging.getLogger(__name__)

#: The payload of the internal message that shows an advisor's message to the person.
REPLY_PAYLOAD = "case-reply:"
#: How often the job runs.
EVERY = timedelta(seconds=5)
#: Messages read per claim.
BATCH = 50
#: The language advisors read.
GERMAN = "de"


class Translate(Protocol):
    """bot.translation.TranslationService, as far as the relay uses it."""

    async def translate(self, text: str, source: str, target: str) -> object: ...


class Queue(Protocol):
    """The inbox (bot.inbound.Inbox): Lotse's own message, in the caller's transaction."""

    async def queue(self, session: AsyncSession, message: InboundMessage) -> bool: ...

    def wake(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    direction: Direction
    text: str | None = field(repr=False)
    source: str
    target: str
    #: Rendered already (a canned reply, a notice): nothing to translate.
    ready: bool


def reply_payload(message_id: int) -> str:
    return f"{REPLY_PAYLOAD}{message_id}"


def reply_id(payload: str | None) -> int | None:
    """The message a `case-reply:<id>` payload names; None for any other payload. It
    may be forged (a Telegram /start): the port reads only the person's own message."""
    if not payload or not payload.startswith(REPLY_PAYLOAD):
        return None
    number = payload.removeprefix(REPLY_PAYLOAD)
    return int(number) if number.isdigit() and len(number) <= 18 else None


async def translate_stored(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    translation: Translate,
    queue: Queue,
    now: datetime,
) -> int:
    """One run: every stored message rendered, every rendered reply queued. How many
    messages went to the inbox."""
    queued = await _queue_waiting(sessionmaker, vault, queue, now)
    after = 0
    while True:
        claimed = await _claim(sessionmaker, vault, after)
        for row in claimed:
            result = None if row.ready else await _translated(translation, row)
            queued += await _store(sessionmaker, vault, queue, row, result, now)
        if len(claimed) < BATCH:
            break
        after = claimed[-1].id
    if queued:
        queue.wake()
    return queued


async def _claim(
    sessionmaker: async_sessionmaker[AsyncSession], vault: Vault, after: int
) -> list[Claimed]:
    async with sessionmaker() as session, session.begin():
        postgres = session.get_bind().dialect.name == "postgresql"
        query = (
            select(CaseMessage, Case.language)
            .join(Case, Case.id == CaseMessage.case_id)
            .where(CaseMessage.state == MessageState.STORED.value, CaseMessage.id > after)
            .order_by(CaseMessage.id)
            .limit(BATCH)
        )
        if postgres:
            query = query.with_for_update(skip_locked=True, of=CaseMessage)
        claimed = []
        for message, language in await session.execute(query):
            direction = Direction(message.direction)
            inbound = direction is Direction.IN
            claimed.append(
                Claimed(
                    id=message.id, direction=direction,
                    text=vault.decrypt(message.body_enc) if message.body_enc else None,
                    source=language if inbound else GERMAN,
                    target=GERMAN if inbound else language,
                    ready=message.translation is not None or message.body_enc is None,
                )
            )  # fmt: skip
        return claimed


async def _translated(translation: Translate, row: Claimed) -> object | None:
    """No transaction is open here: a slow model holds nobody's lock."""
    assert row.text is not None
    try:
        return await translation.translate(row.text, row.source, row.target)
    except Exception:
        log.exception("relay: translating message %d failed", row.id)
        return None


async def _store(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    queue: Queue,
    row: Claimed,
    result: object | None,
    now: datetime,
) -> int:
    inbound = row.direction is Direction.IN
    values: dict[str, object] = {
        "state": MessageState.TRANSLATED.value if inbound else MessageState.QUEUED.value
    }
    if not row.ready:
        values.update(_rendering(vault, result))
    async with sessionmaker() as session, session.begin():
        stored = await session.execute(
            update(CaseMessage)
            .where(CaseMessage.id == row.id, CaseMessage.state == MessageState.STORED.value)
            .values(**values)
        )
        if not getattr(stored, "rowcount", 0) or inbound:
            return 0
        if await _deliver(session, vault, queue, row.id, now):
            return 1
        # No contact known yet: rendered, kept for a later run.
        await session.execute(
            update(CaseMessage)
            .where(CaseMessage.id == row.id)
            .values(state=MessageState.TRANSLATED.value)
        )
        return 0


def _rendering(vault: Vault, result: object | None) -> dict[str, object]:
    """The translation's text (encrypted) and provenance; a failure is stored as such."""
    outcome = getattr(result, "outcome", None)
    if result is None or outcome is None:
        return {"translation": provenance("failed"), "translation_enc": None}
    text = getattr(result, "text", None)
    engine = getattr(result, "engine", None)
    models = tuple(f"{m.pair} {m.version}" for m in getattr(result, "models", ()))
    return {
        "translation": provenance(
            str(outcome),
            f"{engine.name} {engine.version}" if engine else None,
            models,
            tuple(getattr(result, "path", ())),
        ),
        "translation_enc": vault.encrypt(text) if text is not None else None,
    }


async def _queue_waiting(
    sessionmaker: async_sessionmaker[AsyncSession], vault: Vault, queue: Queue, now: datetime
) -> int:
    """Advisors' messages rendered earlier whose person had no known contact then."""
    queued = 0
    async with sessionmaker() as session, session.begin():
        waiting = list(
            await session.scalars(
                select(CaseMessage.id).where(
                    CaseMessage.state == MessageState.TRANSLATED.value,
                    CaseMessage.direction != Direction.IN.value,
                )
            )
        )
        for message_id in waiting:
            if await _deliver(session, vault, queue, message_id, now):
                await session.execute(
                    update(CaseMessage)
                    .where(CaseMessage.id == message_id)
                    .values(state=MessageState.QUEUED.value)
                )
                queued += 1
    return queued


async def _deliver(
    session: AsyncSession, vault: Vault, queue: Queue, message_id: int, now: datetime
) -> bool:
    """`case-reply:<id>` into the inbox for the person's contact; False without one
    (kept for a later run). A message whose hand-off ended is settled unsent."""
    message = await session.get(CaseMessage, message_id)
    case = None if message is None else await session.get(Case, message.case_id)
    if message is None or case is None or case.withdrawn_at is not None or case.expires_at <= now:
        return True
    found = await _contact(session, vault, case)
    if found is None:
        return False
    channel, address = found
    key = hashlib.sha256(f"{case.id}:{message.created_at.isoformat()}".encode()).hexdigest()[:16]
    await queue.queue(
        session,
        InboundMessage(
            channel=channel, address=address, provider_id=f"case-reply:{message_id}:{key}",
            payload=reply_payload(message_id), received_at=now, internal=True,
        ),
    )  # fmt: skip
    return True


async def _contact(session: AsyncSession, vault: Vault, case: Case) -> tuple[Channel, str] | None:
    """Where the person last wrote to the service from; else the contact of the
    hand-off's channel Lotse may write to first (consented, reachable); else none."""
    if case.reply_channel and case.reply_address_enc:
        return Channel(case.reply_channel), vault.decrypt(case.reply_address_enc)
    if case.channel == Channel.WEBCHAT.value:
        return None  # a web chat is never written to first
    consented = await session.scalar(
        select(ConsentRecord.state)
        .where(
            ConsentRecord.person_id == case.person_id,
            ConsentRecord.purpose == CONTACT.id,
            ConsentRecord.channel == case.channel,
        )
        .order_by(ConsentRecord.id.desc())
        .limit(1)
    )
    if consented != ConsentState.GIVEN.value:
        return None
    contact = await session.scalar(
        select(Contact)
        .where(Contact.person_id == case.person_id, Contact.channel == case.channel,
               Contact.reachable.is_(True), Contact.address_enc.is_not(None))
        .order_by(Contact.id.desc())
        .limit(1)
    )  # fmt: skip
    if contact is None or contact.address_enc is None:
        return None
    return Channel(contact.channel), vault.decrypt(contact.address_enc)


def relay_jobs(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    translation: Translate,
    queue: Queue,
    clock: Callable[[], datetime],
) -> list[Job]:
    async def run() -> bool:
        await translate_stored(sessionmaker, vault, translation, queue, clock())
        return False  # the inbox's workers were woken; its steps wake the dispatcher

    return [Job("case-translate", EVERY, run, at_start=True)]


__all__ = ["CANNED", "EVENT", "REPLY_PAYLOAD", "relay_jobs", "reply_id", "translate_stored"]
