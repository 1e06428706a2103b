"""JSON error answers in one shape: {"error": "<code>", "detail": "<reason>"}."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from aiohttp import web


def fail(status: int, code: str, detail: str, **extra: Any) -> NoReturn:
    classes: dict[int, type[web.HTTPException]] = {
        400: web.HTTPBadRequest,
        401: web.HTTPUnauthorized,
        403: web.HTTPForbidden,
        404: web.HTTPNotFound,
        409: web.HTTPConflict,
        410: web.HTTPGone,
        413: web.HTTPRequestEntityTooLarge,
        415: web.HTTPUnsupportedMediaType,
        422: web.HTTPUnprocessableEntity,
        429: web.HTTPTooManyRequests,
        503: web.HTTPServiceUnavailable,
    }
    cls = classes[status]
    body = web.json_response({"error": code, "detail": detail, **extra}).text
    if cls is web.HTTPRequestEntityTooLarge:
        raise web.HTTPRequestEntityTooLarge(
            max_size=extra.get("max_bytes", 0),
            actual_size=extra.get("bytes", 0),
            text=body,
            content_type="application/json",
        )
    raise cls(text=body, content_type="application/json")


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object, or a 400/413 that says why not."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        fail(413, "too_large", "the request body is too large")
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        fail(400, "bad_json", "the body is not valid JSON")
    if not isinstance(data, dict):
        fail(400, "bad_json", "the body must be a JSON object")
    return data
