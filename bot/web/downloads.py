"""What the pages and files behind a person's download links share (their export,
their request letters): one plain page shape with no script, the language a link-only
visitor gets, the one 404 answer for every link that does not work, and file answers
that are never cached and never leak the link through a referrer.
"""

from __future__ import annotations

import re
from html import escape

from aiohttp import web

from bot.i18n import direction, negotiate, parse_accept_language
from bot.kernel.types import Text
from bot.web.chat.ui import LANG_COOKIE
from bot.web.keys import SERVICES

#: The pages link to files only: nothing inline, no script.
CSP = (
    "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
#: A capability token in a short link, and a row id in a chat link.
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
ID = re.compile(r"[0-9]{1,18}")


def page_language(request: web.Request) -> str:
    """The visitor's language where the link does not tell it (a failed one)."""
    services = request.app[SERVICES]
    hints = [request.cookies.get(LANG_COOKIE, "")]
    hints.extend(parse_accept_language(request.headers.get("Accept-Language")))
    return negotiate([h for h in hints if h]) or services.settings.default_language


def page(lang: str, title: str, body: str, status: int = 200) -> web.Response:
    """A plain page; `title` and `body` are HTML, escaped by the caller."""
    html = (
        f'<!doctype html>\n<html lang="{lang}" dir="{direction(lang)}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f'<title>{title} – Lotse</title>\n<link rel="stylesheet" href="/static/privacy.css">\n'
        f"</head>\n<body>\n<main>\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )
    response = web.Response(text=html, content_type="text/html", charset="utf-8", status=status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Content-Language"] = lang
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def gone(request: web.Request, title: Text, text: Text) -> web.Response:
    """The one answer for every link that does not (or no longer) work."""
    lang = page_language(request)
    translator = request.app[SERVICES].catalogs[lang]
    body = f"<p>{escape(translator.text(text))}</p>"
    return page(lang, escape(translator.text(title)), body, status=404)


def file(body: bytes, content_type: str, name: str) -> web.Response:
    return web.Response(
        body=body,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )
