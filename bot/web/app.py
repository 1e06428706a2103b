"""The one aiohttp application: web chat, health, and (later) webhooks and APIs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from bot.services import Services
from bot.web import chat, chat_ui, health
from bot.web.keys import SERVICES

#: Bodies larger than this are refused before they are read (413).
MAX_BODY = 64 * 1024


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")


def make_app(services: Services, *, dispatch: bool = True) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[SERVICES] = services
    app.on_response_prepare.append(_security_headers)
    app.add_routes(health.routes)
    app.add_routes(chat.routes)
    app.add_routes(chat_ui.routes)
    app.router.add_static("/static/", chat.STATIC, name="static")
    if dispatch:
        app.cleanup_ctx.append(_dispatcher)
    return app


async def _dispatcher(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(app[SERVICES].dispatcher.run(), name="outbox-dispatcher")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
