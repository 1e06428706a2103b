"""The office page's CSV upload: the form, reading the upload (up to
LOTSE_BULK_MAX_BYTES, streamed, so the app's small body limit does not apply), and
the per-row report of `bot.invitations.bulk.import_csv`.

Without JavaScript the form posts and the answer is the report page; with it,
office.js posts the same form by XMLHttpRequest to show upload progress and puts
the answer's <main> in place.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Final

from aiohttp import BodyPartReader, web
from aiohttp.web_protocol import RequestPayloadError

from bot.invitations import BulkFileError, import_csv
from bot.staff import StaffMember
from bot.web.keys import SERVICES
from bot.web.office import text as T
from bot.web.office.auth import CSRF_HEADER, check_csrf

_FIELD_LIMIT: Final = 200


@dataclass(frozen=True, slots=True)
class ReportRow:
    row: int
    reference: str
    outcome: str
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Upload:
    csrf: str | None
    data: bytes | None
    too_large: bool


def upload_form(staff: StaffMember, max_bytes: int, error: str = "") -> str:
    alert = (
        f'<p class="note error" role="alert" id="upload-error">{T.e(error)}</p>' if error else ""
    )
    return (
        f"{alert}<p>{T.e(T.UPLOAD_HELP)}</p>"
        '<form method="post" action="/office/upload" enctype="multipart/form-data" '
        f'id="upload" class="upload" data-max="{max_bytes}" '
        f'data-too-large="{T.e(T.UPLOAD_TOO_LARGE.format(size=T.size(max_bytes)))}" '
        f'data-uploading="{T.e(T.UPLOADING)}" data-processing="{T.e(T.PROCESSING)}" '
        f'data-failed="{T.e(T.UPLOAD_NET)}">'
        f'<input type="hidden" name="csrf" value="{T.e(staff.csrf)}">'
        f'<label for="file">{T.e(T.UPLOAD_FILE.format(size=T.size(max_bytes)))}</label>'
        '<input id="file" name="file" type="file" accept=".csv,text/csv" required>'
        f'<button type="submit">{T.e(T.UPLOAD_BUTTON)}</button>'
        '<div id="progress" class="progress" hidden>'
        '<progress id="bar" max="100"></progress>'
        '<p id="progress-text" role="status" aria-live="polite"></p></div>'
        "</form>"
    )


async def _read_part(part: BodyPartReader, limit: int) -> bytes | None:
    """The part's bytes, or None when it is longer than `limit`."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk(64 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def read_upload(request: web.Request, limit: int) -> Upload:
    if not request.content_type.startswith("multipart/"):
        return Upload(None, None, False)
    try:
        return await _read_parts(request, limit)
    except (RequestPayloadError, ValueError, AssertionError):  # broken multipart: no form
        return Upload(None, None, False)


async def _read_parts(request: web.Request, limit: int) -> Upload:
    reader = await request.multipart()
    csrf: str | None = None
    data: bytes | None = None
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "csrf":
            raw = await _read_part(part, _FIELD_LIMIT)
            csrf = None if raw is None else raw.decode("utf-8", "replace")
        elif part.name == "file" and data is None:
            data = await _read_part(part, limit)
            if data is None:
                return Upload(csrf, None, True)
    return Upload(csrf, data, False)


async def upload_report(request: web.Request, staff: StaffMember) -> tuple[int, str]:
    """(HTTP status, page body) for a posted upload."""
    services = request.app[SERVICES]
    limit = services.settings.bulk_max_bytes
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        check_csrf(staff, header)
    upload = await read_upload(request, limit)
    if header is None:
        check_csrf(staff, upload.csrf)
    if upload.too_large:
        return 413, upload_form(staff, limit, T.UPLOAD_TOO_LARGE.format(size=T.size(limit)))
    if not upload.data:
        return 400, upload_form(staff, limit, T.UPLOAD_EMPTY)
    try:
        # It writes the access log itself: an entry per invitation (action "bulk.upload").
        result = await import_csv(services, staff.office, upload.data, actor=staff.actor)
    except BulkFileError as problem:
        # The file as a whole cannot be read (encoding, header, too many rows).
        status = 413 if problem.status == 413 else 400
        return status, upload_form(staff, limit, T.UPLOAD_BAD.format(reason=problem.message))
    rows = [
        ReportRow(r.row, r.reference or "", r.outcome.value, r.field or "", r.message or "")
        for r in result.rows
    ]
    outcomes = Counter(r.outcome for r in rows)
    return 200, report(rows, len(rows), outcomes) + upload_form(staff, limit)


def report(rows: list[ReportRow], total: int, outcomes: Counter[str]) -> str:
    summary = T.REPORT_SUMMARY.format(
        rows=total,
        created=outcomes["created"],
        existing=outcomes["existing"],
        error=outcomes["error"],
    )
    heads = (T.COL_ROW, T.COL_REFERENCE, T.COL_OUTCOME, T.COL_FIELD, T.COL_MESSAGE)
    head = "".join(f'<th scope="col">{T.e(h)}</th>' for h in heads)
    body = "".join(
        f'<tr class="o-{T.e(r.outcome)}" data-outcome="{T.e(r.outcome)}">'
        f'<th scope="row">{r.row}</th><td>{T.e(r.reference)}</td>'
        f"<td>{T.e(T.OUTCOME.get(r.outcome, r.outcome))}</td>"
        f"<td>{T.e(r.field)}</td><td>{T.e(T.redact(r.message) if r.message else '')}</td></tr>"
        for r in rows
    )
    return (
        '<section id="report" aria-labelledby="report-title">'
        f'<h2 id="report-title" tabindex="-1">{T.e(T.REPORT_TITLE)}</h2>'
        f'<p id="summary" role="status">{T.e(summary)}</p>'
        f'<div class="scroll"><table id="report-rows"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div></section>"
    )
