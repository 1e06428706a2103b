"""The office API's OpenAPI 3.1 document, generated from the pydantic models that also
validate requests (`bot.invitations.input`) and shape responses (here)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.invitations import InvitationIn, InvitationStatus, RowOutcome
from bot.web.openapi_parts import error_answers, json_answer, ref, schemas

Status = Literal["created", "sent", "delivered", "connected", "expired", "failed"]
assert set(Status.__args__) == {s.value for s in InvitationStatus}  # type: ignore[attr-defined]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Invitation(_Out):
    """The office's view of an invitation: never the person's contact details."""

    id: str
    reference: str
    status: Status
    language: str
    channels: list[str]
    code: str = Field(description="the connect code the person types or scans")
    expires_at: datetime
    sent_via: str | None
    sent_note: str | None
    error: str | None
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    reminded_at: datetime | None
    closed_at: datetime | None


class Event(_Out):
    status: str
    at: datetime
    detail: str | None


class InvitationWithEvents(Invitation):
    events: list[Event]


class InvitationPage(_Out):
    invitations: list[Invitation]
    next: str | None = Field(description="pass as `after` for the next page; null at the end")
    counts: dict[str, int] = Field(description="the office's invitations per status")


class BulkRow(_Out):
    row: int = Field(description="as a spreadsheet shows it: the header is row 1")
    reference: str | None
    outcome: Literal["created", "existing", "error"]
    field: str | None
    message: str | None
    id: str | None


class BulkReport(_Out):
    rows: int
    created: int
    existing: int
    errors: int
    results: list[BulkRow]


class FieldProblem(_Out):
    field: str
    message: str


class Error(BaseModel):
    """Every error answer has this shape."""

    model_config = ConfigDict(extra="allow")
    error: str = Field(description="a stable code, e.g. `invalid`, `reference_conflict`")
    detail: str = Field(description="a readable reason")
    fields: list[FieldProblem] | None = None


assert set(BulkRow.model_fields["outcome"].annotation.__args__) == set(RowOutcome)  # type: ignore[union-attr]

_ERRORS = {
    "400": "malformed request (bad JSON, bad cursor)",
    "401": "missing, unknown or revoked API key",
    "404": "no such invitation in the caller's office",
    "409": "the reference exists with a different request",
    "413": "the body is too large",
    "415": "wrong content type",
    "422": "a field is invalid; `fields` names each",
}


def _error_responses(*codes: str) -> dict[str, Any]:
    return error_answers("Error", _ERRORS, *codes)


CSV_EXAMPLE = (
    "reference;language;channels;phone;address_name;street;postcode;city;"
    "consent_recorded_at;notice_version\n"
    "AZ-2026-0816;fa;sms|letter;0151 23456780;Reza Ahmadi;Hauptstraße 2;12345;Musterstadt;"
    "20.11.2026 10:00;2026-01\n"
)
_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 40},
    "description": "the invitation's id (`inv_…`)",
}
_LIST_PARAMETERS = [
    {
        "name": "status",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": [s.value for s in InvitationStatus]},
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
    },
    {
        "name": "after",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "maxLength": 40},
        "description": "the `next` cursor of the previous page",
    },
]


def _paths() -> dict[str, Any]:
    return {
        "/api/v1/invitations": {
            "post": {
                "operationId": "createInvitation",
                "summary": "Invite a person (idempotent by `reference`)",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("InvitationIn")}},
                },
                "responses": {
                    "201": json_answer("Invitation", "created"),
                    "200": json_answer(
                        "Invitation", "the same request again: the existing invitation"
                    ),
                    **_error_responses("400", "401", "409", "413", "415", "422"),
                },
            },
            "get": {
                "operationId": "listInvitations",
                "summary": "The office's invitations, newest first",
                "parameters": _LIST_PARAMETERS,
                "responses": {
                    "200": json_answer("InvitationPage", "one page"),
                    **_error_responses("400", "401", "422"),
                },
            },
        },
        "/api/v1/invitations/bulk": {
            "post": {
                "operationId": "uploadInvitations",
                "summary": "Invitations from a CSV file (UTF-8, `;` or `,` separated)",
                "requestBody": {
                    "required": True,
                    "content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}},
                },
                "responses": {
                    "200": json_answer("BulkReport", "each row: created, existing or error"),
                    **_error_responses("401", "413", "415", "422"),
                },
            }
        },
        "/api/v1/invitations/{id}": {
            "get": {
                "operationId": "getInvitation",
                "summary": "One invitation with its events",
                "parameters": [_ID],
                "responses": {
                    "200": json_answer("InvitationWithEvents", "the invitation"),
                    **_error_responses("401", "404", "422"),
                },
            }
        },
    }


@cache
def document() -> dict[str, Any]:
    components = schemas(
        [
            (InvitationIn, "validation"),
            (Invitation, "serialization"),
            (InvitationWithEvents, "serialization"),
            (InvitationPage, "serialization"),
            (BulkReport, "serialization"),
            (Error, "serialization"),
        ],
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lotse office API",
            "version": "1",
            "description": "Registration offices invite newly arrived people to free advice. "
            "Send only what the person agreed to; unknown fields are refused.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "an office API key from `lotse office key create`",
                }
            },
        },
    }
