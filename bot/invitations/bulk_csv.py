"""Reading an office's CSV file into checked invitation requests, one per non-empty row.

UTF-8 with or without BOM, `;` or `,` separated (sniffed from the header line),
quoted newlines allowed (a line break inside a cell becomes a space: every field
is one line), empty rows skipped. Columns are named like the API's JSON
fields, the address and the consent flattened. Row numbers are as a spreadsheet
shows them: the header is row 1.

A naive `consent_recorded_at` (spreadsheets carry no time zone) is local time in
`LOTSE_TIMEZONE`; `23.11.2026 09:30` (German spreadsheets) is read too.
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.invitations.input import FieldError, parse_request
from bot.invitations.request import InvitationRequest

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
#: Reading and checking a file runs in a worker thread and stops after this long (a
#: file at the size and row limits takes about a second).
READ_BUDGET_SECONDS = 30.0


class BulkFileError(ValueError):
    """The file as a whole cannot be read; nothing was written. `status` is the HTTP
    answer the API gives (413 too large, 422 otherwise)."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One row: its number, its reference (for the report), and the request or what is
    wrong with it."""

    number: int
    reference: str | None
    parsed: InvitationRequest | list[FieldError]


def read_requests(data: bytes, settings: Settings, now: datetime) -> list[CsvRow]:
    """Every non-empty row, checked. Raises BulkFileError for an unreadable file, or
    one that takes longer than READ_BUDGET_SECONDS to read."""
    deadline = time.monotonic() + READ_BUDGET_SECONDS
    return [
        CsvRow(
            number, record.get("reference") or None, _parse(record, settings.default_region, now)
        )
        for number, record in read_rows(
            data, settings.bulk_max_rows, settings.timezone, deadline=deadline
        )
    ]


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
