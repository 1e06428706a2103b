"""JSON error answers in one shape: {"error": "<code>", "detail": "<reason>"}."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError
from multidict import MultiDictProxy


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


async def body_bytes(request: web.Request, max_bytes: int | None = None) -> bytes:
    """The raw body, or a 413 or 400 (a body that is not what its Content-Encoding says)."""
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        limit = {} if max_bytes is None else {"max_bytes": max_bytes}
        fail(413, "too_large", "the request body is too large", **limit)
    except RequestPayloadError:
        fail(400, "bad_body", "the body cannot be read (does it match its Content-Encoding?)")


async def form_body(
    request: web.Request,
) -> MultiDictProxy[str | bytes | bytearray | web.FileField]:
    """The posted form, or a 413 or 400 when the body is no form aiohttp can decode (bytes
    that are no UTF-8, an unknown charset, broken multipart): before any CSRF or
    signature check, which would otherwise never be reached."""
    try:
        return await request.post()
    except web.HTTPRequestEntityTooLarge:
        fail(413, "too_large", "the request body is too large")
    except (RequestPayloadError, ValueError, LookupError, AssertionError):
        fail(400, "bad_form", "the body is not a form that can be read")


class BadJson(ValueError):
    """A body that is not one JSON object of valid text; the message says why."""


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object, or a 400/413 that says why not."""
    raw = await body_bytes(request)
    try:
        return parse_json(raw)
    except BadJson as error:
        fail(400, "bad_json", str(error))


def parse_json(raw: bytes) -> dict[str, Any]:
    """A JSON object from a body (empty: {}). Raises BadJson."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadJson("the body is not valid JSON") from None
    except RecursionError:
        raise BadJson("the JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise BadJson("the body must be a JSON object")
    if not valid_unicode(data):
        # JSON may escape half of a surrogate pair ("\ud800"): no text, and nothing
        # that can be stored, encrypted or shown.
        raise BadJson("the body holds a lone surrogate (\\ud800-\\udfff), not text")
    return data


def valid_unicode(value: object) -> bool:
    """Whether every string in a parsed JSON value is valid Unicode (no lone surrogates)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
