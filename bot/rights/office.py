"""Requests people sent through Lotse to an office on this installation, as that
office's staff see them and answer them (the office pages, bot.web.office.requests).

- Staff see only requests sent to their own office; any other id, a request of another
  office included, answers None, exactly as one that never existed, and is not logged.
- Every look is in the person's access log, once per page shown, with the kinds of data
  shown: a list entry per request listed, an entry per request opened, per extension or
  answer recorded, and per German letter downloaded for the office's file.
- An extension or an answer goes through the request's clock (bot.rights.clock), which
  checks it (reasons required, only within the first month) and tells the person
  (Ask.OFFICE). What staff write with it is kept encrypted; the person reads it.
- Identity checks stay the office's own procedure: `Proof` says what the person has and
  has not proven to Lotse.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Final

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor, Category, Concerned, record
from bot.config import Settings
from bot.db.models import Invitation, Office, RightsRequest
from bot.documents import render_letters
from bot.holders import RequestKind
from bot.i18n import Translator
from bot.kernel.crypto import Vault
from bot.rights import clock
from bot.rights.deadlines import answer_due
from bot.rights.delivery import reference
from bot.rights.identity import Details, Identity, Problem
from bot.rights.letter import LetterRequest, letter_filename, request_letter
from bot.rights.letters import LETTER_CATEGORIES
from bot.rights.office_proof import Proof, proof_of
from bot.rights.port import HolderCatalog
from bot.rights.records import GERMANY, details_of, identity_of, office_note_of
from bot.rights.views import Outcome, RequestStatus

#: Actions in the access log (worded in bot/i18n/access_words.py).
LIST_ACTION: Final = "rights.office-list"
READ_ACTION: Final = "rights.office-read"
EXTEND_ACTION: Final = "rights.office-extend"
ANSWER_ACTION: Final = "rights.office-answer"
LETTER_ACTION: Final = "rights.office-letter"
#: What a list entry shows: which holder, what kind, the dates and status.
LIST_CATEGORIES: Final = (Category.REQUEST,)
#: What an opened request shows: the letter's content, the language, the channel used.
READ_CATEGORIES: Final = (*LETTER_CATEGORIES, Category.LANGUAGE, Category.CONTACT)
#: The longest note staff may write (reasons, a word on the answer).
NOTE_MAX: Final = 1000
PAGE_SIZE: Final = 50
#: Open: the clock runs; done: answered or closed.
OPEN, DONE = "open", "done"
_DONE_STATUSES = (RequestStatus.ANSWERED.value, RequestStatus.CLOSED.value)


@dataclass(frozen=True, slots=True)
class OfficeRequest:
    """One request as a list shows it: no name, no address."""

    request_id: int
    #: The reference the letter carries ("LOTSE-R-17").
    reference: str
    holder: str  # slug
    holder_name: str  # German, as on the letter
    kind: RequestKind
    status: RequestStatus
    received_on: date
    #: The last day for the answer (three months after receipt when extended).
    due_on: date
    extended_on: date | None
    answered_on: date | None
    outcome: Outcome | None
    #: Days to the deadline (0: today; negative: overdue); None once answered.
    days_left: int | None


@dataclass(frozen=True, slots=True)
class OfficeRequestDetail:
    """One request opened: what its letter says, and what the person has proven."""

    request: OfficeRequest
    identity: Identity
    details: Details
    #: The language the person reads (their letter's working translation is in it).
    lang: str
    proof: Proof
    #: What staff wrote with the extension or the answer.
    note: str | None
    recipients_named: bool | None
    #: Whether an extension may still be recorded (within the first month, open).
    can_extend: bool


@dataclass(frozen=True, slots=True)
class OfficeListing:
    requests: tuple[OfficeRequest, ...]
    #: How many are open and done (the tabs).
    counts: dict[str, int]
    page: int
    pages: int


def _summary(row: RightsRequest, holders: HolderCatalog, today: date) -> OfficeRequest:
    assert row.receipt_on is not None and row.due_on is not None  # sent: the clock runs
    holder = holders.get(row.holder)
    status = RequestStatus(row.status)
    answered = status.value in _DONE_STATUSES
    return OfficeRequest(
        request_id=row.id, reference=reference(row.id), holder=row.holder,
        holder_name=row.holder if holder is None else holder.name,
        kind=RequestKind(row.kind), status=status, received_on=row.receipt_on,
        due_on=row.due_on, extended_on=row.extended_on, answered_on=row.answered_on,
        outcome=None if row.outcome is None else Outcome(row.outcome),
        days_left=None if answered else (row.due_on - today).days,
    )  # fmt: skip


def _concerns(rows: list[RightsRequest]) -> list[Concerned]:
    return [Concerned(person_id=row.person_id) for row in rows]


async def _log(
    session: AsyncSession, actor: Actor, action: str, rows: list[RightsRequest],
    now: datetime, categories: tuple[Category, ...], detail: str | None = None,
) -> None:  # fmt: skip
    if rows:
        await record(session, actor, action, now, concerns=_concerns(rows),
                     categories=categories, detail=detail)  # fmt: skip


async def _own(session: AsyncSession, office_id: int, request_id: int) -> RightsRequest | None:
    """The request if it was sent to this office (and its clock runs from receipt)."""
    return await session.scalar(
        select(RightsRequest).where(
            RightsRequest.id == request_id,
            RightsRequest.office_id == office_id,
            RightsRequest.receipt_on.is_not(None),
            RightsRequest.due_on.is_not(None),
        )
    )


async def incoming(
    sessionmaker: async_sessionmaker[AsyncSession],
    holders: HolderCatalog,
    *,
    office_id: int,
    actor: Actor,
    now: datetime,
    settings: Settings,
    show: str = OPEN,
    page: int = 1,
) -> OfficeListing:
    """The office's requests: open ones by deadline (the nearest first), done ones
    newest answer first; an access-log entry per request listed."""
    mine = (
        RightsRequest.office_id == office_id,
        RightsRequest.receipt_on.is_not(None),
        RightsRequest.due_on.is_not(None),
    )
    done = RightsRequest.status.in_(_DONE_STATUSES)
    async with sessionmaker() as session, session.begin():
        counted = await session.execute(
            select(case((done, DONE), else_=OPEN), func.count())
            .where(*mine)
            .group_by(case((done, DONE), else_=OPEN))
        )
        counts = {OPEN: 0, DONE: 0} | {str(k): int(n) for k, n in counted.all()}
        pages = max(1, -(-counts[show if show in counts else OPEN] // PAGE_SIZE))
        page = min(max(page, 1), pages)
        query = select(RightsRequest).where(*mine)
        if show == DONE:
            query = query.where(done).order_by(
                RightsRequest.answered_on.desc(), RightsRequest.id.desc()
            )
        else:
            query = query.where(~done).order_by(RightsRequest.due_on, RightsRequest.id)
        rows = list(await session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
        await _log(session, actor, LIST_ACTION, rows, now, LIST_CATEGORIES,
                   detail=f"{show} page={page}")  # fmt: skip
        today = clock.today(now, settings)
        shown = tuple(_summary(row, holders, today) for row in rows)
    return OfficeListing(shown, counts, page, pages)


async def _detail(
    session: AsyncSession, vault: Vault, row: RightsRequest, holders: HolderCatalog,
    office_id: int, now: datetime, settings: Settings,
) -> OfficeRequestDetail:  # fmt: skip
    holder = holders.get(row.holder)
    land = None if holder is None else holder.land
    summary = _summary(row, holders, clock.today(now, settings))
    invitation = await session.execute(
        select(Office.name, Invitation.sent_via, Invitation.office_id)
        .join(Office, Office.id == Invitation.office_id)
        # bot.invitations.InvitationStatus.CONNECTED (a feature above this one).
        .where(Invitation.person_id == row.person_id, Invitation.status == "connected")
        .order_by(Invitation.id.desc())
        .limit(1)
    )
    invited = invitation.first()
    proof = proof_of(
        row.channel, holder,
        invited_by=None if invited is None else invited[0],
        invited_via=None if invited is None else invited[1],
    )  # fmt: skip
    assert row.receipt_on is not None
    # Once, within the first month (Art. 12(3) GDPR); the clock checks it again.
    can_extend = row.status == RequestStatus.SENT.value and clock.today(
        now, settings
    ) <= answer_due(row.receipt_on, land)
    return OfficeRequestDetail(
        request=summary, identity=identity_of(vault, row), details=details_of(vault, row),
        lang=row.lang, proof=proof, note=office_note_of(vault, row),
        recipients_named=row.recipients_named, can_extend=can_extend,
    )  # fmt: skip


async def read_for_office(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    holders: HolderCatalog,
    *,
    office_id: int,
    request_id: int,
    actor: Actor,
    now: datetime,
    settings: Settings,
) -> OfficeRequestDetail | None:
    """One request of the office, opened (one access-log entry); None for any other."""
    async with sessionmaker() as session, session.begin():
        row = await _own(session, office_id, request_id)
        if row is None:
            return None
        await _log(session, actor, READ_ACTION, [row], now, READ_CATEGORIES)
        return await _detail(session, vault, row, holders, office_id, now, settings)


def _note(text: str) -> str | None:
    cleaned = " ".join(text.split())[:NOTE_MAX]
    return cleaned or None


async def _change(
    sessionmaker: async_sessionmaker[AsyncSession], vault: Vault, holders: HolderCatalog, *,
    office_id: int, request_id: int, actor: Actor, now: datetime, settings: Settings,
    action: str, note: str | None, apply: Callable[[RightsRequest], Problem | None],
) -> OfficeRequestDetail | Problem | None:  # fmt: skip
    async with sessionmaker() as session, session.begin():
        row = await _own(session, office_id, request_id)
        if row is None:
            return None
        # The clock checks first: a refused change changes nothing and is not logged.
        problem = apply(row)
        if problem is not None:
            return problem
        if note is not None:
            row.office_note_enc = vault.encrypt(note)
        await _log(session, actor, action, [row], now, LIST_CATEGORIES,
                   detail=RequestStatus(row.status).value)  # fmt: skip
        return await _detail(session, vault, row, holders, office_id, now, settings)


async def record_extension(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    holders: HolderCatalog,
    *,
    office_id: int,
    request_id: int,
    notified_on: date,
    reasons: str,
    actor: Actor,
    now: datetime,
    settings: Settings,
) -> OfficeRequestDetail | Problem | None:
    """The office needs two more months, for `reasons` (required), told on
    `notified_on`, within the first month (else Problem.LATE_EXTENSION)."""
    note = _note(reasons)

    def apply(row: RightsRequest) -> Problem | None:
        holder = holders.get(row.holder)
        return clock.mark_extended(
            row, notified_on=notified_on, reasons=note is not None,
            land=None if holder is None else holder.land, now=now, settings=settings,
            staff=True,
        )  # fmt: skip

    return await _change(
        sessionmaker, vault, holders, office_id=office_id, request_id=request_id,
        actor=actor, now=now, settings=settings, action=EXTEND_ACTION, note=note, apply=apply,
    )  # fmt: skip


async def record_answer(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    holders: HolderCatalog,
    *,
    office_id: int,
    request_id: int,
    on: date,
    outcome: Outcome,
    recipients_named: bool | None,
    note: str,
    actor: Actor,
    now: datetime,
    settings: Settings,
) -> OfficeRequestDetail | Problem | None:
    """The office answered on `on`. A partial answer or a refusal needs its reasons
    (Art. 12(4) GDPR: Problem.NO_REASONS without a note); for a correction, whether the
    answer named the recipients told of it (Art. 19)."""
    written = _note(note)
    if outcome is not Outcome.DONE and written is None:
        return Problem.NO_REASONS

    def apply(row: RightsRequest) -> Problem | None:
        named = recipients_named if row.kind == RequestKind.CORRECTION.value else None
        return clock.mark_answered(
            row, on=on, outcome=outcome, recipients_named=named, now=now, settings=settings,
            staff=True,
        )  # fmt: skip

    return await _change(
        sessionmaker, vault, holders, office_id=office_id, request_id=request_id,
        actor=actor, now=now, settings=settings, action=ANSWER_ACTION, note=written,
        apply=apply,
    )  # fmt: skip


async def office_letter(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    holders: HolderCatalog,
    german: Translator,
    *,
    office_id: int,
    request_id: int,
    actor: Actor,
    now: datetime,
) -> tuple[str, bytes] | None:
    """The request's German letter alone (no guide, no translation), as a PDF for the
    office's file, and its file name; logged. None for a request not sent to the office
    or whose holder the catalog no longer has."""
    async with sessionmaker() as session, session.begin():
        row = await _own(session, office_id, request_id)
        holder = None if row is None else holders.get(row.holder)
        if row is None or holder is None:
            return None
        request = LetterRequest(
            holder=holder, supervisor=holders.supervisor_of(holder), kind=RequestKind(row.kind),
            identity=identity_of(vault, row), details=details_of(vault, row), lang="de",
            dated=row.created_at.astimezone(GERMANY).date(), reference=reference(row.id),
        )  # fmt: skip
        await _log(session, actor, LETTER_ACTION, [row], now, LETTER_CATEGORIES)

    def render() -> bytes:
        letter = request_letter(request, german)
        pdf, _ = render_letters([replace(letter, parts=letter.parts[:1])])
        return pdf

    return letter_filename(request), await asyncio.to_thread(render)
