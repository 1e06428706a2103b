"""POST /transfer/v1/claim: a peer installation claims a person's transfer code
(docs/transfer.md). Signed JSON in, signed JSON (or an error code) out; no cookies, no
session, nothing cached. The work is bot.transfer's; this is the door."""

from __future__ import annotations

from aiohttp import web

from bot.transfer import Identity, answer_claim, load_identity
from bot.web.keys import SERVICES

CLAIM_PATH = "/transfer/v1/claim"
IDENTITY = web.AppKey("transfer_identity", Identity)
#: A claim is a few hundred bytes.
MAX_CLAIM = 8 * 1024


async def claim(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    if request.content_length is not None and request.content_length > MAX_CLAIM:
        return web.json_response({"error": "bad_request"}, status=413)
    body = await request.content.read(MAX_CLAIM + 1)
    if len(body) > MAX_CLAIM:
        return web.json_response({"error": "bad_request"}, status=413)
    answer = await answer_claim(services.sessionmaker, services.vault,
                                request.app.get(IDENTITY), body, services.clock())  # fmt: skip
    return web.json_response(answer.body, status=answer.status)


def setup(app: web.Application) -> None:
    """The identity is read once, at start: a bad key or peers file stops the start.
    With transfers off there is no such route (404)."""
    identity = load_identity(app[SERVICES].settings)
    if identity is not None:
        app[IDENTITY] = identity
        app.router.add_post(CLAIM_PATH, claim)
