"""The web chat's JSON API, for its page (bot.web.chat.ui) and scripted clients."""

from __future__ import annotations

import json
import re
import secrets
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.consent import export_for_person
from bot.i18n import LANGUAGES, Catalogs, direction, negotiate, parse_accept_language
from bot.invitations import is_token
from bot.kernel.types import Channel, InboundMessage
from bot.messaging import Reader, ReadMessage, fetch_for_reader, offered_choices, reader_for
from bot.mydata import REFERENCE
from bot.rights import LETTER_REFERENCE
from bot.runtime import accept, fail, json_body
from bot.throttle import Limit, client_key, take_committed
from bot.web import rights
from bot.web.chat import openapi as chat_openapi
from bot.web.client_address import client_address
from bot.web.keys import SERVICES
from bot.web.mydata import chat_documents

routes = web.RouteTableDef()
STATIC = Path(__file__).parent.parent / "static"
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MESSAGE_ID = re.compile(r"[0-9]{1,18}")
#: New anonymous sessions one client address may open per hour (shared accommodation
#: and carrier NAT put many people behind one address).
NEW_SESSIONS = Limit("chat-session", 60, timedelta(hours=1))
PAGE_SIZE = 200
#: Seconds a posted chat message may wait for its step before the 202.
ANSWER_WAIT = 2.0


@routes.get("/chat/api/openapi.json")
async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(chat_openapi.document())


@routes.post("/chat/api/sessions")
async def create_session(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    body = await json_body(request)
    unknown = set(body) - {"language", "code", "token"}
    if unknown:
        fail(400, "unknown_field", f"unknown field(s): {', '.join(sorted(unknown))}")
    hints: list[str] = []
    if "language" in body:
        language = body["language"]
        if not isinstance(language, str) or negotiate([language]) is None:
            fail(
                400,
                "unknown_language",
                "language must be one Lotse speaks",
                supported=list(services.catalogs.all()),
            )
        hints.append(language)
    hints.extend(parse_accept_language(request.headers.get("Accept-Language")))
    code, link_token = body.get("code"), body.get("token")
    if code is not None and (not isinstance(code, str) or not 1 <= len(code) <= 32):
        fail(400, "bad_code", "code must be the invitation code, e.g. K7QF-9M2X")
    if link_token is not None and (not isinstance(link_token, str) or not is_token(link_token)):
        fail(400, "bad_token", "token must be the 32 characters of an invitation link")
    client = _client(request)
    allowed = await take_committed(
        services.sessionmaker, NEW_SESSIONS, services.clock(), client=client
    )
    if not allowed:
        fail(429, "too_many_sessions", "too many new chat sessions from here; try again later")
    token = secrets.token_urlsafe(32)
    await services.engine.handle(
        InboundMessage(
            channel=Channel.WEBCHAT,
            address=token,
            provider_id=f"open-{uuid.uuid4().hex}",
            start=True,
            payload=link_token or code,
            language_hints=tuple(hints),
            client=client,
        )
    )
    return web.json_response({"session": token}, status=201)


def _client(request: web.Request) -> str:
    """The client's keyed address (through trusted proxies), for limits."""
    services = request.app[SERVICES]
    address = client_address(request, services.settings.trusted_proxies)
    return client_key(services.vault, address)


async def _reader(request: web.Request) -> Reader:
    """The web chat contact of the session token in the path; 404 for an unknown one."""
    services = request.app[SERVICES]
    token = request.match_info["session"]
    reader = await reader_for(services.sessionmaker, services.vault, Channel.WEBCHAT, token)
    if reader is None:
        fail(404, "unknown_session", "no such chat session")
    return reader


@routes.post("/chat/api/sessions/{session}/messages")
async def post_message(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    reader = await _reader(request)
    offered = None
    if reader.person_id is not None:
        offered = await offered_choices(services.sessionmaker, reader.person_id)
    if offered is None:
        fail(410, "erased", "this conversation was deleted; start a new one")
    body = await json_body(request)
    text, choice, client_id = _parse_message(body, services.settings.max_text_length)
    if choice is not None and choice not in offered:
        fail(400, "choice_not_offered", "that choice is not offered now", offered=offered)
    # Stored for the inbox workers; answered once they processed it (or after a moment),
    # so the page's fetch right after finds the reply as when the step ran here.
    await accept(
        services,
        InboundMessage(
            channel=Channel.WEBCHAT,
            address=request.match_info["session"],
            provider_id=f"{reader.contact_id}-{client_id or uuid.uuid4().hex}",
            text=text,
            choice=choice,
            client=_client(request),
        ),
        wait=ANSWER_WAIT,
    )
    return web.json_response({"accepted": True}, status=202)


def _parse_message(
    body: dict[str, Any], max_length: int
) -> tuple[str | None, str | None, str | None]:
    unknown = set(body) - {"text", "choice", "id"}
    if unknown:
        fail(400, "unknown_field", f"unknown field(s): {', '.join(sorted(unknown))}")
    text, choice, client_id = body.get("text"), body.get("choice"), body.get("id")
    if (text is None) == (choice is None):
        fail(400, "bad_message", 'send either {"text": "..."} or {"choice": "<choice id>"}')
    if client_id is not None and (
        not isinstance(client_id, str) or not _CLIENT_ID.fullmatch(client_id)
    ):
        fail(400, "bad_id", "id must be 1 to 64 letters, digits, _ or -")
    if text is not None:
        if not isinstance(text, str) or not text.strip():
            fail(400, "bad_text", "text must be a non-empty string")
        if len(text) > max_length:
            fail(
                413,
                "text_too_long",
                f"text is longer than {max_length} characters",
                max_length=max_length,
            )
        return text, None, client_id
    if not isinstance(choice, str) or len(choice) > 100:
        fail(400, "bad_choice", "choice must be a choice id string")
    return None, choice, client_id


@routes.get("/chat/api/sessions/{session}/messages")
async def get_messages(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    reader = await _reader(request)
    after = request.query.get("after", "0")
    # ASCII digits only ("²".isdigit() is true), and within a 64-bit id.
    if not _MESSAGE_ID.fullmatch(after):
        fail(400, "bad_after", "after must be a message id (up to 18 digits)")
    # The person reads their own messages: fetched means delivered.
    messages = await fetch_for_reader(
        services.sessionmaker, services.vault, reader.contact_id, int(after), services.clock(),
        limit=PAGE_SIZE,
    )  # fmt: skip
    session = request.match_info["session"]
    return web.json_response(
        {
            "messages": [_shown(m, session, services.catalogs) for m in messages],
            # The person deleted their data: nothing more will come, posting is refused.
            "ended": reader.person_id is None,
        }
    )


def _shown(message: ReadMessage, session: str, catalogs: Catalogs) -> dict[str, Any]:
    lang = message.lang or "en"
    shown: dict[str, Any] = {
        "id": str(message.id),
        "from": "person" if message.incoming else "bot",
        "text": message.text,
        "choices": [_choice(choice, label) for choice, label in message.choices],
        # What a person typed may be in any language and script: not the conversation's.
        "lang": "" if message.incoming else lang,
        "dir": "auto" if message.incoming else direction(lang),
    }
    if message.attachment and message.attachment.startswith(REFERENCE):
        # Links that work only with this session's token (bot.web.mydata).
        shown["documents"] = chat_documents(session, message.attachment, catalogs[lang])
    elif message.attachment and message.attachment.startswith(LETTER_REFERENCE):
        shown["documents"] = rights.chat_documents(session, message.attachment, catalogs[lang])
    lines = message.text.split("\n")
    if len(message.line_langs) == len(lines):
        shown["lines"] = [
            {"text": line, "lang": code, "dir": direction(code)} if code else {"text": line}
            for line, code in zip(lines, message.line_langs, strict=True)
        ]
    return shown


def _choice(choice: str, label: str) -> dict[str, str]:
    """A language menu's button (`lang:<code>`) names its language in that language."""
    code = choice.removeprefix("lang:")
    if choice.startswith("lang:") and code in LANGUAGES:
        return {"id": choice, "label": label, "lang": code, "dir": direction(code)}
    return {"id": choice, "label": label}


@routes.get("/chat/api/sessions/{session}/consents")
async def consent_export(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    reader = await _reader(request)
    if reader.person_id is None:
        fail(410, "erased", "this conversation was deleted")
    # The person's own records, read by the person: no access log entry.
    document = await export_for_person(
        services.sessionmaker,
        reader.person_id,
        subject=f"lotse-person-{services.vault.pseudonym(str(reader.person_id))}",
        controller=services.operator.name,
        retention_days=services.settings.retention_days,
        catalogs=services.catalogs,
        default_language=services.settings.default_language,
    )
    return web.json_response(
        document,
        headers={"Content-Disposition": 'attachment; filename="lotse-consents.json"'},
        dumps=_dumps,
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
