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
    problem = await readiness_problem(request.app[SERVICES].db)
    if problem:
        return web.json_response({"status": "unavailable", "detail": problem}, status=503)
    return web.json_response({"status": "ready"})
