"""The full privacy notice as a public page, `/privacy?lang=<code>`, in each language.

The SMS notice is short and links here (bot/consent/notice.py); the words are the same
catalog texts the web chat shows at its start, so both always say the same. The
language is `?lang=`, else the browser's Accept-Language, else the default language.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

from bot.consent import PRIVACY_PATH, full_notice
from bot.i18n import LANGUAGES, direction, native_name, negotiate, parse_accept_language
from bot.kernel.types import t
from bot.web.keys import SERVICES

routes = web.RouteTableDef()

TITLE = t("Privacy notice")
#: The name of the list of links to this page in every language.
LANGUAGES_LABEL = t("Languages")
#: Nothing inline, nothing foreign: one stylesheet of our own, no script at all.
CSP = (
    "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def page_language(request: web.Request, default: str) -> str:
    asked = request.query.get("lang")
    hints = [asked] if asked else []
    hints.extend(parse_accept_language(request.headers.get("Accept-Language")))
    return negotiate(hints) or default


@routes.get(PRIVACY_PATH)
async def privacy_page(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    lang = page_language(request, services.settings.default_language)
    translator = services.catalogs[lang]
    operator = services.operator
    paragraphs = full_notice(
        services.settings, operator=operator.name, privacy_contact=operator.privacy_contact
    )
    title = escape(translator.text(TITLE))
    body = "\n".join(f"<p>{escape(translator.text(text))}</p>" for text in paragraphs)
    current = ' aria-current="page"'
    others = "\n".join(
        f'<li><a href="{PRIVACY_PATH}?lang={code}" lang="{code}" dir="{direction(code)}"'
        f"{current if code == lang else ''}>{escape(native_name(code))}</a></li>"
        for code in LANGUAGES
    )
    html = f"""<!doctype html>
<html lang="{lang}" dir="{direction(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Lotse</title>
<link rel="stylesheet" href="/static/privacy.css">
</head>
<body>
<main>
<h1>{title}</h1>
{body}
</main>
<nav aria-label="{escape(translator.text(LANGUAGES_LABEL))}">
<ul>
{others}
</ul>
</nav>
</body>
</html>
"""
    response = web.Response(text=html, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Content-Language"] = lang
    return response
