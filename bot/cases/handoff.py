"""The hand-off: the person asks a service to contact them, sharing only the fields
they chose. It is a consent record (purpose "handoff"; its recipient, fields and
expiry are the case's columns) and the case, written in one transaction. Withdrawing
it appends the "withdrawn" record, ends every advisor's access and erases what was
shared, the messages and the notes at once; only the timestamps stay, for the
service-level statistics, until LOTSE_CASE_DAYS later."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.advice import Reach, load
from bot.audit import Actor, Category, Concerned, record
from bot.cases import due
from bot.cases.views import CaseStatus, Field, Handoff
from bot.consent import HANDOFF, HANDOFF_NOTICE_ID, NOTICE_VERSION, ConsentBook
from bot.db.models import AdviceService, Case, CaseMessage, CaseNote
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, ConsentMethod, ConsentState

#: Longest a shared value may be (a description is "short"; the flow asks for less).
MAX_VALUE = 2000


class Refusal(StrEnum):
    UNKNOWN_SERVICE = "unknown-service"
    #: The service takes no hand-offs (no `Reach.LOTSE`).
    NO_HANDOFF = "no-handoff"
    NOTHING_CHOSEN = "nothing-chosen"
    #: A description without the explicit consent to special categories of data.
    NO_SPECIAL_CONSENT = "no-special-consent"
    #: An earlier case that is not the person's.
    UNKNOWN_HISTORY = "unknown-history"
    TOO_LONG = "too-long"
    EXPIRY_IN_PAST = "expiry-in-past"


class HandoffRefused(ValueError):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Request:
    """What the person chose: the service, each field and its value, until when."""

    service_slug: str
    values: Mapping[Field, str]
    #: The person's language (Lotse code) and the channel they asked on.
    language: str
    channel: Channel
    expires_at: datetime
    topic: str | None = None
    #: Explicit consent (GDPR Art. 9(2)(a)) to share the description.
    special_consent: bool = False
    #: An earlier case of theirs whose summary goes along.
    history_from: int | None = None
    #: The privacy information shown before the hand-off (its version).
    notice_version: str = field(default=NOTICE_VERSION)


async def hand_off(
    session: AsyncSession, vault: Vault, person_id: int, request: Request, now: datetime
) -> int:
    """The new case's id; HandoffRefused says why not. The caller commits."""
    values = {Field(k): v.strip() for k, v in request.values.items() if v and v.strip()}
    if not values:
        raise HandoffRefused(Refusal.NOTHING_CHOSEN)
    if any(len(v) > MAX_VALUE for v in values.values()):
        raise HandoffRefused(Refusal.TOO_LONG)
    if Field.DESCRIPTION in values and not request.special_consent:
        raise HandoffRefused(Refusal.NO_SPECIAL_CONSENT)
    if request.expires_at <= now:
        raise HandoffRefused(Refusal.EXPIRY_IN_PAST)
    row = await session.scalar(
        select(AdviceService).where(AdviceService.slug == request.service_slug)
    )
    service = next((s for s in await load(session) if s.slug == request.service_slug), None)
    if row is None or service is None:
        raise HandoffRefused(Refusal.UNKNOWN_SERVICE)
    if Reach.LOTSE not in service.reach:
        raise HandoffRefused(Refusal.NO_HANDOFF)
    if request.history_from is not None:
        earlier = await session.get(Case, request.history_from)
        if earlier is None or earlier.person_id != person_id:
            raise HandoffRefused(Refusal.UNKNOWN_HISTORY)
    consent = ConsentBook(session, person_id).record(
        purpose=HANDOFF, channel=None, state=ConsentState.GIVEN, method=ConsentMethod.CHAT,
        language=request.language, at=now, notice_id=HANDOFF_NOTICE_ID,
        notice_version=request.notice_version,
    )  # fmt: skip
    chosen = [f for f in Field if f in values]
    case = Case(
        service_id=row.id, service_slug=service.slug, service_name=service.name[:200],
        person_id=person_id, status=CaseStatus.NEW.value, language=request.language,
        topic=request.topic, channel=request.channel.value, fields=[f.value for f in chosen],
        shared_enc=vault.encrypt(json.dumps({f.value: values[f] for f in chosen})),
        special_consent=request.special_consent and Field.DESCRIPTION in values,
        history_from=request.history_from, consent_record_id=consent.record_id,
        expires_at=request.expires_at, created_at=now, paused_minutes=0,
    )  # fmt: skip
    session.add(case)
    await session.flush()
    await due.started(session, case, now)
    await record(session, Actor.person(), "case.handoff", now,
                 concerns=(Concerned(person_id=person_id),), categories=(Category.CASE,),
                 detail=request.channel.value)  # fmt: skip
    return case.id


async def withdraw(
    session: AsyncSession,
    person_id: int,
    case_id: int,
    now: datetime,
    *,
    case_days: int,
    channel: Channel | None = None,
    language: str = "de",
) -> bool:
    """Ends the hand-off: False when the person has no such active hand-off."""
    case = await session.get(Case, case_id, with_for_update=True)
    if case is None or case.person_id != person_id or case.withdrawn_at is not None:
        return False
    ConsentBook(session, person_id).record(
        purpose=HANDOFF, channel=None, state=ConsentState.WITHDRAWN, method=ConsentMethod.CHAT,
        language=language, at=now, notice_id=HANDOFF_NOTICE_ID,
    )  # fmt: skip
    case.withdrawn_at = now
    await erase_content(session, case, now, case_days=case_days)
    await record(session, Actor.person(), "case.withdraw", now,
                 concerns=(Concerned(person_id=person_id),), categories=(Category.CASE,),
                 detail=channel.value if channel else None)  # fmt: skip
    return True


async def erase_content(
    session: AsyncSession, case: Case, now: datetime, *, case_days: int
) -> None:
    """What the person shared, the messages' texts and the notes go now; the row and
    the messages' timestamps stay until `erase_at` (service-level statistics)."""
    case.shared_enc = None
    case.reply_channel, case.reply_address_enc = None, None
    if case.status != CaseStatus.RESOLVED.value:
        case.status, case.resolved_at = CaseStatus.RESOLVED.value, now
    keep_until = now + timedelta(days=case_days)
    case.erase_at = keep_until if case.erase_at is None else min(case.erase_at, keep_until)
    await session.execute(
        update(CaseMessage)
        .where(CaseMessage.case_id == case.id)
        .values(body_enc=None, translation_enc=None)
    )
    await session.execute(delete(CaseNote).where(CaseNote.case_id == case.id))


async def mine(session: AsyncSession, person_id: int) -> list[Handoff]:
    """The person's hand-offs, newest first (for "My consents")."""
    rows = await session.scalars(
        select(Case).where(Case.person_id == person_id).order_by(Case.id.desc())
    )
    return [
        Handoff(
            case_id=c.id, service_name=c.service_name,
            fields=tuple(Field(f) for f in c.fields or ()), status=CaseStatus(c.status),
            created_at=c.created_at, expires_at=c.expires_at, withdrawn_at=c.withdrawn_at,
            consent_record_id=c.consent_record_id,
        )
        for c in rows
    ]  # fmt: skip
