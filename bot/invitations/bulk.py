"""Invitations from a CSV file, as offices' spreadsheets export them.

UTF-8 with or without BOM, `;` or `,` separated (sniffed from the header line),
quoted newlines allowed (a line break inside a cell becomes a space: every field
is one line), empty rows skipped. Columns are named like the API's JSON
fields, the address and the consent flattened. Every valid row is accepted, each in
its own savepoint (no row is half-written); rows are committed in chunks for speed.
Row numbers are as a spreadsheet shows them: the header is row 1.

A naive `consent_recorded_at` (spreadsheets carry no time zone) is local time in
`LOTSE_TIMEZONE`; `23.11.2026 09:30` (German spreadsheets) is read too.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import log_access
from bot.config import Settings
from bot.db.models import Invitation, Office
from bot.invitations.core import (
    InvitationRequest,
    InvitationSender,
    InvitationStatus,
    ReferenceConflict,
    add_event,
    create_invitation,
    new_invitation,
)
from bot.invitations.input import FieldError, parse_request

log = logging.getLogger(__name__)

ADDRESS_COLUMNS = {
    "address_name": "name",
    "street": "street",
    "postcode": "postcode",
    "city": "city",
    "address_extra": "extra",
}
REQUIRED = ("reference", "language", "channels", "consent_recorded_at", "notice_version")
OPTIONAL = ("phone", "given_name", "family_name", *ADDRESS_COLUMNS)
COLUMNS = (*REQUIRED, *OPTIONAL)
#: The API's field names as the CSV names them, for errors.
_FIELD_TO_COLUMN = {
    **{f"postal_address.{v}": k for k, v in ADDRESS_COLUMNS.items()},
    "postal_address": "street",
    "consent.recorded_at": "consent_recorded_at",
    "consent.notice_version": "notice_version",
}
_LOCAL_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y")
#: Rows per transaction.
CHUNK = 500
#: Reading and checking a file runs in a worker thread and stops after this long (a
#: file at the size and row limits takes about a second).
READ_BUDGET_SECONDS = 30.0


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


class BulkFileError(ValueError):
    """The file as a whole cannot be read; nothing was written. `status` is the HTTP
    answer the API gives (413 too large, 422 otherwise)."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class _Row:
    number: int
    reference: str | None
    parsed: InvitationRequest | list[FieldError]


class Waker(Protocol):
    def wake(self) -> None: ...


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
    services: BulkContext, office: Office, data: bytes, *, actor: str
) -> BulkResult:
    """Create the invitations of a CSV file for `office`; `actor` ("key:<prefix>",
    "user:<id>") goes to the access log. Raises BulkFileError for an unreadable file."""
    settings = services.settings
    if len(data) > settings.bulk_max_bytes:
        raise BulkFileError(
            "too_large", f"the file is larger than {settings.bulk_max_bytes} bytes", 413
        )
    now = services.clock()
    # Off the event loop: a large file must not hold up other offices, people and /healthz.
    parsed = await asyncio.to_thread(_read_all, data, services, now)
    results: list[RowResult] = []
    for start in range(0, len(parsed), CHUNK):
        results.extend(await _write_chunk(services, office, parsed[start : start + CHUNK], now))
    result = BulkResult(tuple(sorted(results, key=lambda r: r.row)))
    async with services.sessionmaker() as session, session.begin():
        detail = (
            f"rows={len(result.rows)} created={result.count(RowOutcome.CREATED)} "
            f"existing={result.count(RowOutcome.EXISTING)} errors={result.count(RowOutcome.ERROR)}"
        )
        await log_access(
            session, actor=actor, action="bulk.upload", office_id=office.id, detail=detail, at=now
        )
    services.dispatcher.wake()
    return result


def _parse(
    record: dict[str, Any], default_region: str, now: datetime
) -> InvitationRequest | list[FieldError]:
    if "_cells" in record:
        return [FieldError("row", record["_cells"])]
    parsed = parse_request(as_body(record), default_region=default_region, now=now)
    if isinstance(parsed, list):
        return [
            FieldError(_column(e.field), e.message.replace("postal_address", "address"))
            for e in parsed
        ]
    return parsed


def _column(field: str) -> str:
    if field in _FIELD_TO_COLUMN:
        return _FIELD_TO_COLUMN[field]
    return field.split(".")[0]


async def _write_chunk(
    services: BulkContext, office: Office, rows: Sequence[_Row], now: datetime
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
    rows: Sequence[_Row],
    now: datetime,
) -> list[RowResult]:
    sender = services.invitations
    valid = [row.parsed for row in rows if not isinstance(row.parsed, list)]
    known: dict[str, Invitation] = {
        invitation.reference: invitation
        for invitation in await session.scalars(
            select(Invitation).where(
                Invitation.office_id == office.id,
                Invitation.reference.in_({request.reference for request in valid}),
            )
        )
    }
    results: list[RowResult] = []
    new: list[tuple[Invitation, InvitationRequest]] = []
    for row in rows:
        if isinstance(row.parsed, list):
            results.append(_row_error(row, row.parsed))
            continue
        fingerprint = row.parsed.fingerprint(sender.vault)
        invitation = known.get(row.parsed.reference)
        if invitation is None:
            invitation = new_invitation(office, row.parsed, fingerprint, sender, now)
            known[row.parsed.reference] = invitation
            new.append((invitation, row.parsed))
            outcome = RowOutcome.CREATED
        elif invitation.request_hash != fingerprint:
            results.append(_conflict(row))
            continue
        else:
            outcome = RowOutcome.EXISTING
        results.append(RowResult(row.number, row.reference, outcome,
                                 invitation_id=invitation.public_id))  # fmt: skip
    session.add_all(invitation for invitation, _ in new)
    await session.flush()  # one INSERT for the chunk
    for invitation, request in new:
        add_event(session, invitation, InvitationStatus.CREATED, now)
        await sender.send(session, invitation, office, request.personal, now)
    return results


async def _write_row(
    session: AsyncSession, services: BulkContext, office: Office, row: _Row, now: datetime
) -> RowResult:
    if isinstance(row.parsed, list):
        return _row_error(row, row.parsed)
    try:
        invitation, created = await create_invitation(
            session, office=office, request=row.parsed, sender=services.invitations, now=now
        )
    except ReferenceConflict:
        return _conflict(row)
    outcome = RowOutcome.CREATED if created else RowOutcome.EXISTING
    return RowResult(row.number, row.reference, outcome, invitation_id=invitation.public_id)


def _row_error(row: _Row, errors: list[FieldError]) -> RowResult:
    first, *others = errors
    also = "; ".join(f"{e.field}: {e.message}" for e in others)
    message = first.message + (f" (also {also})" if also else "")
    return RowResult(row.number, row.reference, RowOutcome.ERROR, first.field, message)


def _conflict(row: _Row) -> RowResult:
    return RowResult(row.number, row.reference, RowOutcome.ERROR, "reference",
                     "this reference exists already with different data")  # fmt: skip


# ---------------------------------------------------------------- reading


def _read_all(data: bytes, services: BulkContext, now: datetime) -> list[_Row]:
    settings = services.settings
    deadline = time.monotonic() + READ_BUDGET_SECONDS
    return [
        _Row(number, record.get("reference") or None, _parse(record, settings.default_region, now))
        for number, record in read_rows(
            data, settings.bulk_max_rows, settings.timezone, deadline=deadline
        )
    ]


def _in_time(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise BulkFileError(
            "too_slow",
            f"reading the file took longer than {READ_BUDGET_SECONDS:.0f} seconds; "
            "split it into smaller files",
        )


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BulkFileError(
            "not_utf8",
            f"the file is not UTF-8 (byte {error.start}, line {line}); "
            "save it as “CSV UTF-8” and upload it again",
        ) from None


def read_rows(
    data: bytes, max_rows: int, timezone: str = "Europe/Berlin", *, deadline: float | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, cells by column) for each non-empty row; a row with more cells than
    the header has `_cells` set to the problem. Checks the header (before reading any
    further) and the row limit before yielding anything. Every step is linear in the
    file's size; past `deadline` (time.monotonic()) it raises BulkFileError."""
    text = decode(data)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header_line else "\t" if "\t" in header_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        first = next(reader, None)
        if first is None or not any(cell.strip() for cell in first):
            raise BulkFileError("no_header", "the first row must name the columns")
        header = _header(first)
        rows: list[tuple[int, list[str]]] = []
        for index, cells in enumerate(reader, start=2):
            if index % 256 == 0:
                _in_time(deadline)
            if any(c.strip() for c in cells):
                rows.append((index, cells))
            if len(rows) > max_rows:
                raise BulkFileError(
                    "too_many_rows",
                    f"the file has more than {max_rows} rows; at most {max_rows} are "
                    "accepted in one upload",
                )
    except csv.Error as error:
        raise BulkFileError("bad_csv", f"the file cannot be read as CSV: {error}") from None
    zone = ZoneInfo(timezone)
    for number, cells in rows:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problem = f"has {len(cells)} cells, the header names {len(header)} columns"
            yield number, {"_cells": problem, "reference": cells[0].strip() or None}
            continue
        record = {name: _one_line(value) for name, value in zip(header, cells, strict=False)}
        if record.get("consent_recorded_at"):
            record["consent_recorded_at"] = _local_time(record["consent_recorded_at"], zone)
        yield number, record


def _one_line(cell: str) -> str:
    """A cell's text; line breaks inside a cell (Alt+Enter in a spreadsheet) become spaces:
    every field is one line."""
    return " ".join(cell.split()) if "\n" in cell or "\r" in cell else cell.strip()


def _header(cells: list[str]) -> list[str]:
    if len(cells) > len(COLUMNS):  # more than every column once: say so before anything
        raise BulkFileError(
            "too_many_columns",
            f"the first row has {len(cells)} cells; Lotse takes at most {len(COLUMNS)} "
            f"columns: {', '.join(COLUMNS)}",
        )
    header = [cell.strip().lower() for cell in cells]
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise BulkFileError(
            "unknown_columns",
            f"unknown column(s): {', '.join(repr(n[:40]) for n in unknown)}; "
            f"Lotse takes only {', '.join(COLUMNS)}",
        )
    twice = sorted(name for name, count in Counter(header).items() if count > 1)
    if twice:
        raise BulkFileError("duplicate_columns", f"column(s) named twice: {', '.join(twice)}")
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise BulkFileError("missing_columns", f"missing column(s): {', '.join(missing)}")
    return header


def _local_time(value: str, zone: ZoneInfo) -> str:
    """ISO or German spreadsheet times; without a zone, local time in `zone`."""
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        for pattern in _LOCAL_FORMATS:
            try:
                parsed = datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        return value  # the validation names the problem
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.isoformat()


def as_body(record: dict[str, Any]) -> dict[str, Any]:
    """A CSV row in the shape of the API's JSON body; empty cells are absent."""
    body: dict[str, Any] = {}
    for name in ("reference", "language", "phone", "given_name", "family_name"):
        if record.get(name):
            body[name] = record[name]
    if record.get("channels"):
        separator = "|" if "|" in record["channels"] else ","
        body["channels"] = [c.strip() for c in record["channels"].split(separator) if c.strip()]
    address = {key: record[column] for column, key in ADDRESS_COLUMNS.items() if record.get(column)}
    if address:
        body["postal_address"] = address
    consent = {
        key: record[column]
        for column, key in (
            ("consent_recorded_at", "recorded_at"),
            ("notice_version", "notice_version"),
        )
        if record.get(column)
    }
    body["consent"] = consent
    return body
