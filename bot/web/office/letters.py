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
from bot.web.office.auth import (
    checked_form,
    csrf_field,
    html,
    message_page,
    require_staff,
    staff_page,
    words_for,
)
from bot.web.office.frame import e
from bot.web.office.words import Words

routes = web.RouteTableDef()


@routes.get("/office/letters")
async def letters(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    _ = words_for(request, staff)
    # Counts and batch ids only, no one's data: nothing for the access log.
    overview = await print_overview(services.sessionmaker, staff.office_id)
    if overview.pending == 0:
        body = f'<p class="note" id="letters">{e(_no_letters(_))}</p>'
    else:
        pending = _("Letters waiting for print: {count}").format(count=_.number(overview.pending))
        help_text = _(
            "The print file holds all waiting letters of your office. After the download "
            "they count as printed; please print the file at once and then delete it."
        )
        download = _("Download the print file")
        # A POST (with the CSRF token): the download hands the letters to print.
        body = (
            f'<p id="letters">{e(pending)}</p><p>{e(help_text)}</p>'
            '<form method="post" action="/office/letters/download">'
            f"{csrf_field(staff)}"
            f'<button type="submit">{e(download)}</button></form>'
        )
    body += _batches(_, staff, overview.batches, services.settings.timezone)
    page = staff_page(request, _, staff, _letters_title(_), body, current="/office/letters")
    return html(page)


def _letters_title(_: Words) -> str:
    return _("Print letters")


def _no_letters(_: Words) -> str:
    return _("No letters are waiting for print at the moment.")


def _batches(_: Words, staff: StaffMember, batches: Sequence[BatchSummary], timezone: str) -> str:
    if not batches:
        return ""
    heads = (_("Print file"), _("Made"), _("Letters"), _("Pages"))
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    # The last column's buttons name themselves; its header says what the column holds.
    action = _("Action")
    head += f'<th scope="col"><span class="visually-hidden">{e(action)}</span></th>'
    again = _("Download again")
    rows = "".join(
        f'<tr><th scope="row">{e(b.batch_id)}</th><td>{_.when(b.printed_at, timezone)}</td>'
        f"<td>{_.number(b.letters)}</td><td>{_.number(b.pages)}</td><td>"
        '<form method="post" action="/office/letters/reprint">'
        f'{csrf_field(staff)}<input type="hidden" name="batch" value="{e(b.batch_id)}">'
        f'<button type="submit">{e(again)}</button></form></td></tr>'
        for b in batches
    )
    title = _("Earlier print files")
    help_text = _(
        "If a print file was lost, it can be made again, with the letters whose invitation "
        "is still open. Closed invitations no longer have an address."
    )
    return (
        f"<h2>{e(title)}</h2><p>{e(help_text)}</p>"
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
        _ = words_for(request, staff)
        return message_page(_, _letters_title(_), _no_letters(_), 409, staff)
    return attachment(content, filename)


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
        _ = words_for(request, staff)
        unknown = _("This print file does not exist for your office.")
        return message_page(_, _letters_title(_), unknown, 404, staff)
    except NothingToPrint:
        _ = words_for(request, staff)
        gone = _(
            "None of these letters can be made again: the invitations are closed and the "
            "addresses deleted."
        )
        return message_page(_, _letters_title(_), gone, 410, staff)
    return attachment(content, filename)


def attachment(content: bytes, filename: str) -> web.Response:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)[:100] or "lotse-briefe"
    kinds = {".zip": "application/zip", ".pdf": "application/pdf"}
    kind = next((v for k, v in kinds.items() if safe.lower().endswith(k)), None)
    response = web.Response(body=content, content_type=kind or "application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = office_auth.CSP
    return response
