"""The accessibility statement (/accessibility?lang=…) in every language people read.

Public bodies in the EU publish one for each website (Directive (EU) 2016/2102; in
Germany BITV 2.0 and the Länder's laws): what it covers, how accessible it is, the
barriers known, how it was assessed, where to report a barrier and the enforcement
body. The contacts come from the settings (LOTSE_ACCESSIBILITY_*); the languages still
awaiting a native speaker's review from the catalogs' `# review:` notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Final

from aiohttp import web
from babel import Locale
from babel.lists import format_list

from bot.config import Settings
from bot.i18n import (
    LANGUAGES,
    Translator,
    awaiting_review,
    direction,
    native_name,
    negotiate,
    parse_accept_language,
)
from bot.kernel.types import Text, t
from bot.web.keys import SERVICES

routes = web.RouteTableDef()
PENDING = web.AppKey("accessibility_pending", tuple)

#: Nothing inline, nothing foreign: the page's only resource is its stylesheet.
CSP: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'"
)

TITLE = t("Accessibility statement")
INTRO = t(
    "{operator} wants everyone to be able to use this service, including people with "
    "disabilities. Public bodies in the European Union must publish this statement "
    "(Directive (EU) 2016/2102; in Germany the BITV 2.0 and the laws of the federal states)."
)
SCOPE = (
    t("What this statement covers"),
    t(
        "It covers the web chat of this Lotse service ({address}) and the pages for office "
        "staff. {operator} runs this service."
    ),
)
STATUS = (
    t("How accessible this service is"),
    t(
        "This service is partly accessible. It meets the requirements of the standard "
        "EN 301 549 (with WCAG 2.1, level AA) only in part. The barriers we know of are "
        "listed below."
    ),
)
LIMITS_TITLE = t("What is not accessible yet")
UNREVIEWED = t(
    "The texts in these languages were written by the Lotse team and have not yet been "
    "checked by native speakers: {languages}. They may contain mistakes or unusual words."
)
LIMITS = (
    t(
        "Letters come on paper. The PDF files they are printed from are not prepared for "
        "screen readers."
    ),
    t(
        "Messages by SMS, Telegram or WhatsApp are not part of this website. How they look "
        "depends on your phone and app."
    ),
    t(
        "On the pages for office staff, a login ends after 8 hours without activity. "
        "There is no warning before."
    ),
    t("The service has not yet been tested together with people who use screen readers."),
)
METHOD_TITLE = t("How we prepared this statement")
PREPARED = t("This statement was prepared on {prepared}. It was last reviewed on {reviewed}.")
#: Exactly what the browser tests check (tests/web/chat/test_page_a11y.py,
#: tests/web/office/test_page_axe.py), and what was never done: change it with them.
METHOD = t(
    "The Lotse team checked the software with automatic tests in the Chromium browser "
    "only. The tool axe-core checked the web chat, the pages for office staff, this "
    "statement and the privacy notice, each in a few of the languages. Other tests checked "
    "that the web chat can be used with the keyboard alone from the start to the main menu, "
    "with the focus always visible, on a phone-sized screen and at 200 % zoom, and that at "
    "400 % zoom the conversation still fills the screen. There was no manual test, no test "
    "with screen readers and no test together with people with disabilities. Automatic "
    "tests find only some barriers."
)
FEEDBACK = (
    t("Report a barrier"),
    t(
        "Did you find a barrier, or do you need something from this service in another "
        "form? Please tell us:"
    ),
)
EMAIL, PHONE, ADDRESS = t("E-mail"), t("Phone"), t("Address")
ENFORCEMENT = (
    t("Enforcement procedure"),
    t(
        "If we do not answer, or our answer does not help you, you can contact the "
        "enforcement body. It helps to find a solution, free of charge:"
    ),
)
LANGUAGE = t("Language")

_CURRENT: Final = ' aria-current="page"'
_PHONE_CHARS = re.compile(r"[^0-9+]")
#: Renders a text in the reader's language with its parameters, escaped for HTML.
Say = Callable[..., str]


def e(value: object) -> str:
    return escape(str(value), quote=True)


def setup(app: web.Application) -> None:
    app[PENDING] = awaiting_review(app[SERVICES].settings.locales_dir)
    app.add_routes(routes)


def choose_language(request: web.Request, default: str) -> str:
    """?lang=, then the browser's languages (Accept-Language), then the default."""
    hints = [request.query.get("lang", "")]
    hints += parse_accept_language(request.headers.get("Accept-Language"))
    return negotiate(hint for hint in hints if hint) or default


@routes.get("/accessibility")
async def statement(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    lang = choose_language(request, services.settings.default_language)
    body = render(
        services.catalogs[lang], services.settings, services.operator.name, request.app[PENDING]
    )
    response = web.Response(text=body, content_type="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Content-Language"] = lang
    return response


def render(tr: Translator, settings: Settings, operator: str, pending: tuple[str, ...]) -> str:
    def say(text: Text, **params: object) -> str:  # the reader's language, escaped
        return e(tr.text(Text(text.msgid, params)))

    title, chat = say(TITLE), f"{settings.public_url}/chat"
    prepared = settings.accessibility_prepared
    reviewed = settings.accessibility_reviewed or prepared
    sections = [
        f"<p>{say(INTRO, operator=operator)}</p>",
        _section(say(SCOPE[0]), say(SCOPE[1], address=chat, operator=operator)),
        _section(say(STATUS[0]), say(STATUS[1])),
        f"<h2>{say(LIMITS_TITLE)}</h2><ul>{_limits(tr, pending)}</ul>",
        _section(
            say(METHOD_TITLE), say(PREPARED, prepared=prepared, reviewed=reviewed), say(METHOD)
        ),
        _section(say(FEEDBACK[0]), say(FEEDBACK[1])) + _contacts(say, settings),
        _section(say(ENFORCEMENT[0]), say(ENFORCEMENT[1])) + _enforcement(settings),
    ]
    return (
        f'<!doctype html>\n<html lang="{tr.lang}" dir="{tr.direction}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title} – {e(operator)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="/static/accessibility.css">\n</head>\n<body>\n'
        f"<header>{_switch(say(LANGUAGE), tr.lang)}</header>\n"
        f'<main id="main">\n<h1>{title}</h1>\n{"".join(sections)}\n</main>\n</body>\n</html>\n'
    )


def _section(heading: str, *paragraphs: str) -> str:
    return f"<h2>{heading}</h2>" + "".join(f"<p>{p}</p>" for p in paragraphs)


def _limits(tr: Translator, pending: tuple[str, ...]) -> str:
    items = [tr.text(text) for text in LIMITS]
    if pending:
        names = format_list([_language_name(code, tr.lang) for code in pending], locale=tr.lang)
        items.insert(0, tr.text(Text(UNREVIEWED.msgid, {"languages": names})))
    return "".join(f"<li>{e(item)}</li>" for item in items)


def _language_name(code: str, lang: str) -> str:
    """A language named in the reader's language where Babel knows it, else in its own."""
    name = Locale.parse(code).get_display_name(lang)
    return name or native_name(code)


def _contacts(say: Say, settings: Settings) -> str:
    rows = []
    if settings.accessibility_email:
        mail = e(settings.accessibility_email)
        rows.append((EMAIL, f'<a href="mailto:{mail}">{mail}</a>'))
    if settings.accessibility_phone:
        tel = _PHONE_CHARS.sub("", settings.accessibility_phone)
        rows.append((PHONE, f'<a href="tel:{e(tel)}">{e(settings.accessibility_phone)}</a>'))
    if settings.accessibility_address:
        rows.append((ADDRESS, e(settings.accessibility_address)))
    items = "".join(f"<dt>{say(label)}</dt><dd>{value}</dd>" for label, value in rows)
    return f'<dl class="contact" id="contact">{items}</dl>'


def _enforcement(settings: Settings) -> str:
    lines = [f"<strong>{e(settings.accessibility_enforcement_body)}</strong>"]
    if settings.accessibility_enforcement_contact:
        lines.append(e(settings.accessibility_enforcement_contact))
    if settings.accessibility_enforcement_url:
        url = e(settings.accessibility_enforcement_url)
        lines.append(f'<a href="{url}">{url}</a>')
    return f'<p class="contact" id="enforcement">{"<br>".join(lines)}</p>'


def _switch(label: str, current: str) -> str:
    """Links to the statement in every language, each named and marked in its own."""
    links = "".join(
        f'<li><a href="/accessibility?lang={code}" hreflang="{code}" lang="{code}" '
        f'dir="{direction(code)}"{_CURRENT if code == current else ""}>'
        f"{e(native_name(code))}</a></li>"
        for code in LANGUAGES
    )
    return f'<nav class="languages" aria-label="{label}"><ul>{links}</ul></nav>'
