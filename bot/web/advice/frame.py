"""The inbox's HTML frame and the small pieces its pages share: a skip link, the
navigation (the views; "Overview" for service admins), the language switch and logout;
status and due times as words and badges, never by colour alone."""

from __future__ import annotations

from datetime import datetime
from typing import Final
from urllib.parse import urlencode

from aiohttp import web

from bot.cases import CaseNotFound, CaseRow, CaseStatus, View
from bot.staff import StaffMember, StaffRole
from bot.web.office.auth import html, require_any_staff, words_for
from bot.web.office.frame import e, language_switch
from bot.web.office.words import N_, NOTHING, Words

INBOX: Final = "/advice/inbox"
OVERVIEW: Final = "/advice/overview"
_CURRENT: Final = ' aria-current="page"'

STATUS: Final[dict[CaseStatus, str]] = {
    CaseStatus.NEW: N_("New"),
    CaseStatus.OPEN: N_("Open"),
    CaseStatus.WAITING: N_("Waiting for the person"),
    CaseStatus.RESOLVED: N_("Resolved"),
}
VIEWS: Final[dict[View, str]] = {
    View.MINE: N_("Mine"),
    View.UNASSIGNED: N_("Unassigned"),
    View.ALL: N_("All of my services"),
    View.DUE: N_("Due"),
}


async def require_advisor(request: web.Request) -> tuple[StaffMember, Words]:
    """An advisor's or service admin's session (anonymous: to the login). Office staff
    are sent to their own pages; whether a case may be seen is bot.cases' to decide."""
    staff = await require_any_staff(request)
    if staff.is_office:
        raise web.HTTPSeeOther(staff.home)
    return staff, words_for(request, staff)


def advice_page(
    request: web.Request, _: Words, staff: StaffMember, title: str, body: str,
    current: str = "", service: str | None = None, back: str | None = None,
) -> str:  # fmt: skip
    app, sections, log_out = _("Lotse – advisor inbox"), _("Sections"), _("Log out")
    skip, statement = _("Skip to the content"), _("Accessibility statement")
    # The views keep the one service chosen (the digest links to one service's lists).
    only = {} if service is None else {"service": service}
    links = [(f"{INBOX}?{urlencode({'view': view.value, **only})}", _(label))
             for view, label in VIEWS.items()]  # fmt: skip
    if staff.role is StaffRole.SERVICE_ADMIN:
        links.append((OVERVIEW, _("Overview")))
    items = "".join(
        f'<li><a href="{e(href)}"{_CURRENT if href == current else ""}>{e(label)}</a></li>'
        for href, label in links
    )
    if back is None:
        back = request.path_qs if request.method == "GET" else request.path
    return (
        f'<!doctype html>\n<html lang="{_.lang}" dir="{_.direction}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light">\n'
        f"<title>{e(title)} – {e(app)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="/static/office.css">\n'
        '<link rel="stylesheet" href="/static/advice.css">\n'
        "</head>\n<body>\n"
        f'<a class="skip" href="#main">{e(skip)}</a>\n'
        f'<header class="top"><p class="brand">{e(app)}</p>'
        f'<nav aria-label="{e(sections)}"><ul>{items}</ul></nav>'
        '<form method="post" action="/office/logout" class="logout">'
        f'<input type="hidden" name="csrf" value="{e(staff.csrf)}">'
        f'<button type="submit">{e(log_out)}</button></form>'
        f"{language_switch(_, staff.csrf, back)}</header>\n"
        f'<main id="main" tabindex="-1">\n<h1>{e(title)}</h1>\n{body}\n</main>\n'
        f'<footer class="foot"><a href="/accessibility?lang={_.lang}">{e(statement)}</a>'
        "</footer>\n</body>\n</html>\n"
    )


def not_found(request: web.Request, _: Words, staff: StaffMember) -> web.HTTPNotFound:
    """The one answer for an unknown id, another service's case, a withdrawn or expired
    hand-off: nothing in it tells them apart."""
    title = _("Case not found")
    text = _("There is no case with this number that you may see.")
    back = _("Back to the inbox")
    body = f'<p class="note" role="alert">{e(text)}</p><p><a href="{INBOX}">{e(back)}</a></p>'
    response = html(advice_page(request, _, staff, title, body, back=INBOX), status=404)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    return web.HTTPNotFound(text=response.text, content_type="text/html", headers=headers)


def case_id(request: web.Request) -> int:
    """The case number in the path; anything else is a case that does not exist."""
    raw = request.match_info.get("id", "")
    if not raw.isdigit() or len(raw) > 12:
        raise CaseNotFound(raw)
    return int(raw)


def status_badge(_: Words, status: CaseStatus) -> str:
    label = _(STATUS[status])
    return f'<span class="status c-{status.value}">{e(label)}</span>'


def language_cell(_: Words, row: CaseRow) -> str:
    shown = e(_.language(row.language))
    if not row.language_covered:
        flag = _("No advisor of the service reads it")
        shown += f' <span class="badge flag">⚑ {e(flag)}</span>'
    return shown


def due_cell(_: Words, row: CaseRow, now: datetime, timezone: str) -> str:
    """What is due next: a word badge for "overdue" and "paused", and the time."""
    if row.status is CaseStatus.RESOLVED:
        return NOTHING
    if row.status is CaseStatus.WAITING:
        paused = _("Paused (waiting for the person)")
        return f'<span class="badge paused">{e(paused)}</span>'
    due = row.due_at
    if due is None:
        return NOTHING
    if due <= now:
        overdue = _("Overdue")
        return f'<span class="badge overdue">⚠ {e(overdue)}</span> {_.when(due, timezone)}'
    return _.when(due, timezone)
