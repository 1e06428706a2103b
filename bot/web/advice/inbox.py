"""The inbox list: mine, unassigned, all of my services, due (earliest due first, the
digest's "due soon" and "overdue" link here); resolved cases on request; one service
only with `service=<slug>`; fifty at a time, older ones after `before` (due: later ones
after `after`). A row shows no name and no text: number,
service, status, language (flagged when no advisor of the service reads it), topic,
when it came and what is due."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import urlencode

from aiohttp import web

from bot.cases import PAGE, CaseRow, View, list_cases
from bot.web.advice import case_page
from bot.web.advice.frame import (
    INBOX,
    VIEWS,
    advice_page,
    due_cell,
    language_cell,
    require_advisor,
    status_badge,
)
from bot.web.keys import SERVICES
from bot.web.office.auth import html
from bot.web.office.frame import e
from bot.web.office.words import NOTHING, Words

routes = web.RouteTableDef()
_VIEWS: Final = {v.value: v for v in View}
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
#: `after` of the due view: the last row's due time (µs since 1970, UTC) and id.
_AFTER: Final = re.compile(r"(\d{1,18})-(\d{1,12})")


def setup(app: web.Application) -> None:
    """Adds the inbox pages (the staff catalogs come with the office pages)."""
    app.add_routes(routes)
    app.add_routes(case_page.routes)


@dataclass(frozen=True, slots=True)
class Wanted:
    view: View | None
    resolved: bool
    before: int | None
    #: A slug; one not of the advisor's services lists nothing, like an unknown one.
    service: str | None = None
    after: tuple[datetime, int] | None = None

    @classmethod
    def parse(cls, request: web.Request) -> Wanted:
        before = request.query.get("before", "")
        after = _AFTER.fullmatch(request.query.get("after", ""))
        return cls(
            _VIEWS.get(request.query.get("view", "")),
            request.query.get("resolved") == "1",
            int(before) if before.isdigit() and len(before) <= 12 else None,
            request.query.get("service", "")[:100] or None,
            (_EPOCH + timedelta(microseconds=int(after[1])), int(after[2])) if after else None,
        )

    def link(self, view: View, before: int | None = None, after: CaseRow | None = None) -> str:
        params: dict[str, str | int] = {"view": view.value}
        if self.service is not None:
            params["service"] = self.service
        if self.resolved and view is not View.DUE:
            params["resolved"] = 1
        if before is not None:
            params["before"] = before
        if after is not None and after.due_at is not None:
            micros = (after.due_at - _EPOCH) // timedelta(microseconds=1)
            params["after"] = f"{micros}-{after.id}"
        return f"{INBOX}?{urlencode(params)}"


@routes.get(INBOX)
async def inbox(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff, _ = await require_advisor(request)
    wanted = Wanted.parse(request)
    now = services.clock()
    async with services.sessionmaker() as session, session.begin():
        view = wanted.view or View.MINE

        async def listed(view: View) -> list[CaseRow]:
            return await list_cases(session, staff.user_id, view, now,
                                    include_resolved=wanted.resolved,
                                    before_id=wanted.before, after_due=wanted.after,
                                    service=wanted.service)  # fmt: skip

        rows = await listed(view)
        # No choice made and nothing of one's own: what nobody has taken yet.
        if wanted.view is None and not rows:
            view = View.UNASSIGNED
            rows = await listed(view)
    body = (
        _filters(_, wanted, view)
        + _table(_, rows, now, services.settings.timezone, view)
        + _pager(_, wanted, view, rows)
    )
    title = _("Inbox") + " – " + _(VIEWS[view])
    current = Wanted(view, False, None, wanted.service).link(view)  # as the navigation's
    page = advice_page(request, _, staff, title, body, current, wanted.service)
    return html(page)


def _filters(_: Words, wanted: Wanted, view: View) -> str:
    one = ""
    if wanted.service is not None:
        only, every = _("Only the cases of one service: {service}"), _("All my services")
        everywhere = Wanted(view, wanted.resolved, None)
        one = (
            f'<p class="note">{e(only.format(service=wanted.service))} '
            f'<a href="{e(everywhere.link(view))}">{e(every)}</a></p>'
        )
    if view is View.DUE:  # resolved cases have nothing due
        return one
    label, show = _("Include resolved cases"), _("Show")
    checked = " checked" if wanted.resolved else ""
    service = (
        f'<input type="hidden" name="service" value="{e(wanted.service)}">'
        if wanted.service is not None
        else ""
    )
    return (
        f'{one}<form method="get" action="{INBOX}" class="filters">'
        f'<input type="hidden" name="view" value="{view.value}">{service}'
        f'<input type="checkbox" id="resolved" name="resolved" value="1"{checked}>'
        f'<label for="resolved">{e(label)}</label> '
        f'<button type="submit">{e(show)}</button></form>'
    )


def _table(_: Words, rows: list[CaseRow], now: datetime, timezone: str, view: View) -> str:
    if not rows:
        empty = _("No cases here.")
        return f'<p class="note" role="status">{e(empty)}</p>'
    caption = _("Cases, earliest due first") if view is View.DUE else _("Cases, newest first")
    heads = (_("Case"), _("Service"), _("Status"), _("Language"), _("Topic"), _("Received"),
             _("Due"))  # fmt: skip
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    number = _("Case")
    body = "".join(
        "<tr>"
        f'<th scope="row"><a href="/advice/cases/{row.id}">{e(number)} {row.id}</a></th>'
        f"<td>{e(row.service_name)}</td><td>{status_badge(_, row.status)}</td>"
        f"<td>{language_cell(_, row)}</td><td>{e(row.topic or NOTHING)}</td>"
        f"<td>{_.when(row.created_at, timezone)}</td>"
        f"<td>{due_cell(_, row, now, timezone)}</td></tr>"
        for row in rows
    )
    return (
        f'<table class="cases"><caption>{e(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _pager(_: Words, wanted: Wanted, view: View, rows: list[CaseRow]) -> str:
    links = []
    if view is View.DUE:
        if wanted.after is not None:
            first = _("Most urgent cases")
            links.append(f'<a href="{e(wanted.link(view))}">{e(first)}</a>')
        if len(rows) >= PAGE:
            later = _("Cases due later")
            href = wanted.link(view, after=rows[-1])
            links.append(f'<a href="{e(href)}" rel="next">{e(later)}</a>')
    elif wanted.before is not None:
        newest = _("Newest cases")
        links.append(f'<a href="{e(wanted.link(view))}">{e(newest)}</a>')
    if view is not View.DUE and len(rows) >= PAGE:
        older = _("Older cases")
        links.append(f'<a href="{e(wanted.link(view, rows[-1].id))}" rel="next">{e(older)}</a>')
    if not links:
        return ""
    label = _("Pages")
    return f'<nav class="pager" aria-label="{e(label)}">{" ".join(links)}</nav>'
