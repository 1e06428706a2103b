"""The web chat: the page at /chat and the JSON API it (and scripted clients) use."""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import select, update

from bot.consent import export
from bot.db.models import ConsentRecord, Contact, Conversation, Message, Person
from bot.i18n import direction, negotiate, parse_accept_language
from bot.invitations import is_token
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, Direction, InboundMessage, OutboxStatus
from bot.messaging import decode_body
from bot.people import address_index
from bot.runtime import fail, json_body
from bot.throttle import Limit, client_key, take
from bot.web.chat import openapi as chat_openapi
from bot.web.client_address import client_address
from bot.web.keys import SERVICES

routes = web.RouteTableDef()
STATIC = Path(__file__).parent.parent / "static"
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MESSAGE_ID = re.compile(r"[0-9]{1,18}")
#: New anonymous sessions one client address may open per hour (shared accommodation
#: and carrier NAT put many people behind one address).
NEW_SESSIONS = Limit("chat-session", 60, timedelta(hours=1))
PAGE_SIZE = 200
PENDING = (OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value)


@routes.get("/chat")
async def chat_page(request: web.Request) -> web.FileResponse:
    response = web.FileResponse(STATIC / "chat.html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


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
    async with services.sessionmaker() as session, session.begin():
        allowed = await take(session, NEW_SESSIONS, services.clock(), client=client)
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


async def _contact(request: web.Request) -> tuple[Contact, Conversation | None]:
    services = request.app[SERVICES]
    token = request.match_info["session"]
    index = address_index(services.vault, Channel.WEBCHAT, token)
    async with services.sessionmaker() as session:
        row = (
            await session.execute(
                select(Contact, Conversation)
                .outerjoin(Conversation, Conversation.person_id == Contact.person_id)
                .where(Contact.channel == Channel.WEBCHAT.value, Contact.address_index == index)
            )
        ).first()
    if row is None:
        fail(404, "unknown_session", "no such chat session")
    return row[0], row[1]


@routes.post("/chat/api/sessions/{session}/messages")
async def post_message(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    contact, conversation = await _contact(request)
    if contact.person_id is None or conversation is None:
        fail(410, "erased", "this conversation was deleted; start a new one")
    body = await json_body(request)
    text, choice, client_id = _parse_message(body, services.settings.max_text_length)
    if choice is not None and choice not in conversation.offered:
        fail(
            400,
            "choice_not_offered",
            "that choice is not offered now",
            offered=conversation.offered,
        )
    await services.engine.handle(
        InboundMessage(
            channel=Channel.WEBCHAT,
            address=request.match_info["session"],
            provider_id=f"{contact.id}-{client_id or uuid.uuid4().hex}",
            text=text,
            choice=choice,
            client=_client(request),
        )
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
    contact, _ = await _contact(request)
    after = request.query.get("after", "0")
    # ASCII digits only ("²".isdigit() is true), and within a 64-bit id.
    if not _MESSAGE_ID.fullmatch(after):
        fail(400, "bad_after", "after must be a message id (up to 18 digits)")
    async with services.sessionmaker() as session, session.begin():
        found = await session.scalars(
            select(Message)
            .where(Message.contact_id == contact.id, Message.id > int(after))
            .order_by(Message.id)
            .limit(PAGE_SIZE)
        )
        rows = _until_pending(found)
        unread = [m.id for m in rows if m.status == OutboxStatus.SENT.value]
        if unread:
            now = services.clock()
            await session.execute(
                update(Message)
                .where(Message.id.in_(unread))
                .values(status=OutboxStatus.DELIVERED.value, delivered_at=now)
            )
    return web.json_response(
        {
            "messages": [_shown(services.vault, m) for m in rows],
            # The person deleted their data: nothing more will come, posting is refused.
            "ended": contact.person_id is None,
        }
    )


def _until_pending(messages: Iterable[Message]) -> list[Message]:
    """Messages up to the first one still in the outbox, so a client's `after`
    cursor never moves past a reply that is not sent yet."""
    shown = []
    for message in messages:
        if message.direction == Direction.OUT.value and message.status in PENDING:
            break
        if message.body_enc is not None:
            shown.append(message)
    return shown


def _shown(vault: Vault, message: Message) -> dict[str, Any]:
    body = decode_body(vault, message.body_enc or "")
    lang = message.lang or "en"
    return {
        "id": str(message.id),
        "from": "person" if message.direction == Direction.IN.value else "bot",
        "text": body["text"],
        "choices": [{"id": c[0], "label": c[1]} for c in body.get("choices", [])],
        "lang": lang,
        "dir": direction(lang),
    }


@routes.get("/chat/api/sessions/{session}/consents")
async def consent_export(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    contact, _ = await _contact(request)
    if contact.person_id is None:
        fail(410, "erased", "this conversation was deleted")
    async with services.sessionmaker() as session:
        records = list(
            await session.scalars(
                select(ConsentRecord)
                .where(ConsentRecord.person_id == contact.person_id)
                .order_by(ConsentRecord.id)
            )
        )
        person = await session.get(Person, contact.person_id)
    assert person is not None
    document = export(
        records,
        subject=f"lotse-person-{services.vault.pseudonym(str(person.id))}",
        controller=services.operator.name,
        retention_days=services.settings.retention_days,
    )
    return web.json_response(
        document,
        headers={"Content-Disposition": 'attachment; filename="lotse-consents.json"'},
        dumps=_dumps,
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
