"""The office web page: an office's invitations with counts and filters, one
invitation's timeline, and CSV upload with a per-row report (print batches: `letters`).

Staff see only their own office's invitations, and never contact details (phone,
address, names): reference, status, channel, times and code. `bot.invitations` reads
them and writes the access log, an entry per invitation shown. Login, sessions and
CSRF are in `auth`; the words in `words` (the staff gettext domain), the frame in `frame`.
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
from bot.web.office import words as office_words
from bot.web.office.auth import (
    html,
    message_page,
    require_staff,
    staff_page,
    words_for,
)
from bot.web.office.frame import e, redact
from bot.web.office.letters import routes as letter_routes
from bot.web.office.requests import routes as request_routes
from bot.web.office.upload import upload_form, upload_report
from bot.web.office.words import NOTHING, Words

routes = web.RouteTableDef()
PAGE_SIZE: Final = 50
_CURRENT: Final = ' aria-current="true"'


def setup(app: web.Application) -> None:
    """Adds the office pages to the app, with their catalogs (the staff domain)."""
    app[office_words.STAFF_CATALOGS] = office_words.load(app[SERVICES].settings.locales_dir)
    app.add_routes(office_auth.routes)
    app.add_routes(routes)
    app.add_routes(letter_routes)
    app.add_routes(request_routes)


def _channel(_: Words, invitation: OfficeInvitation) -> str:
    if invitation.sent_via is None:
        return NOTHING
    shown = e(_.channel(invitation.sent_via))
    if invitation.sent_note:
        shown += f"<br><small>{e(redact(_, invitation.sent_note))}</small>"
    return shown


def _status(_: Words, status: str) -> str:
    return f'<span class="status s-{e(status)}">{e(_.status(status))}</span>'


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
    _ = words_for(request, staff)
    wanted = Filter.parse(request)
    # It writes the access log itself: an entry per invitation shown.
    listing = await list_for_office(
        services, staff.office_id, staff.actor, services.clock(),
        status=wanted.status, reference=wanted.query, page=wanted.page, size=PAGE_SIZE,
    )  # fmt: skip
    shown = Filter(wanted.status, wanted.query, listing.page)
    body = (
        _counts_nav(_, shown, listing.counts)
        + _search_form(_, shown)
        + _table(_, listing.invitations, services.settings.timezone)
        + _pager(_, shown, listing.page, listing.pages, listing.total)
    )
    return html(staff_page(request, _, staff, _("Invitations"), body, current="/office"))


def _counts_nav(_: Words, shown: Filter, counts: dict[str, int]) -> str:
    items: list[tuple[str | None, str, int]] = [(None, _("All"), sum(counts.values()))]
    items += [(status, _.status(status), count) for status, count in counts.items()]
    links = "".join(
        f'<li><a href="{e(shown.link(status=status, page=1))}" data-status="{status or "all"}"'
        f"{_CURRENT if status == shown.status else ''}>"
        f'{e(label)} <span class="count">{_.number(count)}</span></a></li>'
        for status, label, count in items
    )
    label = _("Number by status")
    return f'<nav class="counts" aria-label="{e(label)}"><ul>{links}</ul></nav>'


def _search_form(_: Words, shown: Filter) -> str:
    status = ""
    if shown.status:
        status = f'<input type="hidden" name="status" value="{e(shown.status)}">'
    reset_label = _("Reset")
    reset = f'<a href="/office">{e(reset_label)}</a>' if shown.query or shown.status else ""
    search, button = _("Search by file number"), _("Search")
    return (
        '<form method="get" action="/office" class="search" role="search">'
        f'{status}<label for="q">{e(search)}</label>'
        f'<input id="q" name="q" type="search" value="{e(shown.query)}" maxlength="100">'
        f'<button type="submit">{e(button)}</button>{reset}</form>'
    )


def _table(_: Words, rows: Sequence[OfficeInvitation], timezone: str) -> str:
    if not rows:
        none = _("No invitations found.")
        return f'<p class="note" id="empty">{e(none)}</p>'
    heads = (_("File number"), _("Status"), _("Language"), _("Channel"), _("Created"),
             _("Sent"), _("Delivered"), _("Closed"), _("Code"))  # fmt: skip
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    body = "".join(
        f'<tr data-status="{e(i.status)}">'
        f'<th scope="row"><a href="/office/invitations/{e(i.public_id)}">'
        f"{e(i.reference)}</a></th>"
        f"<td>{_status(_, i.status)}</td><td>{e(_.language(i.language))}</td>"
        f"<td>{_channel(_, i)}</td>"
        f"<td>{_.when(i.created_at, timezone)}</td><td>{_.when(i.sent_at, timezone)}</td>"
        f"<td>{_.when(i.delivered_at, timezone)}</td><td>{_.when(i.closed_at, timezone)}</td>"
        f'<td class="code">{e(i.code)}</td></tr>'
        for i in rows
    )
    return (
        f'<div class="scroll"><table id="invitations"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _pager(_: Words, shown: Filter, number: int, pages: int, total: int) -> str:
    of = _.ngettext(
        "Page {page} of {pages} ({total} invitation)",
        "Page {page} of {pages} ({total} invitations)",
        total,
    )
    text = e(of.format(page=_.number(number), pages=_.number(pages), total=_.number(total)))
    previous, following = _("Previous"), _("Next")
    links = ""
    if number > 1:
        links += f'<a rel="prev" href="{e(shown.link(page=number - 1))}">{e(previous)}</a>'
    if number < pages:
        links += f'<a rel="next" href="{e(shown.link(page=number + 1))}">{e(following)}</a>'
    label = _("Pages")
    return f'<nav class="pager" aria-label="{e(label)}"><p>{text}</p>{links}</nav>'


# ---------------------------------------------------------------- one invitation


@routes.get("/office/invitations/{public_id}")
async def invitation_detail(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    _ = words_for(request, staff)
    # It writes the access log itself: one entry.
    found = await read_for_office(
        services, staff.office_id, request.match_info["public_id"], staff.actor, services.clock()
    )
    if found is None:
        text = _("This invitation does not exist (or it belongs to another office).")
        return message_page(_, _("Not found"), text, 404, staff)
    invitation, events = found
    timezone = services.settings.timezone
    title = _("Invitation {reference}").format(reference=invitation.reference)
    back = _("Back to the list")
    body = (
        f'<p><a href="/office">{e(back)}</a></p>'
        + _facts(_, invitation, timezone)
        + _timeline(_, events, timezone)
    )
    return html(staff_page(request, _, staff, title, body))


def _facts(_: Words, i: OfficeInvitation, timezone: str) -> str:
    channels = ", ".join(_.channel(c) for c in i.channels) or NOTHING
    facts = [
        (_("Status"), _status(_, i.status)),
        (_("Code"), f'<span class="code">{e(i.code)}</span>'),
        (_("Language"), e(_.language(i.language))),
        (_("Preferred channels"), e(channels)),
        (_("Channel"), _channel(_, i)),
        (_("Created"), _.when(i.created_at, timezone)),
        (_("Sent"), _.when(i.sent_at, timezone)),
        (_("Delivered"), _.when(i.delivered_at, timezone)),
        (_("Reminded"), _.when(i.reminded_at, timezone)),
        (_("Closed"), _.when(i.closed_at, timezone)),
        (_("Valid until"), _.when(i.expires_at, timezone)),
    ]
    if i.error:
        facts.append((_("Reason"), e(redact(_, i.error))))
    items = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in facts)
    return f'<dl class="facts">{items}</dl>'


def _timeline(_: Words, events: Sequence[Event], timezone: str) -> str:
    items = "".join(
        f'<li data-status="{e(ev.status)}">{_.when(ev.at, timezone)} '
        f"<strong>{e(_.status(ev.status))}</strong>"
        + (f" – {e(redact(_, ev.detail))}" if ev.detail else "")
        + "</li>"
        for ev in events
    )
    heading = _("History")
    return f'<h2>{e(heading)}</h2><ol class="timeline" id="timeline">{items}</ol>'


# ---------------------------------------------------------------- upload


@routes.get("/office/upload")
async def upload_page(request: web.Request) -> web.Response:
    staff = await require_staff(request)
    _ = words_for(request, staff)
    settings = request.app[SERVICES].settings
    body = upload_form(_, staff, settings.bulk_max_bytes)
    title = _("Upload a CSV file")
    return html(staff_page(request, _, staff, title, body, current="/office/upload", script=True))


@routes.post("/office/upload")
async def upload(request: web.Request) -> web.Response:
    staff = await require_staff(request)
    _ = words_for(request, staff)
    status, body = await upload_report(request, _, staff)
    title = _("Upload a CSV file")
    page = staff_page(request, _, staff, title, body, current="/office/upload", script=True)
    return html(page, status=status)
