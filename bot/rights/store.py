"""Requests to data holders, stored for their person only.

Every function takes the person: a request id of someone else answers exactly like one
that does not exist (None or False), and changes nothing. What the person types is
checked first (bot.rights.identity) and stored encrypted; a problem saves nothing. A
request and everything typed for it are erased LOTSE_REQUEST_DAYS after its last
change (`purge_expired`), when the person deletes it, or with the person.

The access log records the person's own actions once per call (one conversation step),
never per keystroke and never the values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor, Category, Concerned, record
from bot.config import Settings
from bot.consent import REQUESTS, ConsentBook
from bot.db.models import RightsRequest
from bot.holders import RequestKind
from bot.kernel.crypto import Vault
from bot.kernel.jobs import Job
from bot.kernel.types import Channel, ConsentMethod, ConsentState
from bot.people import postal_address
from bot.rights.asking import Queue, ask_job
from bot.rights.identity import (
    IDENTITY_PARTS,
    Identity,
    Part,
    Problem,
    apply_detail,
    apply_identity,
)
from bot.rights.records import (
    DETAIL_PARTS,
    GERMANY,
    PART_CATEGORIES,
    details_of,
    identity_of,
    sealed_details,
    sealed_identity,
    touch,
    view_of,
)
from bot.rights.tracking import office_names, shown
from bot.rights.views import RequestStatus, RequestView

#: Actions in the access log (worded in bot/i18n/access_words.py).
START_ACTION, CHANGE_ACTION = "rights.start", "rights.change"
DELETE_ACTION = "rights.delete"


async def _log(
    session: AsyncSession, action: str, person_id: int, now: datetime,
    categories: Sequence[Category], channel: Channel | None,
) -> None:  # fmt: skip
    await record(
        session, Actor.person(), action, now, concerns=[Concerned(person_id=person_id)],
        categories=tuple(dict.fromkeys(categories)),
        detail=None if channel is None else channel.value,
    )  # fmt: skip


async def _own(session: AsyncSession, person_id: int, request_id: int) -> RightsRequest | None:
    """The request if it is this person's; None otherwise (whether or not it exists)."""
    return await session.scalar(
        select(RightsRequest).where(
            RightsRequest.id == request_id, RightsRequest.person_id == person_id
        )
    )


async def start(
    session: AsyncSession,
    vault: Vault,
    *,
    person_id: int,
    contact_id: int | None,
    channel: Channel,
    holder: str,
    kind: RequestKind,
    lang: str,
    keep_days: int,
    now: datetime,
) -> RequestView:
    """A drafted request, after recording the person's consent to the purpose
    "requests" (the current notice in `lang`). The identity of their newest other
    request is carried over, so nothing is typed twice. The holder and kind were
    checked against the catalog by the caller."""
    consent = ConsentBook(session, person_id).record(
        purpose=REQUESTS, channel=None, state=ConsentState.GIVEN, method=ConsentMethod.CHAT,
        language=lang, at=now,
    )  # fmt: skip
    previous = await session.scalar(
        select(RightsRequest)
        .where(RightsRequest.person_id == person_id, RightsRequest.identity_enc.is_not(None))
        .order_by(RightsRequest.updated_at.desc(), RightsRequest.id.desc())
        .limit(1)
    )
    identity = Identity() if previous is None else identity_of(vault, previous)
    row = RightsRequest(
        person_id=person_id, holder=holder, kind=kind.value,
        status=RequestStatus.DRAFTED.value, lang=lang, contact_id=contact_id,
        channel=channel.value, identity_enc=sealed_identity(vault, identity),
        details_enc=None, created_at=now, updated_at=now,
        erase_at=now + timedelta(days=keep_days), consent_record_id=consent.record_id,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    carried = [PART_CATEGORIES[p] for p in IDENTITY_PARTS if p not in identity.missing()]
    categories = [Category.REQUEST, Category.CONSENT, *carried]
    await _log(session, START_ACTION, person_id, now, categories, channel)
    return view_of(vault, row)


async def view(
    session: AsyncSession, vault: Vault, *, person_id: int, request_id: int
) -> RequestView | None:
    row = await _own(session, person_id, request_id)
    return None if row is None else await shown(session, vault, row)


async def set_part(
    session: AsyncSession,
    vault: Vault,
    *,
    person_id: int,
    request_id: int,
    part: Part,
    text: str,
    channel: Channel,
    keep_days: int,
    now: datetime,
) -> RequestView | Problem | None:
    """One part from what the person typed: the updated view, the problem (nothing
    saved), or None for a request that is not theirs or a detail its kind has no use for."""
    row = await _own(session, person_id, request_id)
    if row is None:
        return None
    if part in IDENTITY_PARTS:
        today = now.astimezone(GERMANY).date()
        identity = apply_identity(identity_of(vault, row), part, text, today)
        if isinstance(identity, Problem):
            return identity
        row.identity_enc = sealed_identity(vault, identity)
    else:
        if part not in DETAIL_PARTS[RequestKind(row.kind)]:
            return None
        details = apply_detail(details_of(vault, row), part, text)
        if isinstance(details, Problem):
            return details
        row.details_enc = sealed_details(vault, details)
    touch(row, now, keep_days)
    await _log(session, CHANGE_ACTION, person_id, now, [PART_CATEGORIES[part]], channel)
    return view_of(vault, row)


async def use_letter_address(
    session: AsyncSession,
    vault: Vault,
    *,
    person_id: int,
    request_id: int,
    channel: Channel,
    keep_days: int,
    now: datetime,
) -> RequestView | None:
    """Street, postcode and town from the address Lotse keeps for letters; None when
    there is none or the request is not the person's."""
    row = await _own(session, person_id, request_id)
    if row is None:
        return None
    address = await postal_address(session, vault, person_id)
    if address is None:
        return None
    identity = identity_of(vault, row)
    updated = replace(identity, street=address.street, postcode=address.postcode,
                      city=address.city)  # fmt: skip
    row.identity_enc = sealed_identity(vault, updated)
    touch(row, now, keep_days)
    await _log(session, CHANGE_ACTION, person_id, now, [Category.POSTAL_ADDRESS], channel)
    return view_of(vault, row)


async def mine(session: AsyncSession, vault: Vault, person_id: int) -> tuple[RequestView, ...]:
    """The person's requests, newest first."""
    rows = list(
        await session.scalars(
            select(RightsRequest)
            .where(RightsRequest.person_id == person_id)
            .order_by(RightsRequest.created_at.desc(), RightsRequest.id.desc())
        )
    )
    names = await office_names(session, rows)
    return tuple(
        view_of(vault, row, None if row.office_id is None else names.get(row.office_id))
        for row in rows
    )


async def delete_request(
    session: AsyncSession,
    *,
    person_id: int,
    request_id: int,
    channel: Channel,
    lang: str,
    now: datetime,
) -> bool:
    """Erase the request and everything typed for it; False if not the person's. With
    their last request gone, their consent to the purpose is recorded as withdrawn."""
    gone = await session.execute(
        delete(RightsRequest)
        .where(RightsRequest.id == request_id, RightsRequest.person_id == person_id)
        .returning(RightsRequest.id)
    )
    if gone.scalar_one_or_none() is None:
        return False
    left = await session.scalar(
        select(func.count()).select_from(RightsRequest).where(RightsRequest.person_id == person_id)
    )
    if not left:
        ConsentBook(session, person_id).record(
            purpose=REQUESTS, channel=None, state=ConsentState.WITHDRAWN,
            method=ConsentMethod.CHAT, language=lang, at=now,
        )  # fmt: skip
    categories = [Category.REQUEST, Category.NAME, Category.IDENTITY, Category.POSTAL_ADDRESS]
    await _log(session, DELETE_ACTION, person_id, now, categories, channel)
    return True


async def purge_expired(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Erase the requests whose time is up (LOTSE_REQUEST_DAYS after their last change);
    how many."""
    async with sessionmaker() as session, session.begin():
        gone = await session.execute(
            delete(RightsRequest).where(RightsRequest.erase_at <= now).returning(RightsRequest.id)
        )
        return len(gone.all())


def request_jobs(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Callable[[], datetime],
    *,
    settings: Settings | None = None,
    vault: Vault | None = None,
    queue: Queue | None = None,
) -> list[Job]:
    """Requests go when their time is up, whether or not a letter was ever made; with
    `settings`, `vault` and the inbox (`queue`), their clocks ask the person
    (bot.rights.asking)."""

    async def purge() -> bool:
        await purge_expired(sessionmaker, clock())
        return False

    jobs = [Job("rights-requests", timedelta(hours=1), purge, at_start=True)]
    if settings is not None and vault is not None and queue is not None:
        jobs.append(ask_job(sessionmaker, vault, queue, settings, clock))
    return jobs
