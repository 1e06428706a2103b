"""The web chat page and its own words (its frame, not the conversation), in every language.

The page is rendered per request in one language from the first byte: the
conversation's (the `lotse-lang` cookie the page keeps: a language code, nothing
else), else `?lang=`, else Accept-Language, else the default language. Its script
takes the words from the page and, when the conversation changes language, the
others from /chat/ui.json.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from pathlib import Path
from string import Template
from typing import Final
from urllib.parse import urlencode

from aiohttp import web

from bot.i18n import LANGUAGES, Catalogs, Translator, negotiate, parse_accept_language
from bot.kernel.types import Text, t
from bot.web.keys import SERVICES

routes = web.RouteTableDef()
PAGE: Final = Path(__file__).parent / "page.html"
#: The conversation's language, written by the page's script (a code, never the session).
LANG_COOKIE: Final = "lotse-lang"
#: Where the accessibility statement is served.
STATEMENT: Final = "/accessibility"
CSP: Final = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"

UI: dict[str, Text] = {
    "label": t("Your message"),
    "send": t("Send"),
    "consents": t("My consents (file)"),
    "you": t("You:"),
    "options": t("Options"),
    "net": t("Connection problem. Trying again…"),
    "again": t("Start again"),
    "failed": t("The message was not sent. Please try again."),
    "long": t("This message is too long."),
    "a11y": t("Accessibility"),
}
NO_SCRIPT = t("This chat needs JavaScript. Please turn on JavaScript in your browser.")


def strings(translator: Translator) -> dict[str, str]:
    return {key: translator.text(text) for key, text in UI.items()}


def page_language(request: web.Request, default: str) -> str:
    """The language the page starts in (see the module's note)."""
    hints: list[str] = []
    # A link or code starts a new conversation: the stored one's language does not count.
    fresh = "t" in request.query or "code" in request.query
    kept = request.cookies.get(LANG_COOKIE, "")
    if kept in LANGUAGES and not fresh:
        hints.append(kept)
    hints.append(request.query.get("lang", "")[:20])
    hints.extend(parse_accept_language(request.headers.get("Accept-Language")))
    return negotiate(hint for hint in hints if hint) or default


@cache
def _template() -> Template:
    return Template(PAGE.read_text(encoding="utf-8"))


def _json(value: object) -> str:
    # Inside <script type="application/json">: no "</script" or "<!--" can appear.
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def _no_script(lang: str, catalogs: Catalogs) -> str:
    """The note for browsers without JavaScript: in the page's language, then briefly in
    every other, each marked with its own language and direction."""
    others = "".join(
        _note("li", code, translator) for code, translator in catalogs.all().items() if code != lang
    )
    return f'{_note("p", lang, catalogs[lang])}<ul class="notes">{others}</ul>'


def _note(tag: str, lang: str, translator: Translator) -> str:
    shown = escape(translator.text(NO_SCRIPT))
    kind = ' class="note"' if tag == "p" else ""
    return f'<{tag}{kind} lang="{lang}" dir="{translator.direction}">{shown}</{tag}>'


def render_page(lang: str, catalogs: Catalogs) -> str:
    translator = catalogs[lang]
    words = strings(translator)
    return _template().substitute(
        lang=lang,
        dir=translator.direction,
        strings=_json(words),
        nojs=_no_script(lang, catalogs),
        a11y_href=escape(f"{STATEMENT}?{urlencode({'lang': lang})}"),
        **{key: escape(words[key]) for key in ("consents", "a11y", "label", "send")},
    )


@routes.get("/chat")
async def chat_page(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    lang = page_language(request, services.settings.default_language)
    return web.Response(
        text=render_page(lang, services.catalogs),
        content_type="text/html",
        headers={
            "Content-Security-Policy": CSP,
            "Cache-Control": "no-store",
            "Content-Language": lang,
            "Vary": "Accept-Language, Cookie",
        },
    )


@routes.get("/chat/ui.json")
async def ui_strings(request: web.Request) -> web.Response:
    catalogs = request.app[SERVICES].catalogs
    every = {lang: strings(translator) for lang, translator in catalogs.all().items()}
    return web.json_response(every, headers={"Cache-Control": "public, max-age=3600"})
