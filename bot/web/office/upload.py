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
from bot.web.office.auth import CSRF_HEADER, check_csrf
from bot.web.office.frame import e, redact
from bot.web.office.words import Words

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


def too_large(_: Words, max_bytes: int) -> str:
    return _("The file is larger than {size}. Please split it.").format(size=_.size(max_bytes))


def upload_form(_: Words, staff: StaffMember, max_bytes: int, error: str = "") -> str:
    alert = f'<p class="note error" role="alert" id="upload-error">{e(error)}</p>' if error else ""
    help_text = _(
        "One row per person. After the upload you see for each row whether the invitation "
        "was created, was already there, or which value is wrong."
    )
    uploading, processing = _("Uploading the file …"), _("The file is uploaded and processed …")
    failed = _("The upload failed. Please try again.")
    label = _("CSV file (UTF-8, at most {size})").format(size=_.size(max_bytes))
    button = _("Upload and check")
    return (
        f"{alert}<p>{e(help_text)}</p>"
        '<form method="post" action="/office/upload" enctype="multipart/form-data" '
        f'id="upload" class="upload" data-max="{max_bytes}" '
        f'data-too-large="{e(too_large(_, max_bytes))}" '
        f'data-uploading="{e(uploading)}" data-processing="{e(processing)}" '
        f'data-failed="{e(failed)}">'
        f'<input type="hidden" name="csrf" value="{e(staff.csrf)}">'
        f'<label for="file">{e(label)}</label>'
        '<input id="file" name="file" type="file" accept=".csv,text/csv" required>'
        f'<button type="submit">{e(button)}</button>'
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


async def upload_report(request: web.Request, _: Words, staff: StaffMember) -> tuple[int, str]:
    """(HTTP status, page body) for a posted upload."""
    services = request.app[SERVICES]
    limit = services.settings.bulk_max_bytes
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        check_csrf(_, staff, header)
    upload = await read_upload(request, limit)
    if header is None:
        check_csrf(_, staff, upload.csrf)
    if upload.too_large:
        return 413, upload_form(_, staff, limit, too_large(_, limit))
    if not upload.data:
        return 400, upload_form(_, staff, limit, _("Please choose a CSV file."))
    try:
        # It writes the access log itself: an entry per invitation (action "bulk.upload").
        result = await import_csv(services, staff.office, upload.data, actor=staff.actor)
    except BulkFileError as problem:
        # The file as a whole cannot be read (encoding, header, too many rows).
        status = 413 if problem.status == 413 else 400
        unreadable = _("The file could not be read: {reason}").format(reason=problem.message)
        return status, upload_form(_, staff, limit, unreadable)
    rows = [
        ReportRow(r.row, r.reference or "", r.outcome.value, r.field or "", r.message or "")
        for r in result.rows
    ]
    outcomes = Counter(r.outcome for r in rows)
    return 200, report(_, rows, len(rows), outcomes) + upload_form(_, staff, limit)


def summary(_: Words, total: int, outcomes: Counter[str]) -> str:
    pattern = _.ngettext(
        "{rows} row: {created} created, {existing} already there, {error} with an error.",
        "{rows} rows: {created} created, {existing} already there, {error} with an error.",
        total,
    )
    counts = {k: _.number(outcomes[k]) for k in ("created", "existing", "error")}
    return pattern.format(rows=_.number(total), **counts)


def report(_: Words, rows: list[ReportRow], total: int, outcomes: Counter[str]) -> str:
    heads = (_("Row"), _("File number"), _("Result"), _("Field"), _("Note"))
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    body = "".join(
        f'<tr class="o-{e(r.outcome)}" data-outcome="{e(r.outcome)}">'
        f'<th scope="row">{r.row}</th><td>{e(r.reference)}</td>'
        f"<td>{e(_.outcome(r.outcome))}</td>"
        f"<td>{e(r.field)}</td><td>{e(redact(_, r.message) if r.message else '')}</td></tr>"
        for r in rows
    )
    title = _("Result per row")
    return (
        '<section id="report" aria-labelledby="report-title">'
        f'<h2 id="report-title" tabindex="-1">{e(title)}</h2>'
        f'<p id="summary" role="status">{e(summary(_, total, outcomes))}</p>'
        f'<div class="scroll"><table id="report-rows"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div></section>"
    )
