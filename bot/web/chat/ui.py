"""The web chat page's own words (its frame, not the conversation), in every language."""

from __future__ import annotations

from aiohttp import web

from bot.kernel.types import Text, t
from bot.web.keys import SERVICES

routes = web.RouteTableDef()

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
}


@routes.get("/chat/ui.json")
async def ui_strings(request: web.Request) -> web.Response:
    catalogs = request.app[SERVICES].catalogs
    strings = {
        lang: {key: translator.text(text) for key, text in UI.items()}
        for lang, translator in catalogs.all().items()
    }
    return web.json_response(strings, headers={"Cache-Control": "public, max-age=3600"})
