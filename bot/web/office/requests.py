"""The office's requests: what people sent to this office through Lotse, with their
deadlines; one request with what the person has proven; recording an extension or the
answer; the German letter for the office's file.

bot.rights reads and changes the requests and writes the access log (an entry per
request listed or opened, per change, per letter). A request of another office answers
exactly as one that does not exist. Forms carry the session's CSRF token (checked
before anything is looked up); the words are the staff domain's (`words`).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from aiohttp import web

from bot import holders
from bot.rights import (
    OfficeRequestDetail,
    Problem,
    incoming,
    office_letter,
    read_for_office,
    record_answer,
    record_extension,
)
from bot.runtime import Services
from bot.staff import StaffMember
from bot.web.keys import SERVICES
from bot.web.office import requests_html as show
from bot.web.office.auth import (
    checked_form,
    html,
    message_page,
    require_staff,
    staff_page,
    words_for,
)
from bot.web.office.frame import e
from bot.web.office.letters import attachment
from bot.web.office.words import Words

routes = web.RouteTableDef()
HERE: Final = "/office/requests"
#: A request id as the path carries it; anything else is "not found" like an unknown id.
_MAX_ID: Final = 10**15


def _id(request: web.Request) -> int | None:
    raw = request.match_info["request_id"]
    return int(raw) if raw.isdigit() and len(raw) < 16 and int(raw) < _MAX_ID else None


def _today(services: Services) -> date:
    """Today where the installation is (the clock's dates are local)."""
    return services.settings.local_date(services.clock())


def _not_found(_: Words, staff: StaffMember) -> web.Response:
    text = _("This request does not exist (or it was sent to another office).")
    return message_page(_, _("Not found"), text, 404, staff)


@routes.get(HERE)
async def request_list(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    _ = words_for(request, staff)
    wanted = request.query.get("show", "open")
    wanted = wanted if wanted in ("open", "done") else "open"
    number = request.query.get("page", "1")
    page = int(number) if number.isdigit() and 0 < len(number) < 7 else 1
    # It writes the access log itself: an entry per request listed.
    listing = await incoming(
        services.sessionmaker, holders.catalog(services.settings), office_id=staff.office_id,
        actor=staff.actor, now=services.clock(), settings=services.settings, show=wanted,
        page=page,
    )  # fmt: skip
    intro = _(
        "People can send their request to your office through Lotse. It counts as received "
        "that day; the answer is due one month later (Art. 12(3) GDPR)."
    )
    body = (
        f"<p>{e(intro)}</p>"
        + show.tabs(_, listing, wanted)
        + show.table(_, listing.requests)
        + show.pager(_, wanted, listing.page, listing.pages)
    )
    return html(staff_page(request, _, staff, _("Requests"), body, current=HERE))


def _detail_page(
    request: web.Request, _: Words, staff: StaffMember, found: OfficeRequestDetail,
    today: date, typed: show.Typed | None = None, saved: str = "", status: int = 200,
) -> web.Response:  # fmt: skip
    typed = typed or show.Typed()
    notice = ""
    if saved:
        notice = f'<p class="note" role="status" id="saved">{e(saved)}</p>'
    shown = {"extension": found.can_extend, "answer": show.answerable(found)}
    if typed.error and not shown.get(typed.form):
        # The form is gone (the first month ended, say): its problem is said at the top.
        notice = f'<p class="note error" role="alert" id="{typed.form}-error">{e(typed.error)}</p>'
    back = _("Back to the list")
    body = (
        f'{notice}<p><a href="{HERE}">{e(back)}</a></p>'
        + show.deadline(_, found)
        + show.content(_, found)
        + show.proven(_, found.proof)
        + show.letter_form(_, staff, found.request.request_id)
    )
    if found.can_extend:
        body += show.extension_form(_, staff, found, today, typed)
    if show.answerable(found):
        body += show.answer_form(_, staff, found, today, typed)
    title = _("Request {reference}").format(reference=found.request.reference)
    page = staff_page(request, _, staff, title, body, current=HERE)
    return html(page, status=status)


@routes.get(HERE + "/{request_id}")
async def request_detail(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    _ = words_for(request, staff)
    request_id = _id(request)
    # It writes the access log itself: one entry.
    found = None if request_id is None else await _read(services, staff, request_id)
    if found is None:
        return _not_found(_, staff)
    saved = {
        "extension": _("The extension is recorded. Lotse tells the person."),
        "answer": _("The answer is recorded. Lotse tells the person."),
    }.get(request.query.get("saved", ""), "")
    return _detail_page(request, _, staff, found, _today(services), saved=saved)


async def _read(
    services: Services, staff: StaffMember, request_id: int
) -> OfficeRequestDetail | None:
    return await read_for_office(
        services.sessionmaker, services.vault, holders.catalog(services.settings),
        office_id=staff.office_id, request_id=request_id, actor=staff.actor,
        now=services.clock(), settings=services.settings,
    )  # fmt: skip


def _problem(_: Words, problem: Problem, form: str) -> str:
    match problem:
        case Problem.DATE_FUTURE:
            return _("The date cannot be in the future.")
        case Problem.BEFORE_REQUEST:
            return _("The date cannot be before the request was received.")
        case Problem.LATE_EXTENSION:
            return _(
                "An extension is possible only within the first month after receipt. Please "
                "record the answer instead."
            )
        case Problem.NO_REASONS if form == "extension":
            return _("Please give the reasons for the extension.")
        case Problem.NO_REASONS:
            return _("Please give the reasons for a partial answer or a refusal.")
        case Problem.DATE_FORMAT:
            return _("Please enter the date.")
        case Problem.EMPTY:
            return _("Please choose what the answer gave.")
    return _("This is no longer possible for this request. Please reload the page.")


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


async def _recorded(
    request: web.Request, form_name: str, typed: show.Typed,
    result: OfficeRequestDetail | Problem | None, staff: StaffMember, _: Words,
) -> web.Response:  # fmt: skip
    services = request.app[SERVICES]
    request_id = _id(request)
    if result is None or request_id is None:
        return _not_found(_, staff)
    if isinstance(result, Problem):
        found = await _read(services, staff, request_id)
        if found is None:
            return _not_found(_, staff)
        typed = show.Typed(
            form_name, _problem(_, result, form_name), typed.on, typed.text, typed.outcome,
            typed.named,
        )  # fmt: skip
        return _detail_page(request, _, staff, found, _today(services), typed, status=422)
    raise web.HTTPSeeOther(f"{HERE}/{request_id}?saved={form_name}")


@routes.post(HERE + "/{request_id}/extension")
async def extension(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    form = await checked_form(request, staff)
    _ = words_for(request, staff)
    request_id = _id(request)
    typed = show.Typed("extension", on=form.get("on", "")[:20], text=form.get("reasons", ""))
    notified_on = _date(typed.on)
    result: OfficeRequestDetail | Problem | None
    if request_id is None:
        result = None
    elif notified_on is None:
        result = Problem.DATE_FORMAT
    else:
        result = await record_extension(
            services.sessionmaker, services.vault, holders.catalog(services.settings),
            office_id=staff.office_id, request_id=request_id, notified_on=notified_on,
            reasons=typed.text, actor=staff.actor, now=services.clock(),
            settings=services.settings,
        )  # fmt: skip
    return await _recorded(request, "extension", typed, result, staff, _)


@routes.post(HERE + "/{request_id}/answer")
async def answer(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    form = await checked_form(request, staff)
    _ = words_for(request, staff)
    request_id = _id(request)
    typed = show.Typed(
        "answer", on=form.get("on", "")[:20], text=form.get("note", ""),
        outcome=form.get("outcome", "")[:20], named=form.get("named", "")[:5],
    )  # fmt: skip
    on, outcome = _date(typed.on), show.outcome_of(typed.outcome)
    result: OfficeRequestDetail | Problem | None
    if request_id is None:
        result = None
    elif on is None:
        result = Problem.DATE_FORMAT
    elif outcome is None:
        result = Problem.EMPTY
    else:
        named = {"yes": True, "no": False}.get(typed.named)
        result = await record_answer(
            services.sessionmaker, services.vault, holders.catalog(services.settings),
            office_id=staff.office_id, request_id=request_id, on=on, outcome=outcome,
            recipients_named=named, note=typed.text, actor=staff.actor, now=services.clock(),
            settings=services.settings,
        )  # fmt: skip
    return await _recorded(request, "answer", typed, result, staff, _)


@routes.post(HERE + "/{request_id}/letter")
async def letter(request: web.Request) -> web.StreamResponse:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    await checked_form(request, staff)
    _ = words_for(request, staff)
    request_id = _id(request)
    # It writes the access log itself: one entry.
    made = None if request_id is None else await office_letter(
        services.sessionmaker, services.vault, holders.catalog(services.settings),
        services.catalogs["de"], office_id=staff.office_id, request_id=request_id,
        actor=staff.actor, now=services.clock(),
    )  # fmt: skip
    if made is None:
        return _not_found(_, staff)
    filename, content = made
    return attachment(content, filename)
