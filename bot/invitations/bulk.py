"""Invitations from an office's CSV file: the checked rows written, and a report per row.

Every valid row is accepted, each in its own savepoint (no row is half-written); rows
are committed in chunks for speed. Reading and checking the file is
`bot.invitations.bulk_csv`'s.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor, Category, Concerned, record
from bot.config import Settings
from bot.db.models import Invitation, Office
from bot.invitations.bulk_csv import BulkFileError, CsvRow, read_requests
from bot.invitations.create import (
    Outcome,
    ReferenceConflict,
    create_invitation,
    create_invitations,
)
from bot.invitations.input import FieldError
from bot.invitations.sending import InvitationSender
from bot.messaging import Waker

log = logging.getLogger(__name__)

#: Rows per transaction.
CHUNK = 500


#: What an uploaded row may hold of a person.
UPLOAD_CATEGORIES = (
    Category.INVITATION,
    Category.LANGUAGE,
    Category.PHONE,
    Category.POSTAL_ADDRESS,
    Category.NAME,
)


class RowOutcome(StrEnum):
    CREATED = "created"
    EXISTING = "existing"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class RowResult:
    """One row's outcome. For an error, `field` is the (first) column at fault and
    `message` says what is wrong with it (and with any other column)."""

    row: int
    reference: str | None
    outcome: RowOutcome
    field: str | None = None
    message: str | None = None
    invitation_id: str | None = None


@dataclass(frozen=True, slots=True)
class BulkResult:
    """Every non-empty row's result, in file order."""

    rows: tuple[RowResult, ...]

    def count(self, outcome: RowOutcome) -> int:
        return sum(1 for r in self.rows if r.outcome is outcome)


class BulkContext(Protocol):
    """What an upload needs; `bot.runtime.services.Services` has it."""

    @property
    def settings(self) -> Settings: ...
    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]: ...
    @property
    def invitations(self) -> InvitationSender: ...
    @property
    def clock(self) -> Callable[[], datetime]: ...
    @property
    def dispatcher(self) -> Waker: ...


async def import_csv(
    services: BulkContext, office: Office, data: bytes, *, actor: Actor
) -> BulkResult:
    """Create the invitations of a CSV file for `office`; the access log gets an entry
    per invitation written or found again, for `actor`. Raises BulkFileError for an
    unreadable file."""
    settings = services.settings
    if len(data) > settings.bulk_max_bytes:
        raise BulkFileError(
            "too_large", f"the file is larger than {settings.bulk_max_bytes} bytes", 413
        )
    now = services.clock()
    # Off the event loop: a large file must not hold up other offices, people and /healthz.
    parsed = await asyncio.to_thread(read_requests, data, settings, now)
    results: list[RowResult] = []
    for start in range(0, len(parsed), CHUNK):
        results.extend(await _write_chunk(services, office, parsed[start : start + CHUNK], now))
    result = BulkResult(tuple(sorted(results, key=lambda r: r.row)))
    async with services.sessionmaker() as session, session.begin():
        detail = (
            f"rows={len(result.rows)} created={result.count(RowOutcome.CREATED)} "
            f"existing={result.count(RowOutcome.EXISTING)} errors={result.count(RowOutcome.ERROR)}"
        )
        # Each invitation once (a reference may come twice), looked up in chunks (a
        # database takes only so many parameters).
        ids = list(dict.fromkeys(r.invitation_id for r in result.rows if r.invitation_id))
        concerns: list[Concerned] = []
        for start in range(0, len(ids), CHUNK):
            found = await session.execute(
                select(Invitation.id, Invitation.person_id).where(
                    Invitation.public_id.in_(ids[start : start + CHUNK])
                )
            )
            concerns += [Concerned(person_id, invitation_id) for invitation_id, person_id in found]
        # One entry per invitation written or matched; one without anyone if none was.
        await record(session, actor, "bulk.upload", now, concerns=concerns,
                     categories=UPLOAD_CATEGORIES, detail=detail)  # fmt: skip
    services.dispatcher.wake()
    return result


async def _write_chunk(
    services: BulkContext, office: Office, rows: Sequence[CsvRow], now: datetime
) -> list[RowResult]:
    """The chunk's rows in one transaction, the new invitations inserted together. Any
    database error (a reference created meanwhile, a taken code, a failing row) rolls
    the whole chunk back, and its rows are written again one transaction each through
    `create_invitation`: no row is half-written, and one bad row costs no other."""
    try:
        async with services.sessionmaker() as session, session.begin():
            return await _write_together(session, services, office, rows, now)
    except Exception:
        log.warning("bulk chunk failed; writing its rows one by one", exc_info=True)
    results: list[RowResult] = []
    for row in rows:
        try:
            async with services.sessionmaker() as session, session.begin():
                results.append(await _write_row(session, services, office, row, now))
        except Exception:
            log.exception("bulk row %d could not be written", row.number)
            message = "could not be saved (database error); upload it again"
            results.append(RowResult(row.number, row.reference, RowOutcome.ERROR, "row", message))
    return results


async def _write_together(
    session: AsyncSession,
    services: BulkContext,
    office: Office,
    rows: Sequence[CsvRow],
    now: datetime,
) -> list[RowResult]:
    requests = [row.parsed for row in rows if not isinstance(row.parsed, list)]
    outcomes = iter(
        await create_invitations(
            session, office=office, requests=requests, sender=services.invitations, now=now
        )
    )
    return [
        _row_error(row, row.parsed) if isinstance(row.parsed, list) else _row(row, next(outcomes))
        for row in rows
    ]


async def _write_row(
    session: AsyncSession, services: BulkContext, office: Office, row: CsvRow, now: datetime
) -> RowResult:
    if isinstance(row.parsed, list):
        return _row_error(row, row.parsed)
    try:
        outcome: Outcome = await create_invitation(
            session, office=office, request=row.parsed, sender=services.invitations, now=now
        )
    except ReferenceConflict as conflict:
        outcome = conflict
    return _row(row, outcome)


def _row(row: CsvRow, outcome: Outcome) -> RowResult:
    if isinstance(outcome, ReferenceConflict):
        return RowResult(row.number, row.reference, RowOutcome.ERROR, "reference",
                         "this reference exists already with different data")  # fmt: skip
    invitation, created = outcome
    kind = RowOutcome.CREATED if created else RowOutcome.EXISTING
    return RowResult(row.number, row.reference, kind, invitation_id=invitation.public_id)


def _row_error(row: CsvRow, errors: list[FieldError]) -> RowResult:
    first, *others = errors
    also = "; ".join(f"{e.field}: {e.message}" for e in others)
    message = first.message + (f" (also {also})" if also else "")
    return RowResult(row.number, row.reference, RowOutcome.ERROR, first.field, message)
