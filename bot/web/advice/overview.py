"""The service admins' overview page: a service's casework in charts, each with its
table, counts of 1 to 4 people hidden (bot.cases.charts). Service admins only: an
advisor or office staff gets the same 404 as for a page that does not exist, and a
service they do not administer is just as unknown. No access-log entry: the page
shows aggregates only (see bot.cases.overview)."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from bot.cases import ServiceChoice, admin_services, overview_sections, service_overview
from bot.staff import StaffMember, StaffRole
from bot.web.advice.frame import advice_page
from bot.web.keys import SERVICES
from bot.web.office.auth import CSP, html, message_page, require_any_staff, words_for
from bot.web.office.frame import e
from bot.web.office.words import Words

PATH: Final = "/advice/overview"


class ChartWords:
    """The staff words as the charts ask for them (bot.cases.charts.Words)."""

    def __init__(self, words: Words) -> None:
        self.lang = words.lang
        self._words = words

    def gettext(self, msgid: str) -> str:
        return self._words(msgid)


def overview_routes(app: web.Application) -> None:
    """Adds the overview page (after the office pages: it uses their staff catalogs)."""
    app.router.add_get(PATH, overview_page)


async def overview_page(request: web.Request) -> web.Response:
    staff = await require_any_staff(request)  # anonymous: to the login
    _ = words_for(request, staff)
    if staff.role is not StaffRole.SERVICE_ADMIN:
        raise _not_found(_, staff)
    services = request.app[SERVICES]
    now = services.clock()
    async with services.sessionmaker() as session:
        choices = await admin_services(session, staff.user_id)
        chosen = _chosen(choices, request.query.get("service"))
        figures = None
        if chosen is not None:
            figures = await service_overview(session, staff.user_id, chosen.id, now)
    if figures is None:
        raise _not_found(_, staff)
    body = _picker(_, choices, figures.service) + overview_sections(ChartWords(_), figures)
    title = _("Overview")
    return html(
        advice_page(request, _, staff, f"{title}: {figures.service.name}", body, current=PATH)
    )


def _chosen(choices: list[ServiceChoice], wanted: str | None) -> ServiceChoice | None:
    if not wanted:
        return choices[0] if choices else None
    return next((c for c in choices if str(c.id) == wanted), None)


def _not_found(_: Words, staff: StaffMember) -> web.HTTPNotFound:
    page = message_page(_, _("Not found"), _("This page does not exist."), 404, staff)
    return web.HTTPNotFound(
        text=page.text, content_type="text/html", headers={"Content-Security-Policy": CSP}
    )


def _picker(_: Words, choices: list[ServiceChoice], shown: ServiceChoice) -> str:
    if len(choices) < 2:
        return ""
    options = "".join(
        f'<option value="{c.id}"{" selected" if c == shown else ""}>{e(c.name)}</option>'
        for c in choices
    )
    label, button = _("Service"), _("Show")
    return (
        f'<form method="get" action="{PATH}" class="search" id="service-picker">'
        f'<label for="service">{e(label)}</label>'
        f'<select id="service" name="service">{options}</select>'
        f'<button type="submit">{e(button)}</button></form>'
    )
