"""The office page's letters: how many wait for print, the download that hands them to
print as one batch, and earlier batches to download again. Downloads write the access log.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aiohttp import web

from bot.invitations import (
    BatchSummary,
    NothingToPrint,
    UnknownBatch,
    export_for_office,
    print_overview,
    reprint_for_office,
)
from bot.staff import StaffMember
from bot.web.keys import SERVICES
from bot.web.office import auth as office_auth
from bot.web.office import text as T
from bot.web.office.auth import (
    checked_form,
    csrf_field,
    html,
    message_page,
    require_staff,
    staff_page,
)

routes = web.RouteTableDef()


@routes.get("/office/letters")
async def letters(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    # Counts and batch ids only, no one's data: nothing for the access log.
    overview = await print_overview(services.sessionmaker, staff.office_id)
    if overview.pending == 0:
        body = f'<p class="note" id="letters">{T.e(T.LETTERS_NONE)}</p>'
    else:
        # A POST (with the CSRF token): the download hands the letters to print.
        body = (
            f'<p id="letters">{T.e(T.LETTERS_PENDING.format(count=overview.pending))}</p>'
            f"<p>{T.e(T.LETTERS_HELP)}</p>"
            '<form method="post" action="/office/letters/download">'
            f"{csrf_field(staff)}"
            f'<button type="submit">{T.e(T.LETTERS_DOWNLOAD)}</button></form>'
        )
    body += _batches(staff, overview.batches, services.settings.timezone)
    return html(staff_page(staff, T.LETTERS_TITLE, body, current="/office/letters"))


def _batches(staff: StaffMember, batches: Sequence[BatchSummary], timezone: str) -> str:
    if not batches:
        return ""
    heads = (T.COL_BATCH, T.COL_PRINTED, T.COL_LETTERS, T.COL_PAGES, "")
    head = "".join(f'<th scope="col">{T.e(h)}</th>' for h in heads)
    rows = "".join(
        f'<tr><th scope="row">{T.e(b.batch_id)}</th><td>{T.when(b.printed_at, timezone)}</td>'
        f"<td>{b.letters}</td><td>{b.pages}</td><td>"
        '<form method="post" action="/office/letters/reprint">'
        f'{csrf_field(staff)}<input type="hidden" name="batch" value="{T.e(b.batch_id)}">'
        f'<button type="submit">{T.e(T.BATCH_AGAIN)}</button></form></td></tr>'
        for b in batches
    )
    return (
        f"<h2>{T.e(T.BATCHES_TITLE)}</h2><p>{T.e(T.BATCHES_HELP)}</p>"
        f'<div class="scroll"><table id="batches"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


@routes.post("/office/letters/download")
async def letters_download(request: web.Request) -> web.StreamResponse:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    await checked_form(request, staff)
    try:
        # It writes the access log itself: an entry per letter (action "letters.export").
        content, filename = await export_for_office(
            services, staff.office, services.clock(), actor=staff.actor
        )
    except NothingToPrint:
        return message_page(T.LETTERS_TITLE, T.LETTERS_NONE, 409, staff)
    return _attachment(content, filename)


@routes.post("/office/letters/reprint")
async def letters_reprint(request: web.Request) -> web.StreamResponse:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    form = await checked_form(request, staff)
    try:
        # It writes the access log itself: an entry per letter (action "letters.reprint").
        content, filename = await reprint_for_office(
            services, staff.office, form.get("batch", "")[:40], services.clock(), actor=staff.actor
        )
    except UnknownBatch:
        return message_page(T.LETTERS_TITLE, T.BATCH_UNKNOWN, 404, staff)
    except NothingToPrint:
        return message_page(T.LETTERS_TITLE, T.BATCH_GONE, 410, staff)
    return _attachment(content, filename)


def _attachment(content: bytes, filename: str) -> web.Response:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)[:100] or "lotse-briefe"
    kinds = {".zip": "application/zip", ".pdf": "application/pdf"}
    kind = next((v for k, v in kinds.items() if safe.lower().endswith(k)), None)
    response = web.Response(body=content, content_type=kind or "application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = office_auth.CSP
    return response
