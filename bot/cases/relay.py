"""The relay between a person and the advisors of the service they handed off to.

Writing is quick and happens in the caller's transaction: the person's text (from a
conversation step, through the `Relay` port) or an advisor's reply (from the inbox
pages) is stored encrypted as a case message in state STORED. Translating it happens
later, outside every transaction (bot.cases.relay_job); an advisor's reply reaches the
person from there, through the inbox and the outbox.

A canned reply is rendered here from its human-written versions: the German one is the
original the advisors read, the person's own is stored as its rendering at once (no
machine translation ever touches it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import due
from bot.cases.access import checked, log
from bot.cases.canned import CannedReplies, Value
from bot.cases.views import (
    CaseStatus,
    Direction,
    Field,
    MessageState,
    Rendering,
    ThreadMessage,
)
from bot.db.models import Case, CaseMessage, StaffUser
from bot.kernel.crypto import Vault

#: Longest message either side may write (a longer one is cut, never refused: the
#: person's words must not be lost to a limit they cannot see).
MAX_TEXT = 4000
#: The outcome stored for a canned reply's rendering (its human-written version).
CANNED = "canned"
#: The outcome stored for a notice (nothing to translate).
EVENT = "event"


class Event(StrEnum):
    """A notice to the person (`Direction.EVENT`); its kind is the message's text."""

    JOINED = "joined"
    CLOSED = "closed"


def active(case: Case | None, now: datetime) -> bool:
    """The hand-off still stands and the case is not closed."""
    return (
        case is not None
        and case.withdrawn_at is None
        and case.expires_at > now
        and case.status != CaseStatus.RESOLVED.value
    )


async def person_wrote(
    session: AsyncSession, vault: Vault, person_id: int, case_id: int, text: str, now: datetime
) -> int | None:
    """The person's message to the service, stored for translation: its id; None when
    the case is not theirs or no longer active (or the text is empty)."""
    words = text.strip()
    case = await session.get(Case, case_id)
    if not words or case is None or case.person_id != person_id or not active(case, now):
        return None
    message = CaseMessage(
        case_id=case.id, direction=Direction.IN.value, body_enc=vault.encrypt(words[:MAX_TEXT]),
        language=case.language, state=MessageState.STORED.value, created_at=now,
    )  # fmt: skip
    session.add(message)
    await session.flush()
    await due.person_wrote(session, case, now)
    return message.id


async def reply(
    session: AsyncSession,
    vault: Vault,
    user_id: int,
    case_id: int,
    text: str,
    now: datetime,
    *,
    canned: str | None = None,
    replies: CannedReplies | None = None,
    values: Mapping[str, Value | None] | None = None,
) -> int:
    """An advisor's message to the person: its id. CaseNotFound (the rule, also for a
    withdrawn hand-off); ValueError for an empty text or a canned code `replies` does
    not have; bot.cases.MissingValue when the canned reply needs a value not given
    (`values` adds {date} and the like to what the case knows). The first reply takes an
    unassigned case and tells the person the service has joined."""
    who, case = await checked(session, user_id, case_id, now, lock=True)
    if canned is not None:
        chosen = replies.get(canned) if replies is not None else None
        if chosen is None:
            raise ValueError(f"unknown canned reply {canned!r}")
        filled = {**await _canned_values(session, vault, case, user_id), **(values or {})}
        original = chosen.render("de", filled)
        shown = chosen.render(case.language, filled)
    else:
        original, shown = text.strip()[:MAX_TEXT], None
        if not original:
            raise ValueError("empty reply")
    if not await _replied_before(session, case.id):
        await add_event(session, case, Event.JOINED, now)
    if case.assigned_to is None:
        case.assigned_to = who.user_id
    if case.status == CaseStatus.NEW.value:
        case.status = CaseStatus.OPEN.value
    await due.advisor_replied(session, case, now)
    message = CaseMessage(
        case_id=case.id, direction=Direction.OUT.value, author_id=who.user_id,
        body_enc=vault.encrypt(original), language="de", canned=canned,
        state=MessageState.STORED.value, created_at=now,
    )  # fmt: skip
    if shown is not None:
        message.translation_enc = vault.encrypt(shown)
        message.translation = provenance(CANNED)
    session.add(message)
    await session.flush()
    await log(session, who, (case,), "case.reply", now)
    return message.id


async def add_event(session: AsyncSession, case: Case, event: Event, now: datetime) -> int:
    """A notice for the person (an advisor joined, the case was closed). Its kind is no
    secret and no content: it is kept in the clear (`translation["event"]`), and shown
    as the message's original."""
    message = CaseMessage(
        case_id=case.id, direction=Direction.EVENT.value, body_enc=None,
        language=case.language, state=MessageState.STORED.value, created_at=now,
        translation={**provenance(EVENT), "event": event.value},
    )  # fmt: skip
    session.add(message)
    await session.flush()
    return message.id


def provenance(
    outcome: str,
    engine: str | None = None,
    models: tuple[str, ...] = (),
    path: tuple[str, ...] = (),
) -> dict[str, Any]:
    """What is stored beside a rendering (never its text)."""
    return {"outcome": outcome, "engine": engine, "models": list(models), "path": list(path)}


async def thread(session: AsyncSession, vault: Vault, case_id: int) -> tuple[ThreadMessage, ...]:
    """The case's messages, oldest first, decrypted (None where erased)."""
    rows = await session.scalars(
        select(CaseMessage).where(CaseMessage.case_id == case_id).order_by(CaseMessage.id)
    )
    return tuple(_shown(vault, row) for row in rows)


def rendering_of(vault: Vault, row: CaseMessage) -> Rendering | None:
    """The stored rendering with its provenance; None while it is still to be made."""
    if row.translation is None:
        return None
    found = row.translation
    text = vault.decrypt(row.translation_enc) if row.translation_enc else None
    return Rendering(
        outcome=str(found.get("outcome", "")), text=text, engine=found.get("engine"),
        models=tuple(found.get("models") or ()), path=tuple(found.get("path") or ()),
    )  # fmt: skip


def event_of(row: CaseMessage) -> Event | None:
    kind = (row.translation or {}).get("event")
    return Event(kind) if row.direction == Direction.EVENT.value and kind in _EVENTS else None


_EVENTS = frozenset(e.value for e in Event)


def _shown(vault: Vault, row: CaseMessage) -> ThreadMessage:
    event = event_of(row)
    original = vault.decrypt(row.body_enc) if row.body_enc else None
    return ThreadMessage(
        id=row.id, direction=Direction(row.direction), author_id=row.author_id,
        language=row.language, original=event.value if event else original,
        canned=row.canned,
        rendering=rendering_of(vault, row),
        state=MessageState(row.state) if row.state in MessageState._value2member_map_
        else MessageState.QUEUED,
        created_at=row.created_at,
    )  # fmt: skip


async def _replied_before(session: AsyncSession, case_id: int) -> bool:
    found = await session.scalar(
        select(
            exists().where(
                CaseMessage.case_id == case_id, CaseMessage.direction == Direction.OUT.value
            )
        )
    )
    return bool(found)


async def _canned_values(
    session: AsyncSession, vault: Vault, case: Case, user_id: int
) -> dict[str, Value | None]:
    """What a canned reply may name that the case knows: the first name (only when the
    person shared it), the service, the advisor (their login's name part)."""
    shared = json.loads(vault.decrypt(case.shared_enc)) if case.shared_enc else {}
    user = await session.get(StaffUser, user_id)
    advisor = None
    if user is not None:
        advisor = getattr(user, "name", None) or user.email.split("@", 1)[0]
    return {
        "first_name": shared.get(Field.FIRST_NAME.value),
        "service": case.service_name,
        "advisor": advisor,
    }
