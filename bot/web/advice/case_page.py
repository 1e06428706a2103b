"""One case: what the person shared (only that), the hand-off's expiry, the thread with
each message's original beside its rendering and the rendering's provenance, internal
notes, assignment, status and the reply form (free text, or a canned reply previewed in
the person's language). Each look or action is one access-log entry, written by
bot.cases; a POST without the session's CSRF token is refused before anything else."""

from __future__ import annotations

from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.cases import (
    CaseDetail,
    CaseNotFound,
    CaseStatus,
    MissingValue,
    add_note,
    assign,
    colleagues,
    open_case,
    reply,
    set_status,
)
from bot.cases import Field as Shared
from bot.web.advice.frame import (
    STATUS,
    advice_page,
    case_id,
    due_cell,
    language_cell,
    not_found,
    require_advisor,
    status_badge,
)
from bot.web.advice.thread import canned_choice, thread
from bot.web.keys import SERVICES
from bot.web.office.auth import checked_form, html, require_any_staff, words_for
from bot.web.office.frame import e
from bot.web.office.words import N_, NOTHING, Words

routes = web.RouteTableDef()

FIELDS: Final[dict[Shared, str]] = {
    Shared.FIRST_NAME: N_("First name"),
    Shared.LANGUAGE: N_("Language"),
    Shared.CHANNEL: N_("Preferred channel"),
    Shared.TOPIC: N_("Topic"),
    Shared.DESCRIPTION: N_("Description in their own words"),
    Shared.REFERENCE: N_("Reference of the office's invitation"),
    Shared.HISTORY: N_("Summaries of earlier hand-offs"),
}
#: What an action's redirect may report back (?done=…, ?error=…).
DONE: Final = {
    "note": N_("The note was added."),
    "assign": N_("The assignment was changed."),
    "status": N_("The status was changed."),
    "reply": N_("Your reply was saved; it is translated and sent to the person."),
}
ERRORS: Final = {
    "empty": N_("Please write something first."),
    "canned": N_("This canned reply cannot be used for this case (a value it needs is "
                 "missing, or it has no version in the person's language)."),
}  # fmt: skip
#: The statuses an advisor may set (a case is new only until someone takes it).
SETTABLE: Final = (CaseStatus.OPEN, CaseStatus.WAITING, CaseStatus.RESOLVED)


@routes.get("/advice/cases/{id}")
async def case_view(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff, _ = await require_advisor(request)
    now = services.clock()
    try:
        number = case_id(request)
        async with services.sessionmaker() as session, session.begin():
            detail = await open_case(session, services.vault, staff.user_id, number, now)
            team = await colleagues(session, staff.user_id, detail.row.service_id)
    except CaseNotFound:
        raise not_found(request, _, staff) from None
    names = dict(team)
    body = (
        _notice(_, request)
        + _facts(_, detail, names, now, services.settings.timezone)
        + _shared(_, detail)
        + thread(_, detail, names, services.settings.timezone)
        + _reply_form(_, staff.csrf, detail, canned_choice(_, services.canned, detail,
                                                           names.get(staff.user_id)))
        + '<div class="casework">'
        + _assign_form(_, staff.csrf, detail, staff.user_id, team)
        + _status_form(_, staff.csrf, detail)
        + _notes(_, staff.csrf, detail, names, services.settings.timezone)
        + "</div>"
    )  # fmt: skip
    number_label = _("Case")
    title = f"{number_label} {detail.row.id}"
    return html(advice_page(request, _, staff, title, body))


def _notice(_: Words, request: web.Request) -> str:
    done, error = request.query.get("done", ""), request.query.get("error", "")
    if error in ERRORS:
        text = _(ERRORS[error])
        return f'<p class="note error" role="alert">{e(text)}</p>'
    if done in DONE:
        text = _(DONE[done])
        return f'<p class="note" role="status">{e(text)}</p>'
    return ""


def _facts(_: Words, detail: CaseDetail, names: dict[int, str], now: datetime,
           timezone: str) -> str:  # fmt: skip
    row = detail.row
    nobody = _("Nobody")
    assigned = names.get(row.assigned_to, NOTHING) if row.assigned_to else nobody
    items = (
        (_("Service"), e(row.service_name)),
        (_("Status"), status_badge(_, row.status)),
        (_("Language"), language_cell(_, row)),
        (_("Topic"), e(row.topic or NOTHING)),
        (_("Received"), _.when(row.created_at, timezone)),
        (_("Due"), due_cell(_, row, now, timezone)),
        (_("Assigned to"), e(assigned)),
        (_("The hand-off ends"), _.when(detail.expires_at, timezone)),
    )
    cells = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in items)
    return f'<dl class="facts">{cells}</dl>'


def _shared(_: Words, detail: CaseDetail) -> str:
    heading = _("What the person chose to share")
    labels = {field: _(FIELDS[field]) for field in detail.fields}
    items = "".join(
        f"<dt>{e(labels[field])}</dt><dd>{e(detail.shared.get(field, NOTHING))}</dd>"
        for field in detail.fields
    )
    shared = f'<dl class="facts">{items}</dl>' if items else ""
    if detail.special_consent:
        consent = _(
            "The person explicitly consented to sharing their description, which may "
            "contain special categories of personal data (GDPR Art. 9(2)(a))."
        )
        shared += f'<p class="note">{e(consent)}</p>'
    if detail.history_from is not None:
        earlier = _("With the person's consent, the summary of an earlier case travels "
                    "with this one: case")  # fmt: skip
        shared += f"<p>{e(earlier)} {detail.history_from}</p>"
    return f'<section aria-labelledby="shared"><h2 id="shared">{e(heading)}</h2>{shared}</section>'


def _reply_form(_: Words, csrf: str, detail: CaseDetail, choice: str) -> str:
    heading, label = _("Reply to the person"), _("Your reply in German")
    hint = _("It is translated by machine for the person and marked as such.")
    send = _("Send reply")
    if detail.row.status is CaseStatus.RESOLVED:
        closed = _("The case is resolved. Reopen it to reply.")
        return (f'<section aria-labelledby="reply"><h2 id="reply">{e(heading)}</h2>'
                f'<p class="note">{e(closed)}</p></section>')  # fmt: skip
    return (
        f'<section aria-labelledby="reply"><h2 id="reply">{e(heading)}</h2>'
        f'<form method="post" action="/advice/cases/{detail.row.id}/reply" class="reply">'
        f"{_csrf(csrf)}{choice}"
        f'<label for="reply-text">{e(label)}</label>'
        f'<textarea id="reply-text" name="text" maxlength="4000" '
        f'aria-describedby="reply-hint"></textarea>'
        f'<p id="reply-hint" class="hint">{e(hint)}</p>'
        f'<button type="submit">{e(send)}</button></form></section>'
    )


def _assign_form(_: Words, csrf: str, detail: CaseDetail, me: int,
                 team: list[tuple[int, str]]) -> str:  # fmt: skip
    heading, label, save = _("Assignment"), _("Assign to"), _("Assign")
    options = [("me", _("Me")), *((str(uid), email) for uid, email in team if uid != me),
               ("", _("Nobody"))]  # fmt: skip
    current = "me" if detail.row.assigned_to == me else str(detail.row.assigned_to or "")
    shown = "".join(
        f'<option value="{e(v)}"{" selected" if v == current else ""}>{e(t)}</option>'
        for v, t in options
    )
    return (
        f'<form method="post" action="/advice/cases/{detail.row.id}/assign">'
        f"<h2>{e(heading)}</h2>{_csrf(csrf)}"
        f'<label for="assign-to">{e(label)}</label>'
        f'<select id="assign-to" name="to">{shown}</select>'
        f'<button type="submit">{e(save)}</button></form>'
    )


def _status_form(_: Words, csrf: str, detail: CaseDetail) -> str:
    heading, label, save = _("Status"), _("New status"), _("Change status")
    labels = {status: _(STATUS[status]) for status in SETTABLE}
    shown = "".join(
        f'<option value="{s.value}"{" selected" if s is detail.row.status else ""}>'
        f"{e(labels[s])}</option>"
        for s in SETTABLE
    )
    return (
        f'<form method="post" action="/advice/cases/{detail.row.id}/status">'
        f"<h2>{e(heading)}</h2>{_csrf(csrf)}"
        f'<label for="status">{e(label)}</label>'
        f'<select id="status" name="status">{shown}</select>'
        f'<button type="submit">{e(save)}</button></form>'
    )


def _notes(_: Words, csrf: str, detail: CaseDetail, names: dict[int, str],
           timezone: str) -> str:  # fmt: skip
    heading, label, add = _("Internal notes"), _("New note"), _("Add note")
    hint = _("Only the advisors of this service read notes; the person never sees them.")
    unknown = _("A former colleague")
    items = "".join(
        f"<li><p>{e(note.body)}</p><small>"
        f"{e(names.get(note.author_id, unknown) if note.author_id else unknown)}, "
        f"{_.when(note.created_at, timezone)}</small></li>"
        for note in detail.notes
    )
    listed = f'<ol class="notes">{items}</ol>' if items else ""
    return (
        f'<section aria-labelledby="notes"><h2 id="notes">{e(heading)}</h2>{listed}'
        f'<form method="post" action="/advice/cases/{detail.row.id}/note">{_csrf(csrf)}'
        f'<label for="note">{e(label)}</label>'
        f'<textarea id="note" name="body" maxlength="4000" required '
        f'aria-describedby="note-hint"></textarea>'
        f'<p id="note-hint" class="hint">{e(hint)}</p>'
        f'<button type="submit">{e(add)}</button></form></section>'
    )


def _csrf(token: str) -> str:
    return f'<input type="hidden" name="csrf" value="{e(token)}">'


# ---------------------------------------------------------------- actions


async def _act(request: web.Request) -> tuple[dict[str, str], int, int]:
    """The CSRF check first (anonymous: the login), then the case number; the staff
    member's id. Whether the case may be touched is bot.cases' to decide."""
    staff = await require_any_staff(request)
    form = await checked_form(request, staff)
    try:
        return form, case_id(request), staff.user_id
    except CaseNotFound:
        raise await _refused(request) from None


async def _refused(request: web.Request) -> web.HTTPException:
    staff = await require_any_staff(request)
    if staff.is_office:
        return web.HTTPSeeOther(staff.home)
    return not_found(request, words_for(request, staff), staff)


def _back(number: int, **query: str) -> web.HTTPSeeOther:
    shown = "&".join(f"{k}={v}" for k, v in query.items())
    return web.HTTPSeeOther(f"/advice/cases/{number}?{shown}#main")


@routes.post("/advice/cases/{id}/note")
async def note(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    form, number, user_id = await _act(request)
    try:
        async with services.sessionmaker() as session, session.begin():
            await add_note(session, services.vault, user_id, number, form.get("body", ""),
                           services.clock())  # fmt: skip
    except CaseNotFound:
        raise await _refused(request) from None
    except ValueError:
        raise _back(number, error="empty") from None
    raise _back(number, done="note")


@routes.post("/advice/cases/{id}/assign")
async def assign_to(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    form, number, user_id = await _act(request)
    chosen = form.get("to", "")
    to = (
        user_id
        if chosen == "me"
        else int(chosen)
        if chosen.isdigit() and len(chosen) < 12
        else None
    )
    try:
        async with services.sessionmaker() as session, session.begin():
            await assign(session, user_id, number, to, services.clock())
    except CaseNotFound:
        raise await _refused(request) from None
    raise _back(number, done="assign")


@routes.post("/advice/cases/{id}/status")
async def change_status(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    form, number, user_id = await _act(request)
    chosen = {s.value: s for s in SETTABLE}.get(form.get("status", ""))
    if chosen is None:
        raise web.HTTPBadRequest(text="unknown status")
    try:
        async with services.sessionmaker() as session, session.begin():
            await set_status(session, user_id, number, chosen, services.clock(),
                             case_days=services.settings.case_days)  # fmt: skip
    except CaseNotFound:
        raise await _refused(request) from None
    raise _back(number, done="status")


@routes.post("/advice/cases/{id}/reply")
async def send_reply(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    form, number, user_id = await _act(request)
    code = form.get("canned") or None
    when = _local(form.get("date", ""), services.settings.timezone)
    try:
        async with services.sessionmaker() as session, session.begin():
            await reply(session, services.vault, user_id, number, form.get("text", ""),
                        services.clock(), canned=code, replies=services.canned,
                        values={"date": when} if when else None)  # fmt: skip
    except CaseNotFound:
        raise await _refused(request) from None
    except MissingValue:
        raise _back(number, error="canned") from None
    except ValueError:
        raise _back(number, error="canned" if code else "empty") from None
    raise _back(number, done="reply")


def _local(value: str, timezone: str) -> datetime | None:
    """A date and time from the form (the installation's local time), or None."""
    try:
        given = datetime.fromisoformat(value[:16])
    except ValueError:
        return None
    return given.replace(tzinfo=ZoneInfo(timezone)) if given.tzinfo is None else None
