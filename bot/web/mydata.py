"""The export of a person's data on the web: in their web chat, and behind a short link.

- `/chat/api/sessions/{session}/exports/{id}/{file}`: only the chat session that asked
  (its token in the path is the credential, as for the chat's other routes);
- `/d/{token}`: the page a short link (SMS, WhatsApp) opens, and its two files.

Every failure (a wrong, expired, erased or someone else's link, an unknown session)
answers the same 404 page, in the person's language where the page can tell it, so
a link reveals nothing. Tokens never reach a log line (bot.runtime.logs cuts them).
"""

from __future__ import annotations

import json
from html import escape

from aiohttp import web

from bot.i18n import Translator
from bot.kernel.types import Channel, Text, t
from bot.messaging import reader_for
from bot.mydata import (
    JSON_NAME,
    PDF_NAME,
    ExportGone,
    Opened,
    open_by_token,
    open_in_chat,
)
from bot.web.downloads import ID, TOKEN, file, gone, page
from bot.web.keys import SERVICES

routes = web.RouteTableDef()

PDF_LABEL = t("Your data (PDF, to read)")
JSON_LABEL = t("Your data (JSON, for other services)")
GONE_TITLE = t("This link does not work")
GONE_TEXT = t(
    "Links to your data work only for a short time, and only where you asked for them. "
    "You can ask for a new one in the chat: My data, then Export my data."
)
FILES = {PDF_NAME: "application/pdf", JSON_NAME: "application/json"}


def chat_documents(session: str, reference: str, translator: Translator) -> list[dict[str, str]]:
    """The links a web chat message with an export shows (bot.web.chat.routes)."""
    export_id = reference.rsplit(":", 1)[-1]
    base = f"/chat/api/sessions/{session}/exports/{export_id}/"
    return [
        {"href": base + PDF_NAME, "label": translator.text(PDF_LABEL), "name": PDF_NAME,
         "type": FILES[PDF_NAME]},
        {"href": base + JSON_NAME, "label": translator.text(JSON_LABEL), "name": JSON_NAME,
         "type": FILES[JSON_NAME]},
    ]  # fmt: skip


def _gone(request: web.Request) -> web.Response:
    return gone(request, GONE_TITLE, GONE_TEXT)


async def _file(request: web.Request, opened: Opened, name: str) -> web.Response:
    services = request.app[SERVICES]
    if name == JSON_NAME:
        body = json.dumps(opened.document, ensure_ascii=False, indent=2).encode()
    else:  # laid out once, away from the event loop: a long export takes a moment
        body = await services.export_pdfs.pdf(opened, services.clock())
    return file(body, FILES[name], name)


@routes.get("/chat/api/sessions/{session}/exports/{export}/{name}")
async def chat_export(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    name, export = request.match_info["name"], request.match_info["export"]
    if name not in FILES or not ID.fullmatch(export):
        return _gone(request)
    reader = await reader_for(
        services.sessionmaker, services.vault, Channel.WEBCHAT, request.match_info["session"]
    )
    if reader is None or reader.person_id is None:
        return _gone(request)
    try:
        opened = await open_in_chat(
            services.sessionmaker, services.vault, contact_id=reader.contact_id,
            export_id=int(export), now=services.clock(),
        )  # fmt: skip
    except ExportGone:
        return _gone(request)
    return await _file(request, opened, name)


async def _by_token(request: web.Request, *, log: bool) -> Opened | None:
    services = request.app[SERVICES]
    token = request.match_info["token"]
    if not TOKEN.fullmatch(token):
        return None
    try:
        return await open_by_token(services.sessionmaker, services.vault, token,
                                   services.clock(), log=log)  # fmt: skip
    except ExportGone:
        return None


@routes.get("/d/{token}")
async def link_page(request: web.Request) -> web.Response:
    opened = await _by_token(request, log=False)
    if opened is None:
        return _gone(request)
    services = request.app[SERVICES]
    translator = services.catalogs[opened.lang]
    say: dict[str, Text] = {PDF_NAME: PDF_LABEL, JSON_NAME: JSON_LABEL}
    token = request.match_info["token"]
    links = "\n".join(
        f'<li><a href="/d/{token}/{name}" type="{kind}" download="{name}">'
        f"{escape(translator.text(say[name]))}</a></li>"
        for name, kind in FILES.items()
    )
    operator = opened.document["installation"]["operator"]
    title = escape(translator.text(t("Your data at {operator}", operator=operator)))
    until = escape(translator.text(t("This link works until {time}.", time=opened.expires_at)))
    return page(opened.lang, title, f"<ul>\n{links}\n</ul>\n<p>{until}</p>")


@routes.get("/d/{token}/{name}")
async def link_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    opened = await _by_token(request, log=True) if name in FILES else None
    if opened is None:
        return _gone(request)
    return await _file(request, opened, name)
