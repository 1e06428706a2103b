"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import text

from bot.db.migrate import schema_problem
from bot.web.keys import SERVICES

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    try:
        async with services.db.connect() as connection:
            await connection.execute(text("SELECT 1"))
        problem = await schema_problem(services.db)
    except Exception as error:  # any database failure means "not ready"
        return web.json_response(
            {"status": "unavailable", "detail": f"database unreachable: {type(error).__name__}"},
            status=503,
        )
    if problem:
        return web.json_response({"status": "unavailable", "detail": problem}, status=503)
    return web.json_response({"status": "ready"})
