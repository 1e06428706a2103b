"""The web chat API's OpenAPI 3.1 document, generated from the pydantic models here.

The handlers in `bot.web.chat` check requests themselves; these models describe what
they accept and answer (tests/web/test_chat_api_fuzz.py holds the two together)."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from bot.i18n import LANGUAGES, negotiate
from bot.web.openapi_parts import error_answers, json_answer, ref, schemas

#: Other tags `negotiate` maps to a language Lotse speaks (Dari `prs` → `fa`, ...).
ALIASES = ("prs", "kmr", "sor", "tir", "pus")
assert all(negotiate([tag]) for tag in (*LANGUAGES, *ALIASES))
SESSION_PATTERN = "^[A-Za-z0-9_-]{43}$"  # secrets.token_urlsafe(32)
TOKEN_PATTERN = "^[A-Za-z0-9_-]{32}$"  # bot.invitations.is_token
CLIENT_ID_PATTERN = "^[A-Za-z0-9_-]{1,64}$"
AFTER_PATTERN = "^[0-9]{1,18}$"


#: What str.strip() removes, for a regex character class: Python's whitespace, not
#: JSON Schema's `\\s` (that lacks U+001C-U+001F and U+0085, and has U+FEFF). The fuzz
#: test checks it against every code point.
SPACE = (
    "\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000"
)


def _any_case(tag: str) -> str:
    # str.lower() makes the Kelvin sign (U+212A) a "k".
    return "".join(f"[{c}{c.upper()}\\u212a]" if c == "k" else f"[{c}{c.upper()}]" for c in tag)


#: Every `language` the handler takes: a tag Lotse speaks, in any case, optionally with
#: a region (`ar-SY`, `fa_AF`), with whitespace around it or not.
LANGUAGE_PATTERN = (
    f"^[{SPACE}]*(?:{'|'.join(_any_case(tag) for tag in (*LANGUAGES, *ALIASES))})"
    f"(?:[-_][\\s\\S]*|[{SPACE}]*)$"
)
#: Text that is not only whitespace (the handler strips it).
TEXT_PATTERN = f"[^{SPACE}]"


def _no_default(schema: dict[str, Any]) -> None:
    # An absent field is not the same as any value it could be given.
    schema.pop("default", None)


class _Closed(BaseModel):
    """Unknown fields: refused in requests, never sent in answers."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SessionIn(_Closed):
    """Opens a conversation. Null counts as absent, except for `language`."""

    language: Annotated[str, Field(pattern=LANGUAGE_PATTERN)] | SkipJsonSchema[None] = Field(
        None,
        description=f"a language Lotse speaks ({', '.join(LANGUAGES)}), any case, with "
        "or without a region; without it, Accept-Language and then the menu decide",
        json_schema_extra=_no_default,
    )
    code: str | None = Field(
        None,
        min_length=1,
        max_length=32,
        description="the invitation code the person has, e.g. K7QF-9M2X",
        json_schema_extra=_no_default,
    )
    token: str | None = Field(
        None,
        pattern=TOKEN_PATTERN,
        description="the token of an invitation link (it wins over `code`)",
        json_schema_extra=_no_default,
    )


class MessageIn(_Closed):
    """Exactly one of `text` and `choice` (a null one counts as absent)."""

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["text"], "properties": {"text": {"type": "string"}}},
                {"required": ["choice"], "properties": {"choice": {"type": "string"}}},
            ]
        }
    )
    text: str | None = Field(
        None,
        pattern=TEXT_PATTERN,
        description="what the person wrote; not only whitespace. Longer than "
        "LOTSE_MAX_TEXT_LENGTH characters (4096 by default): 413",
        json_schema_extra=_no_default,
    )
    choice: str | None = Field(
        None,
        max_length=100,
        description="the id of a choice the newest bot message offers",
        json_schema_extra=_no_default,
    )
    id: str | None = Field(
        None,
        pattern=CLIENT_ID_PATTERN,
        description="the client's id for this message: sent again with the same id, it "
        "is taken once",
        json_schema_extra=_no_default,
    )


class SessionCreated(_Closed):
    session: str = Field(
        pattern=SESSION_PATTERN, description="the conversation's secret; keep it private"
    )


class Accepted(_Closed):
    accepted: Literal[True] = Field(description="taken; the answer follows as messages")


class ChoiceOut(_Closed):
    id: str = Field(description="send it back as `choice`")
    label: str
    lang: str | SkipJsonSchema[None] = Field(
        None,
        description="a label in a language of its own (the language menu's `lang:<code>`)",
        json_schema_extra=_no_default,
    )
    dir: Literal["ltr", "rtl"] | SkipJsonSchema[None] = Field(
        None, description="with `lang`", json_schema_extra=_no_default
    )


class LineOut(_Closed):
    text: str
    lang: str | SkipJsonSchema[None] = Field(
        None,
        description="absent: no language (a symbol, a blank line)",
        json_schema_extra=_no_default,
    )
    dir: Literal["ltr", "rtl"] | SkipJsonSchema[None] = Field(
        None, description="with `lang`", json_schema_extra=_no_default
    )


class DocumentOut(_Closed):
    href: str = Field(description="works only with this session, until the export expires")
    label: str
    name: Literal["lotse-my-data.pdf", "lotse-my-data.json"]
    type: Literal["application/pdf", "application/json"]


class ChatMessage(_Closed):
    id: str = Field(pattern=AFTER_PATTERN, description="pass as `after` to get newer ones")
    from_: Literal["person", "bot"] = Field(alias="from")
    text: str
    choices: list[ChoiceOut]
    lang: str = Field(description="empty for what the person wrote (it may be in any language)")
    dir: Literal["ltr", "rtl", "auto"] = Field(
        description="`auto` for what the person wrote: its own characters decide"
    )
    lines: list[LineOut] | SkipJsonSchema[None] = Field(
        None,
        description="a text in several languages (the language menu): its lines "
        "(`text` split at newlines), each with its own language",
        json_schema_extra=_no_default,
    )
    documents: list[DocumentOut] | SkipJsonSchema[None] = Field(
        None,
        description="files the message carries (the export of the person's data): "
        "links to show with it",
        json_schema_extra=_no_default,
    )


class MessagePage(_Closed):
    messages: list[ChatMessage] = Field(
        description="oldest first, up to 200; it stops before a reply not sent yet"
    )
    ended: bool = Field(description="the person deleted their data: nothing more will come")


class Controller(_Closed):
    name: str
    jurisdiction: str


class Notice(_Closed):
    id: str
    version: str
    language: str


class ConsentRecordOut(_Closed):
    record_id: str
    purpose: str
    personal_data_categories: list[str]
    channel: str | None
    notice: Notice
    method: str
    state: str
    timestamp: str = Field(description="when the person decided (ISO 8601)")
    stored_at: str = Field(description="when Lotse stored the record (ISO 8601)")
    summary: str = Field(description="the record in a sentence, in `language`")


class ConsentExport(_Closed):
    """The person's consent records, after ISO/IEC TS 27560's fields."""

    schema_version: str
    language: str = Field(description="the language of the sentences in this file")
    data_subject: str
    controller: Controller
    storage_location: str
    retention_period: str = Field(description="ISO 8601 duration after the last activity")
    retention: str = Field(description="the same in a sentence")
    withdrawal_method: str
    records: list[ConsentRecordOut]


class ChatError(BaseModel):
    """Every error answer has this shape; some carry more."""

    model_config = ConfigDict(extra="allow", frozen=True)
    error: str = Field(description="a stable code, e.g. `unknown_session`, `bad_text`")
    detail: str = Field(description="a readable reason")
    supported: list[str] | SkipJsonSchema[None] = Field(
        None,
        description="with `unknown_language`: the languages Lotse speaks",
        json_schema_extra=_no_default,
    )
    offered: list[str] | SkipJsonSchema[None] = Field(
        None,
        description="with `choice_not_offered`: the choices offered now",
        json_schema_extra=_no_default,
    )
    max_length: int | SkipJsonSchema[None] = Field(
        None, description="with `text_too_long`", json_schema_extra=_no_default
    )


_ERRORS = {
    "400": "malformed request: bad JSON, unknown or invalid field, choice not offered",
    "404": "no such chat session",
    "410": "the person deleted this conversation",
    "413": "the body or the text is too large",
    "429": "too many new sessions from this address; try again later",
}


def _error_responses(*codes: str) -> dict[str, Any]:
    return error_answers("ChatError", _ERRORS, *codes)


def _body(model: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": ref(model)}},
    }


_SESSION = {
    "name": "session",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": SESSION_PATTERN},
    "description": "the `session` POST /chat/api/sessions answered",
}


def _paths() -> dict[str, Any]:
    messages = "/chat/api/sessions/{session}/messages"
    return {
        "/chat/api/sessions": {
            "post": {
                "operationId": "openSession",
                "summary": "Open a conversation (one address: at most 60 an hour)",
                "description": "An empty body is `{}`. Accept-Language hints the language "
                "after `language`.",
                "requestBody": _body("SessionIn"),
                "responses": {
                    "201": json_answer(
                        "SessionCreated", "opened; the greeting follows as a message"
                    ),
                    **_error_responses("400", "413", "429"),
                },
            }
        },
        messages: {
            "post": {
                "operationId": "postMessage",
                "summary": "Send what the person wrote or chose",
                "parameters": [_SESSION],
                "requestBody": _body("MessageIn"),
                "responses": {
                    "202": json_answer("Accepted", "taken"),
                    **_error_responses("400", "404", "410", "413"),
                },
            },
            "get": {
                "operationId": "getMessages",
                "summary": "The conversation's messages after `after`",
                "description": "Messages the bot sent count as delivered once fetched.",
                "parameters": [
                    _SESSION,
                    {
                        "name": "after",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "pattern": AFTER_PATTERN, "default": "0"},
                        "description": "the `id` of the newest message the client has",
                    },
                ],
                "responses": {
                    "200": json_answer("MessagePage", "the next messages"),
                    **_error_responses("400", "404"),
                },
            },
        },
        "/chat/api/sessions/{session}/exports/{export}/{name}": {
            "get": {
                "operationId": "getExport",
                "summary": "A file of the person's export (a message's `documents` link)",
                "description": "Only in the session that asked, until it expires; any "
                "other case answers the same 404 page (HTML).",
                "parameters": [
                    _SESSION,
                    {
                        "name": "export",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
                    },
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": ["lotse-my-data.pdf", "lotse-my-data.json"]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "the file, as an attachment",
                        "content": {"application/pdf": {}, "application/json": {}},
                    },
                    "404": {"description": "no such export here", "content": {"text/html": {}}},
                },
            }
        },
        "/chat/api/sessions/{session}/consents": {
            "get": {
                "operationId": "exportConsents",
                "summary": "The person's consent records (a file to keep)",
                "parameters": [_SESSION],
                "responses": {
                    "200": json_answer("ConsentExport", "the records, as an attachment"),
                    **_error_responses("404", "410"),
                },
            }
        },
    }


@cache
def document() -> dict[str, Any]:
    components = schemas(
        [
            (SessionIn, "validation"),
            (MessageIn, "validation"),
            (SessionCreated, "serialization"),
            (Accepted, "serialization"),
            (MessagePage, "serialization"),
            (ConsentExport, "serialization"),
            (ChatError, "serialization"),
        ],
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lotse web chat API",
            "version": "1",
            "description": "The anonymous web chat at /chat, for its page and for scripted "
            "clients. The session token is the only key: whoever has it reads the "
            "conversation.",
        },
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {"schemas": components},
    }
