"""The one aiohttp application: web chat, health, and (later) webhooks and APIs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from typing import Any

from aiohttp import web

from bot.inbound import database_away
from bot.messaging import Dispatcher, running
from bot.runtime import Services, fail
from bot.web import accessibility, health, mydata, privacy, rights, transfer
from bot.web.advice import inbox as advice_inbox
from bot.web.advice.overview import overview_routes
from bot.web.chat import routes as chat
from bot.web.chat import ui as chat_ui
from bot.web.keys import SERVICES
from bot.web.office import api as office_api
from bot.web.office import page as office_page

#: Bodies larger than this are refused before they are read (413).
MAX_BODY = 64 * 1024


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    # Chat messages, consent records, invitations: nothing but the page's static files
    # may stay in a browser's or a proxy's cache.
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")


@web.middleware
async def _database_away(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """A request that needs the database while it is away gets a clear 503 (webhooks
    do not: their messages go to the spool, bot.inbound)."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as error:
        if not database_away(error):
            raise
        fail(503, "unavailable", "the database is unavailable; try again shortly")


def make_app(
    services: Services,
    *,
    dispatch: bool = True,
    process: bool | None = None,
    extra_routes: Sequence[web.RouteTableDef] = (),
    background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = (),
) -> web.Application:
    """The app. `dispatch` runs the outbox dispatcher and `process` (by default as
    `dispatch`) the inbox workers with it; without them, tests run both by hand.
    `extra_routes` are channel webhooks; `background` tasks (the Telegram poller) run
    while the app does."""
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_database_away])
    app[SERVICES] = services
    app.on_response_prepare.append(_security_headers)
    app.add_routes(health.routes)
    app.add_routes(chat.routes)
    app.add_routes(chat_ui.routes)
    app.add_routes(privacy.routes)
    app.add_routes(mydata.routes)
    app.add_routes(rights.routes)
    # The CSV upload reads its body itself, up to LOTSE_BULK_MAX_BYTES (MAX_BODY is for
    # everything read with request.read()).
    app.add_routes(office_api.routes)
    # The office web page (its CSV upload, too, reads its body itself).
    office_page.setup(app)
    # The service admins' overview (it uses the office pages' staff catalogs).
    overview_routes(app)
    # The advisor inbox (the same staff login and words).
    advice_inbox.setup(app)
    accessibility.setup(app)
    # Claims of peer installations (docs/transfer.md).
    transfer.setup(app)
    for routes in extra_routes:
        app.add_routes(routes)
    app.router.add_static("/static/", chat.STATIC, name="static")
    app.cleanup_ctx.append(_adapters)
    if dispatch:
        app.cleanup_ctx.append(_dispatching)
    if dispatch if process is None else process:
        app.cleanup_ctx.append(_processing)
    if background:
        app.cleanup_ctx.append(_running(background))
    return app


#: How long a stopping server lets sends in flight finish before cancelling them.
STOP_GRACE_SECONDS = 15.0


async def _dispatching(app: web.Application) -> AsyncIterator[None]:
    dispatcher = app[SERVICES].dispatcher
    task = asyncio.create_task(dispatcher.run())
    yield
    await stop_dispatcher(dispatcher, task)


async def _processing(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    stopping = asyncio.Event()
    # The transfer fetcher feeds the inbox (a fetched result comes back as a message).
    tasks = [asyncio.create_task(services.inbox.run(stopping)),
             asyncio.create_task(services.transfers.run(stopping))]  # fmt: skip
    yield
    # Workers stop between messages; a step cut short would only be rolled back
    # (its message stays in the inbox), so cancelling after the grace loses nothing.
    # A fetch cut short stays taken and is finished as interrupted after a restart.
    stopping.set()
    _, pending = await asyncio.wait(tasks, timeout=STOP_GRACE_SECONDS)
    for task in pending:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def stop_dispatcher(dispatcher: Dispatcher, task: asyncio.Task[None]) -> None:
    """Graceful first (see `Dispatcher.stop`); cancelled only if sends hang past the grace."""
    dispatcher.stop()
    done, _ = await asyncio.wait((task,), timeout=STOP_GRACE_SECONDS)
    if not done:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _adapters(app: web.Application) -> AsyncIterator[None]:
    """Adapters' connections (Telegram's getMe, Twilio's HTTP session) open and close
    with the app."""
    async with running(app[SERVICES].adapters.values()):
        yield


def _running(
    factories: Sequence[Callable[[], Coroutine[Any, Any, None]]],
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(factory()) for factory in factories]
        yield
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return context
