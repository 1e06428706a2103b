"""The office page's letters: how many wait for print, the download that hands them to
print as one batch, and earlier batches to download again. Every view writes the access log.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import log_access
from bot.db.models import Invitation, Letter
from bot.invitations import (
    BatchSummary,
    LetterStatus,
    NothingToPrint,
    UnknownBatch,
    export_for_office,
    recent_batches,
    reprint_for_office,
)
from bot.web.keys import SERVICES
from bot.web.office import auth as office_auth
from bot.web.office import text as T
from bot.web.office.auth import (
    Staff,
    checked_form,
    csrf_field,
    html,
    message_page,
    require_staff,
    staff_office,
    staff_page,
)

routes = web.RouteTableDef()


async def _pending_letters(session: AsyncSession, office_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Letter)
        .join(Invitation, Invitation.id == Letter.invitation_id)
        .where(Invitation.office_id == office_id, Letter.status == LetterStatus.PENDING.value)
    )
    return count or 0


@routes.get("/office/letters")
async def letters(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    async with services.sessionmaker() as session, session.begin():
        pending = await _pending_letters(session, staff.office_id)
        batches = await _recent_batches(session, staff.office_id)
        await log_access(
            session,
            actor=staff.actor,
            action="office.letters",
            office_id=staff.office_id,
            detail=f"pending={pending}",
            at=services.clock(),
        )
    if pending == 0:
        body = f'<p class="note" id="letters">{T.e(T.LETTERS_NONE)}</p>'
    else:
        # A POST (with the CSRF token): the download hands the letters to print.
        body = (
            f'<p id="letters">{T.e(T.LETTERS_PENDING.format(count=pending))}</p>'
            f"<p>{T.e(T.LETTERS_HELP)}</p>"
            '<form method="post" action="/office/letters/download">'
            f"{csrf_field(staff)}"
            f'<button type="submit">{T.e(T.LETTERS_DOWNLOAD)}</button></form>'
        )
    body += _batches(staff, batches, services.settings.timezone)
    return html(staff_page(staff, T.LETTERS_TITLE, body, current="/office/letters"))


async def _recent_batches(session: AsyncSession, office_id: int) -> list[BatchSummary]:
    return await recent_batches(session, office_id)


def _batches(staff: Staff, batches: Sequence[BatchSummary], timezone: str) -> str:
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
    office = await staff_office(services, staff)
    try:
        # It writes the access log row itself (action "letters.export", this actor).
        content, filename = await export_for_office(
            services, office, services.clock(), actor=staff.actor
        )
    except NothingToPrint:
        return message_page(T.LETTERS_TITLE, T.LETTERS_NONE, 409, staff)
    return _attachment(content, filename)


@routes.post("/office/letters/reprint")
async def letters_reprint(request: web.Request) -> web.StreamResponse:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    form = await checked_form(request, staff)
    office = await staff_office(services, staff)
    try:
        # It writes the access log row itself (action "letters.reprint", this actor).
        content, filename = await reprint_for_office(
            services, office, form.get("batch", "")[:40], services.clock(), actor=staff.actor
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
