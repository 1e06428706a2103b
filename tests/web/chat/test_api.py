"""Bad requests to the chat API get a clear error and change nothing."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

from sqlalchemy import func, select

from bot.db.models import Invitation, Message
from bot.invitations.codes import token_of
from bot.kernel.types import Channel
from bot.runtime.logs import AccessLogger
from bot.runtime.services import Services
from bot.web.chat.routes import NEW_SESSIONS
from tests.support.factories import ChatPerson
from tests.support.invitations import invite


async def message_count(services: Services) -> int:
    async with services.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Message)) or 0)


async def opened(client, services) -> ChatPerson:
    person = ChatPerson(client, services)
    await person.open(language="en")
    return person


async def test_unknown_session_is_404(client, services) -> None:
    for method, path in [
        ("POST", "/chat/api/sessions/nope/messages"),
        ("GET", "/chat/api/sessions/nope/messages"),
        ("GET", "/chat/api/sessions/nope/consents"),
    ]:
        response = await client.request(method, path, json={"text": "hi"})
        assert response.status == 404
        assert (await response.json())["error"] == "unknown_session"


async def test_bad_bodies_are_400_and_store_nothing(client, services) -> None:
    person = await opened(client, services)
    before = await message_count(services)
    url = f"/chat/api/sessions/{person.session}/messages"
    cases = [
        (b"{not json", "bad_json"),
        (b"[1, 2]", "bad_json"),
        (b"{}", "bad_message"),
        (json.dumps({"text": "a", "choice": "continue"}).encode(), "bad_message"),
        (json.dumps({"text": 5}).encode(), "bad_text"),
        (json.dumps({"text": "   "}).encode(), "bad_text"),
        (json.dumps({"choice": ["x"]}).encode(), "bad_choice"),
        (json.dumps({"text": "hi", "extra": 1}).encode(), "unknown_field"),
        (json.dumps({"text": "hi", "id": "has spaces"}).encode(), "bad_id"),
        (json.dumps({"choice": "delete"}).encode(), "choice_not_offered"),
        ("\udcff".encode("utf-8", "surrogatepass"), "bad_json"),
        (b'{"text": "hi \\ud800 there"}', "bad_json"),  # a lone surrogate, JSON-escaped
        (b'{"text": "\\udc00"}', "bad_json"),
        (b'{"text": ' + b"[" * 30_000 + b"]" * 30_000 + b"}", "bad_json"),  # nested too deep
    ]
    for raw, code in cases:
        response = await client.post(url, data=raw, headers={"Content-Type": "application/json"})
        assert response.status == 400, (raw, response.status)
        body = await response.json()
        assert body["error"] == code, (raw, body)
        assert body["detail"]
    assert await message_count(services) == before


async def test_creating_a_session_with_bad_json_is_400(client, services) -> None:
    for raw in (b"[" * 30_000 + b"]" * 30_000, b'{"language": "\\ud800"}', b'{"code": [[[[]]]]}'):
        response = await client.post(
            "/chat/api/sessions", data=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status == 400, raw[:40]
        assert (await response.json())["error"] in {"bad_json", "bad_code"}


async def test_an_after_that_is_no_message_id_is_400(client, services) -> None:
    person = await opened(client, services)
    url = f"/chat/api/sessions/{person.session}/messages"
    for after in ("\u00b2", "1\u00b3", "\u0663", "9" * 40, "-1", "1.5", ""):
        response = await client.get(url, params={"after": after})
        assert response.status == 400, after
        assert (await response.json())["error"] == "bad_after"
    assert (await client.get(url, params={"after": "9" * 18})).status == 200


async def test_nothing_personal_may_be_cached(client, services) -> None:
    person = await opened(client, services)
    for path in (
        f"/chat/api/sessions/{person.session}/messages",
        f"/chat/api/sessions/{person.session}/consents",
        "/chat",
    ):
        response = await client.get(path)
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-store", path
    response = await client.post("/chat/api/sessions/nope/messages", json={"text": "x"})
    assert response.headers["Cache-Control"] == "no-store"


async def test_too_long_text_is_413(client, services) -> None:
    person = await opened(client, services)
    before = await message_count(services)
    limit = services.settings.max_text_length
    status = await person.post(text="x" * (limit + 1))
    assert status == 413
    assert await message_count(services) == before


async def test_oversized_body_is_413(client, services) -> None:
    person = await opened(client, services)
    before = await message_count(services)
    response = await client.post(
        f"/chat/api/sessions/{person.session}/messages",
        data=json.dumps({"text": "x" * 200_000}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 413
    assert await message_count(services) == before


async def test_unknown_language_is_400_listing_the_supported(client, services) -> None:
    response = await client.post("/chat/api/sessions", json={"language": "xx"})
    assert response.status == 400
    body = await response.json()
    assert body["error"] == "unknown_language" and "ckb" in body["supported"]
    assert await message_count(services) == 0


async def test_same_client_id_is_processed_once(client, services) -> None:
    person = await opened(client, services)
    for _ in range(3):
        assert await person.post(choice="continue", id="retry-1") == 202
    await person.replies()
    inbound = [m for m in person.seen if m["from"] == "person"]
    assert len(inbound) == 1
    bot = [m for m in person.seen if m["from"] == "bot"]
    assert len(bot) == 2  # the greeting and one "about" answer, not three


async def test_after_returns_only_newer_messages_oldest_first(client, services) -> None:
    person = await opened(client, services)
    await person.choose("continue")
    ids = [int(m["id"]) for m in person.seen]
    assert ids == sorted(ids)
    response = await client.get(
        f"/chat/api/sessions/{person.session}/messages", params={"after": str(ids[0])}
    )
    again = (await response.json())["messages"]
    assert [int(m["id"]) for m in again] == ids[1:]
    bad = await client.get(f"/chat/api/sessions/{person.session}/messages", params={"after": "abc"})
    assert bad.status == 400


async def test_person_messages_show_the_chosen_label(client, services) -> None:
    person = await opened(client, services)
    await person.choose("continue")
    mine = [m for m in person.seen if m["from"] == "person"]
    assert mine[0]["text"] == "Continue"


async def test_consents_export_as_json(client, services) -> None:
    person = await opened(client, services)
    await person.choose("continue")
    await person.choose("continue")
    await person.choose("yes")
    response = await client.get(f"/chat/api/sessions/{person.session}/consents")
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = await response.json()
    assert document["controller"]["name"] == services.operator.name
    [record] = document["records"]
    assert record["state"] == "given" and record["channel"] == "webchat"
    assert record["notice"]["language"] == "en" and record["method"] == "chat"
    assert record["record_id"] and record["timestamp"].startswith("2026-11-23")


async def test_access_log_hides_session_tokens(client, services, caplog) -> None:
    person = await opened(client, services)
    response = await client.get(f"/chat/api/sessions/{person.session}/messages")
    logger = AccessLogger(logging.getLogger("test.access"), "")
    request = SimpleNamespace(method="GET", path=response.url.path)
    with caplog.at_level(logging.INFO, logger="test.access"):
        logger.log(request, response, 0.01)  # type: ignore[arg-type]
    assert person.session in response.url.path
    assert person.session not in caplog.text
    assert "GET /chat/api/sessions/…/messages 200" in caplog.text


async def test_one_address_may_open_sixty_sessions_an_hour(client, services, clock) -> None:
    for _ in range(NEW_SESSIONS.most):
        assert (await client.post("/chat/api/sessions", json={})).status == 201
    refused = await client.post("/chat/api/sessions", json={})
    assert refused.status == 429
    assert (await refused.json())["error"] == "too_many_sessions"
    clock.advance(hours=1, seconds=1)
    assert (await client.post("/chat/api/sessions", json={})).status == 201


async def test_a_link_token_opens_a_connected_chat(client, services, clock) -> None:
    invitation = await invite(services, clock(), language="de", channels=(Channel.LETTER,))
    token = token_of(services.vault, invitation)
    response = await client.post("/chat/api/sessions", json={"token": token})
    assert response.status == 201
    person = ChatPerson(client, services)
    person.session = (await response.json())["session"]
    texts = " ".join(m["text"] for m in await person.replies())
    assert "Bürgeramt Mitte" in texts
    async with services.sessionmaker() as session:
        stored = await session.get(Invitation, invitation.id)
    assert stored is not None and (stored.status, stored.connected_by) == ("connected", "token")
    for bad in ("short", "x" * 33, token[:-1] + "!"):
        answer = await client.post("/chat/api/sessions", json={"token": bad})
        assert answer.status == 400 and (await answer.json())["error"] == "bad_token"
