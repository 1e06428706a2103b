"""The office API (`/api/v1`): registration offices create and follow invitations.

Authenticated by `Authorization: Bearer <key>` (see `bot.offices`); `bot.invitations`
writes every access to invitation data to the access log, never with personal data.
Requests are validated by the models the OpenAPI document is generated from
(`bot.web.office.openapi`); responses go through its response models too.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError
from pydantic import BaseModel

from bot.i18n import LANGUAGES
from bot.invitations import (
    BadCursor,
    BulkFileError,
    BulkResult,
    FieldError,
    InvitationStatus,
    ReferenceConflict,
    RowOutcome,
    create_for_office,
    import_csv,
    list_for_office,
    parse_request,
    read_for_office,
)
from bot.offices import ApiCaller, caller_for_key
from bot.runtime import BadJson, body_bytes, fail, parse_json
from bot.web.keys import SERVICES
from bot.web.office import openapi

routes = web.RouteTableDef()

#: The JSON endpoint's body limit (the app's); the CSV upload has its own setting.
MAX_JSON = 64 * 1024
PAGE_SIZE, MAX_PAGE = 50, 200


@routes.get("/api/v1/openapi.json")
async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(openapi.document())


@routes.post("/api/v1/invitations")
async def create(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    caller = await _caller(request)
    _no_other_parameters(request)
    _content_type(request, "application/json")
    body = await _json_object(request)
    now = services.clock()
    parsed = parse_request(body, default_region=services.settings.default_region, now=now)
    if isinstance(parsed, list):
        _invalid(parsed)
    try:
        # It writes the access log itself (action "invitation.create" or ".repeat").
        invitation, created = await create_for_office(
            services, caller.office, parsed, caller.actor, now
        )
    except ReferenceConflict as conflict:
        fail(409, "reference_conflict",
             "this reference exists already with a different request",
             id=conflict.public_id)  # fmt: skip
    return _answer(openapi.Invitation, invitation.as_json(), 201 if created else 200)


@routes.get("/api/v1/invitations/{id}")
async def read(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    caller = await _caller(request)
    _no_other_parameters(request)
    # It writes the access log itself (action "invitation.read").
    found = await read_for_office(
        services, caller.office.id, request.match_info["id"], caller.actor, services.clock()
    )
    if found is None:
        fail(404, "not_found", "no invitation with this id in your office")
    invitation, events = found
    view = invitation.as_json()
    view["events"] = [{"status": e.status, "at": e.at, "detail": e.detail} for e in events]
    return _answer(openapi.InvitationWithEvents, view)


@routes.get("/api/v1/invitations")
async def listing(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    caller = await _caller(request)
    status, limit = _list_query(request)
    try:
        # It writes the access log itself: an entry per invitation listed.
        found = await list_for_office(
            services, caller.office.id, caller.actor, services.clock(),
            status=status, after=request.query.get("after"), size=limit,
        )  # fmt: skip
    except BadCursor:
        fail(400, "bad_cursor", "`after` is not a cursor this API gave you")
    body = {
        "invitations": [i.as_json() for i in found.invitations],
        "next": found.next,
        "counts": found.counts,
    }
    return _answer(openapi.InvitationPage, body)


@routes.post("/api/v1/invitations/bulk")
async def bulk(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    caller = await _caller(request)
    _no_other_parameters(request)
    _content_type(request, "text/csv")
    data = await _read_limited(request, services.settings.bulk_max_bytes)
    try:
        # It writes the access log itself: an entry per invitation (action "bulk.upload").
        result = await import_csv(services, caller.office, data, actor=caller.actor)
    except BulkFileError as problem:
        fail(problem.status, problem.code, problem.message)
    return _answer(openapi.BulkReport, _bulk_report(result))


# ---------------------------------------------------------------- helpers


async def _caller(request: web.Request) -> ApiCaller:
    """The office of the key the request presents, and the key (the access log's actor)."""
    services = request.app[SERVICES]
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        _unauthorized("send `Authorization: Bearer <key>`", None)
    caller = await caller_for_key(services.sessionmaker, key.strip(), services.clock())
    if caller is None:
        _unauthorized("unknown or revoked API key", "invalid_token")
    return caller


def _unauthorized(detail: str, error: str | None) -> NoReturn:
    challenge = 'Bearer realm="lotse"' + (f', error="{error}"' if error else "")
    raise web.HTTPUnauthorized(
        text=json.dumps({"error": "unauthorized", "detail": detail}),
        content_type="application/json",
        headers={"WWW-Authenticate": challenge},
    )


def _content_type(request: web.Request, expected: str) -> None:
    if request.content_type != expected:
        fail(415, "unsupported_media_type", f"send the body as {expected}")


async def _json_object(request: web.Request) -> dict[str, Any]:
    if (request.content_length or 0) > MAX_JSON:
        fail(413, "too_large", f"the body is larger than {MAX_JSON} bytes", max_bytes=MAX_JSON)
    raw = await body_bytes(request, max_bytes=MAX_JSON)
    if not raw.strip():
        fail(400, "bad_json", "the body is not valid JSON")
    try:
        return parse_json(raw)
    except BadJson as error:
        fail(400, "bad_json", str(error))


async def _read_limited(request: web.Request, limit: int) -> bytes:
    """The body, read in chunks (the app's own limit is for small JSON bodies)."""
    too_large = f"the file is larger than {limit} bytes"
    if (request.content_length or 0) > limit:
        fail(413, "too_large", too_large, max_bytes=limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > limit:
                fail(413, "too_large", too_large, max_bytes=limit)
            chunks.append(chunk)
    except RequestPayloadError:
        fail(400, "bad_body", "the body cannot be read (does it match its Content-Encoding?)")
    return b"".join(chunks)


def _invalid(errors: list[FieldError]) -> NoReturn:
    extra: dict[str, Any] = {}
    if any(e.field == "language" for e in errors):
        extra["supported"] = list(LANGUAGES)
    fail(422, "invalid", "; ".join(f"{e.field}: {e.message}" for e in errors),
         fields=[{"field": e.field, "message": e.message} for e in errors], **extra)  # fmt: skip


def _no_other_parameters(request: web.Request, *allowed: str) -> None:
    unknown = sorted(set(request.query) - set(allowed))
    if unknown:
        _invalid([FieldError(name[:40], "unknown query parameter") for name in unknown[:10]])


def _list_query(request: web.Request) -> tuple[str | None, int]:
    _no_other_parameters(request, "status", "limit", "after")
    status = request.query.get("status")  # absent: any; present: one of them
    if status is not None and status not in {s.value for s in InvitationStatus}:
        known = ", ".join(s.value for s in InvitationStatus)
        _invalid([FieldError("status", f"unknown status; one of {known}")])
    raw = request.query.get("limit", str(PAGE_SIZE))
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= MAX_PAGE):
        _invalid([FieldError("limit", f"must be a whole number from 1 to {MAX_PAGE}")])
    return status, int(raw)


def _bulk_report(result: BulkResult) -> dict[str, Any]:
    return {
        "rows": len(result.rows),
        "created": result.count(RowOutcome.CREATED),
        "existing": result.count(RowOutcome.EXISTING),
        "errors": result.count(RowOutcome.ERROR),
        "results": [
            {
                "row": r.row,
                "reference": r.reference,
                "outcome": r.outcome.value,
                "field": r.field,
                "message": r.message,
                "id": r.invitation_id,
            }
            for r in result.rows
        ],
    }


def _answer(model: type[BaseModel], body: dict[str, Any], status: int = 200) -> web.Response:
    """The body checked against its response model (the OpenAPI document's schema)."""
    checked = model.model_validate(body).model_dump(mode="json")
    return web.json_response(checked, status=status)
