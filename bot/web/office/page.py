"""The office web page: an office's invitations with counts and filters, one
invitation's timeline, and CSV upload with a per-row report (print batches: `letters`).

Staff see only their own office's invitations, and never contact details (phone,
address, names): reference, status, channel, times and code. `bot.invitations` reads
them and writes the access log, an entry per invitation shown. Login, sessions and
CSRF are in `office_auth`; the words and the frame in `office_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

from aiohttp import web

from bot.invitations import (
    Event,
    InvitationStatus,
    OfficeInvitation,
    list_for_office,
    read_for_office,
)
from bot.web.keys import SERVICES
from bot.web.office import auth as office_auth
from bot.web.office import text as T
from bot.web.office.auth import (
    html,
    message_page,
    require_staff,
    staff_page,
)
from bot.web.office.letters import routes as letter_routes
from bot.web.office.upload import upload_form, upload_report

routes = web.RouteTableDef()
PAGE_SIZE: Final = 50
_CURRENT: Final = ' aria-current="true"'


def setup(app: web.Application) -> None:
    """Adds the office pages to the app."""
    app.add_routes(office_auth.routes)
    app.add_routes(routes)
    app.add_routes(letter_routes)


def _channel(invitation: OfficeInvitation) -> str:
    if invitation.sent_via is None:
        return T.NOTHING
    shown = T.e(T.CHANNEL.get(invitation.sent_via, invitation.sent_via))
    if invitation.sent_note:
        shown += f"<br><small>{T.e(T.redact(invitation.sent_note))}</small>"
    return shown


def _status(status: str) -> str:
    return f'<span class="status s-{T.e(status)}">{T.e(T.STATUS.get(status, status))}</span>'


# ---------------------------------------------------------------- list


@dataclass(frozen=True, slots=True)
class Filter:
    status: str | None
    query: str
    page: int

    @classmethod
    def parse(cls, request: web.Request) -> Filter:
        status = request.query.get("status") or None
        if status not in {s.value for s in InvitationStatus}:
            status = None
        query = request.query.get("q", "").strip()[:100]
        number = request.query.get("page", "1")
        return cls(status, query, int(number) if number.isdigit() and 0 < len(number) < 7 else 1)

    def link(self, **changes: Any) -> str:
        params = {"status": self.status, "q": self.query, "page": self.page} | changes
        kept = {k: v for k, v in params.items() if v and not (k == "page" and v == 1)}
        return "/office" + (f"?{urlencode(kept)}" if kept else "")


@routes.get("/office")
async def invitation_list(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    wanted = Filter.parse(request)
    # It writes the access log itself: an entry per invitation shown.
    listing = await list_for_office(
        services, staff.office_id, staff.actor, services.clock(),
        status=wanted.status, reference=wanted.query, page=wanted.page, size=PAGE_SIZE,
    )  # fmt: skip
    shown = Filter(wanted.status, wanted.query, listing.page)
    body = (
        _counts_nav(shown, listing.counts)
        + _search_form(shown)
        + _table(listing.invitations, services.settings.timezone)
        + _pager(shown, listing.page, listing.pages, listing.total)
    )
    return html(staff_page(staff, T.LIST_TITLE, body, current="/office"))


def _counts_nav(shown: Filter, counts: dict[str, int]) -> str:
    items: list[tuple[str | None, str, int]] = [(None, T.ALL, sum(counts.values()))]
    items += [(status, T.STATUS[status], count) for status, count in counts.items()]
    links = "".join(
        f'<li><a href="{T.e(shown.link(status=status, page=1))}" data-status="{status or "all"}"'
        f"{_CURRENT if status == shown.status else ''}>"
        f'{T.e(label)} <span class="count">{count}</span></a></li>'
        for status, label, count in items
    )
    return f'<nav class="counts" aria-label="{T.e(T.COUNTS_LABEL)}"><ul>{links}</ul></nav>'


def _search_form(shown: Filter) -> str:
    status = (
        f'<input type="hidden" name="status" value="{T.e(shown.status)}">' if shown.status else ""
    )
    reset = f'<a href="/office">{T.e(T.RESET)}</a>' if shown.query or shown.status else ""
    return (
        '<form method="get" action="/office" class="search" role="search">'
        f'{status}<label for="q">{T.e(T.SEARCH)}</label>'
        f'<input id="q" name="q" type="search" value="{T.e(shown.query)}" maxlength="100">'
        f'<button type="submit">{T.e(T.SEARCH_BUTTON)}</button>{reset}</form>'
    )


def _table(rows: Sequence[OfficeInvitation], timezone: str) -> str:
    if not rows:
        return f'<p class="note" id="empty">{T.e(T.NONE_FOUND)}</p>'
    heads = (T.COL_REFERENCE, T.COL_STATUS, T.COL_LANGUAGE, T.COL_CHANNEL, T.COL_CREATED,
             T.COL_SENT, T.COL_DELIVERED, T.COL_CLOSED, T.COL_CODE)  # fmt: skip
    head = "".join(f'<th scope="col">{T.e(h)}</th>' for h in heads)
    body = "".join(
        f'<tr data-status="{T.e(i.status)}">'
        f'<th scope="row"><a href="/office/invitations/{T.e(i.public_id)}">'
        f"{T.e(i.reference)}</a></th>"
        f"<td>{_status(i.status)}</td><td>{T.e(i.language)}</td><td>{_channel(i)}</td>"
        f"<td>{T.when(i.created_at, timezone)}</td><td>{T.when(i.sent_at, timezone)}</td>"
        f"<td>{T.when(i.delivered_at, timezone)}</td><td>{T.when(i.closed_at, timezone)}</td>"
        f'<td class="code">{T.e(i.code)}</td></tr>'
        for i in rows
    )
    return (
        f'<div class="scroll"><table id="invitations"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _pager(shown: Filter, number: int, pages: int, total: int) -> str:
    text = T.e(T.PAGE_OF.format(page=number, pages=pages, total=total))
    links = ""
    if number > 1:
        links += f'<a rel="prev" href="{T.e(shown.link(page=number - 1))}">{T.e(T.PREVIOUS)}</a>'
    if number < pages:
        links += f'<a rel="next" href="{T.e(shown.link(page=number + 1))}">{T.e(T.NEXT)}</a>'
    return f'<nav class="pager" aria-label="{T.e(T.PAGES_LABEL)}"><p>{text}</p>{links}</nav>'


# ---------------------------------------------------------------- one invitation


@routes.get("/office/invitations/{public_id}")
async def invitation_detail(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    # It writes the access log itself: one entry.
    found = await read_for_office(
        services, staff.office_id, request.match_info["public_id"], staff.actor, services.clock()
    )
    if found is None:
        return message_page(T.NOT_FOUND_TITLE, T.NOT_FOUND, 404, staff)
    invitation, events = found
    timezone = services.settings.timezone
    title = T.DETAIL_TITLE.format(reference=invitation.reference)
    body = (
        f'<p><a href="/office">{T.e(T.BACK)}</a></p>'
        + _facts(invitation, timezone)
        + _timeline(events, timezone)
    )
    return html(staff_page(staff, title, body))


def _facts(i: OfficeInvitation, timezone: str) -> str:
    channels = ", ".join(T.CHANNEL.get(c, c) for c in i.channels) or T.NOTHING
    facts = [
        (T.COL_STATUS, _status(i.status)),
        (T.COL_CODE, f'<span class="code">{T.e(i.code)}</span>'),
        (T.COL_LANGUAGE, T.e(i.language)),
        (T.CHANNELS, T.e(channels)),
        (T.COL_CHANNEL, _channel(i)),
        (T.COL_CREATED, T.when(i.created_at, timezone)),
        (T.COL_SENT, T.when(i.sent_at, timezone)),
        (T.COL_DELIVERED, T.when(i.delivered_at, timezone)),
        (T.REMINDED, T.when(i.reminded_at, timezone)),
        (T.COL_CLOSED, T.when(i.closed_at, timezone)),
        (T.EXPIRES, T.when(i.expires_at, timezone)),
    ]
    if i.error:
        facts.append((T.ERROR, T.e(T.redact(i.error))))
    items = "".join(f"<dt>{T.e(k)}</dt><dd>{v}</dd>" for k, v in facts)
    return f'<dl class="facts">{items}</dl>'


def _timeline(events: Sequence[Event], timezone: str) -> str:
    items = "".join(
        f'<li data-status="{T.e(ev.status)}">{T.when(ev.at, timezone)} '
        f"<strong>{T.e(T.STATUS.get(ev.status, ev.status))}</strong>"
        + (f" – {T.e(T.redact(ev.detail))}" if ev.detail else "")
        + "</li>"
        for ev in events
    )
    return f'<h2>{T.e(T.TIMELINE)}</h2><ol class="timeline" id="timeline">{items}</ol>'


# ---------------------------------------------------------------- upload


@routes.get("/office/upload")
async def upload_page(request: web.Request) -> web.Response:
    staff = await require_staff(request)
    settings = request.app[SERVICES].settings
    body = upload_form(staff, settings.bulk_max_bytes)
    return html(staff_page(staff, T.UPLOAD_TITLE, body, current="/office/upload", script=True))


@routes.post("/office/upload")
async def upload(request: web.Request) -> web.Response:
    staff = await require_staff(request)
    status, body = await upload_report(request, staff)
    page = staff_page(staff, T.UPLOAD_TITLE, body, current="/office/upload", script=True)
    return html(page, status=status)
