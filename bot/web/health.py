"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from aiohttp import web

from bot.runtime import readiness_problem
from bot.web.keys import SERVICES

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """503 while the database is away (webhooks are then answered from the spool);
    with the backlog: messages acknowledged and not yet processed, in the inbox and in
    this process's spool."""
    services = request.app[SERVICES]
    problem = await readiness_problem(services.db)
    spooled = services.inbox.spool.count
    if problem:
        body = {"status": "unavailable", "detail": problem, "spooled": spooled}
        return web.json_response(body, status=503)
    waiting = await services.inbox.waiting()
    return web.json_response({"status": "ready", "inbox": waiting, "spooled": spooled})
