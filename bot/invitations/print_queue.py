"""The letters that wait for print: which they are, marking them printed, earlier batches.

Rendering happens between loading and marking, outside any transaction, and a letter
may stop being pending meanwhile (the person connected, the invitation expired): so
`mark_printed` marks only the letters still pending at that moment, with one
conditional UPDATE that is safe against concurrent exports and connects on SQLite and
PostgreSQL. Exports and reprints write the access log, an entry per letter: its
address was read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor, Category, Concerned, record
from bot.db.models import Invitation, InvitationEvent, Letter, Office
from bot.invitations.letter import LetterContent, LetterContext, letter_content
from bot.invitations.status import OPEN, InvitationStatus, LetterKind, LetterStatus

EXPORT_ACTION = "letters.export"
REPRINT_ACTION = "letters.reprint"


class NothingToPrint(Exception):
    """No pending letters (for the office asked about)."""


class UnknownBatch(Exception):
    """No printed letters under this batch id (for the office asked about)."""


class QueueContext(LetterContext, Protocol):
    """What reading the print queue needs; `bot.runtime.services.Services` has it."""

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]: ...


@dataclass(frozen=True, slots=True)
class Pending:
    """A letter to render, with what it says."""

    letter_id: int
    invitation_id: int
    #: The connected person, if any (the access log names them).
    person_id: int | None
    office_id: int
    public_id: str
    kind: LetterKind
    reference: str
    content: LetterContent

    @classmethod
    def of(
        cls, row: Letter, invitation: Invitation, office: Office, content: LetterContent
    ) -> Pending:
        return cls(
            row.id, invitation.id, invitation.person_id, office.id, invitation.public_id,
            LetterKind(row.kind), invitation.reference, content,
        )  # fmt: skip

    @property
    def concerned(self) -> Concerned:
        return Concerned(self.person_id, self.invitation_id)


#: What printing a letter reads of a person.
LETTER_CATEGORIES = (Category.POSTAL_ADDRESS, Category.NAME, Category.CODE, Category.LANGUAGE)


def _is_reminder(row: Letter) -> bool:
    return row.kind == LetterKind.REMINDER.value


async def load_pending(
    services: QueueContext, office_id: int | None, now: datetime, limit: int
) -> list[Pending]:
    """The oldest pending letters (of one office, or all) that can be rendered."""
    query = (
        select(Letter, Invitation, Office)
        .join(Invitation, Invitation.id == Letter.invitation_id)
        .join(Office, Office.id == Invitation.office_id)
        .where(
            Letter.status == LetterStatus.PENDING.value,
            Invitation.personal_enc.is_not(None),
            Invitation.status.in_([s.value for s in OPEN]),
            Invitation.expires_at > now,
        )
        .order_by(Letter.id)
        .limit(limit)
    )
    if office_id is not None:
        query = query.where(Invitation.office_id == office_id)
    found: list[Pending] = []
    async with services.sessionmaker() as session:
        for row, invitation, office in await session.execute(query):
            content = letter_content(services, invitation, office, reminder=_is_reminder(row))
            if content is not None:
                found.append(Pending.of(row, invitation, office, content))
    return found


async def load_batch(
    services: QueueContext, batch_id: str, *, office_id: int | None, now: datetime, actor: Actor
) -> tuple[list[Pending], list[str]]:
    """An earlier batch's letters that can be rendered again, and the public ids of the
    invitations whose letters cannot (closed, their address erased). Raises UnknownBatch."""
    query = (
        select(Letter, Invitation, Office)
        .join(Invitation, Invitation.id == Letter.invitation_id)
        .join(Office, Office.id == Invitation.office_id)
        .where(Letter.batch == batch_id, Letter.status == LetterStatus.PRINTED.value)
        .order_by(Letter.id)
    )
    if office_id is not None:
        query = query.where(Invitation.office_id == office_id)
    pending: list[Pending] = []
    unavailable: list[str] = []
    async with services.sessionmaker() as session, session.begin():
        rows = list(await session.execute(query))
        if not rows:
            raise UnknownBatch(f"no printed letters in batch {batch_id!r}")
        for row, invitation, office in rows:
            content = (
                letter_content(services, invitation, office, reminder=_is_reminder(row))
                if invitation.status in {s.value for s in OPEN}
                else None
            )
            if content is None:
                unavailable.append(invitation.public_id)
            else:
                pending.append(Pending.of(row, invitation, office, content))
        if pending:  # nothing read when none can be rendered (NothingToPrint follows)
            await record(
                session, actor, REPRINT_ACTION, now, concerns=[p.concerned for p in pending],
                categories=LETTER_CATEGORIES, detail=f"batch {batch_id} again",
            )  # fmt: skip
    return pending, unavailable


async def mark_printed(
    session: AsyncSession,
    pending: Sequence[Pending],
    counts: Sequence[int],
    batch_id: str,
    now: datetime,
) -> set[int]:
    """Mark printed those letters still pending now; their ids. Invitations still
    CREATED move to SENT."""
    pages = {p.letter_id: n for p, n in zip(pending, counts, strict=True)}
    still_open = select(Invitation.id).where(
        Invitation.personal_enc.is_not(None),
        Invitation.status.in_([s.value for s in OPEN]),
    )
    marked = set(
        await session.scalars(
            update(Letter)
            .where(
                Letter.id.in_(list(pages)),
                Letter.status == LetterStatus.PENDING.value,
                Letter.invitation_id.in_(still_open),
            )
            .values(
                status=LetterStatus.PRINTED.value,
                printed_at=now,
                batch=batch_id,
                pages=case(pages, value=Letter.id),
            )
            .returning(Letter.id)
            .execution_options(synchronize_session=False)
        )
    )
    invitations = {p.invitation_id for p in pending if p.letter_id in marked}
    if not invitations:
        return marked
    sent = await session.scalars(
        update(Invitation)
        .where(
            Invitation.id.in_(sorted(invitations)),
            Invitation.status == InvitationStatus.CREATED.value,
        )
        .values(status=InvitationStatus.SENT.value, sent_at=now)
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    )
    session.add_all(
        InvitationEvent(
            invitation_id=invitation_id,
            status=InvitationStatus.SENT.value,
            at=now,
            detail="letter handed to print",
        )
        for invitation_id in sent
    )
    return marked


async def log_export(
    session: AsyncSession,
    pending: Sequence[Pending],
    marked: set[int],
    batch_id: str,
    actor: Actor,
    now: datetime,
) -> None:
    """One access log entry per letter printed: its address, name and code were read."""
    printed = [p.concerned for p in pending if p.letter_id in marked]
    await record(session, actor, EXPORT_ACTION, now, concerns=printed,
                 categories=LETTER_CATEGORIES, detail=f"batch {batch_id}")  # fmt: skip


@dataclass(frozen=True, slots=True)
class BatchSummary:
    batch_id: str
    printed_at: datetime
    letters: int
    pages: int


async def recent_batches(
    session: AsyncSession, office_id: int, limit: int = 10
) -> list[BatchSummary]:
    """An office's latest print batches, newest first."""
    rows = await session.execute(
        select(
            Letter.batch,
            func.max(Letter.printed_at),
            func.count(Letter.id),
            func.coalesce(func.sum(Letter.pages), 0),
        )
        .join(Invitation, Invitation.id == Letter.invitation_id)
        .where(
            Invitation.office_id == office_id,
            Letter.status == LetterStatus.PRINTED.value,
            Letter.batch.is_not(None),
        )
        .group_by(Letter.batch)
        .order_by(func.max(Letter.printed_at).desc(), Letter.batch.desc())
        .limit(limit)
    )
    summaries = []
    for batch, printed_at, letters, pages in rows:
        assert printed_at is not None  # set together with the batch id
        summaries.append(BatchSummary(str(batch), printed_at, int(letters), int(pages or 0)))
    return summaries


@dataclass(frozen=True, slots=True)
class PrintOverview:
    """What an office's letters page shows: counts and batch ids, no one's data."""

    pending: int
    batches: list[BatchSummary]


async def print_overview(
    sessionmaker: async_sessionmaker[AsyncSession], office_id: int
) -> PrintOverview:
    """How many of the office's letters wait for print, and its latest batches."""
    async with sessionmaker() as session:
        pending = await session.scalar(
            select(func.count())
            .select_from(Letter)
            .join(Invitation, Invitation.id == Letter.invitation_id)
            .where(Invitation.office_id == office_id, Letter.status == LetterStatus.PENDING.value)
        )
        return PrintOverview(pending or 0, await recent_batches(session, office_id))
