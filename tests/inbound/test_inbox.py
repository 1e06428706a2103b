"""The inbox: acknowledged messages are processed once, in order per sender, by any
process; a flow's failure is answered; a database that is away costs nothing."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.config import Settings
from bot.conversation import Context, Input, Step
from bot.db.models import InboxEntry, Message
from bot.db.session import make_engine, make_sessionmaker
from bot.i18n import Catalogs
from bot.inbound import Accepted, Inbox, Spool, SpoolFull, database_away
from bot.kernel.types import Channel, InboundMessage
from bot.messaging import decode_body
from bot.runtime import Services, accept
from flows import build_router
from tests.support.clock import Clock
from tests.support.factories import build_test_services


def sms(number: str, sid: str, text: str) -> InboundMessage:
    return InboundMessage(channel=Channel.SMS, address=number, provider_id=sid, text=text)


async def inbound_texts(services: Services) -> dict[int, list[str]]:
    """Each contact's processed inbound texts, in processing (id) order."""
    async with services.sessionmaker() as session:
        rows = await session.scalars(
            select(Message).where(Message.direction == "in").order_by(Message.id)
        )
        texts: dict[int, list[str]] = {}
        for row in rows:
            body = decode_body(services.vault, row.body_enc) if row.body_enc else {}
            texts.setdefault(row.contact_id, []).append(str(body.get("text")))
    return texts


async def queued(services: Services) -> int:
    async with services.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(InboxEntry)) or 0)


async def test_a_message_is_stored_answered_then_processed_once(services: Services) -> None:
    message = sms("+4915112345678", "SM1", "Hallo")
    assert await services.inbox.accept(message) is Accepted.NEW
    assert await services.inbox.accept(message) is Accepted.REPEATED  # the provider's retry
    assert await queued(services) == 1 and await inbound_texts(services) == {}
    assert await services.inbox.process_pending() == 1
    assert await queued(services) == 0
    assert list((await inbound_texts(services)).values()) == [["Hallo"]]
    # A retry after processing is recognised too, and nothing is queued again.
    assert await services.inbox.accept(message) is Accepted.REPEATED
    assert await services.inbox.process_pending() == 0
    async with services.sessionmaker() as session:
        replies = await session.scalar(
            select(func.count()).select_from(Message).where(Message.direction == "out")
        )
    assert replies and replies >= 1


async def test_two_processes_share_no_message_and_keep_each_senders_order(
    services: Services, settings: Settings, clock: Clock
) -> None:
    other = await build_test_services(settings, clock)  # a second process: its own pool
    try:
        numbers = [f"+49151000000{i:02d}" for i in range(6)]
        for round_ in range(5):
            for number in numbers:
                await services.inbox.accept(sms(number, f"SM{number}-{round_}", f"m{round_}"))
        # Four workers in each process, all at once.
        done = await asyncio.gather(
            *(inbox.process_pending() for inbox in [services.inbox, other.inbox] * 4)
        )
        assert sum(done) == 30
        texts = await inbound_texts(services)
        assert len(texts) == 6
        assert all(sent == [f"m{i}" for i in range(5)] for sent in texts.values()), texts
    finally:
        await other.close()


async def test_a_message_acknowledged_before_a_crash_is_processed_after_it(
    services: Services, settings: Settings, clock: Clock
) -> None:
    await services.inbox.accept(sms("+4915112345678", "SM-before-crash", "Hallo"))
    await services.close()  # the process is gone before any worker ran
    restarted = await build_test_services(settings, clock)
    try:
        assert await restarted.inbox.process_pending() == 1
        assert list((await inbound_texts(restarted)).values()) == [["Hallo"]]
    finally:
        await restarted.close()


class Exploding:
    async def enter(self, ctx: Context, data: dict[str, Any]) -> Step:
        raise RuntimeError("bug in a flow")

    async def handle(
        self, ctx: Context, step: str, data: dict[str, Any], given: Input
    ) -> Step | None:
        raise RuntimeError("bug in a flow")


async def test_a_failing_flow_is_answered_with_an_apology_and_leaves_the_inbox(
    services: Services, settings: Settings, clock: Clock
) -> None:
    def router(catalogs: Catalogs) -> Any:  # the real flows, the menu broken
        real = build_router(catalogs)
        real._flows["menu"] = Exploding()
        return real

    from adapters.webchat import WebChatAdapter
    from bot.runtime import build_services

    broken = await build_services(
        settings, router_factory=router, adapters={Channel.WEBCHAT: WebChatAdapter()}, clock=clock
    )
    try:
        hello: dict[str, Any] = {"channel": Channel.WEBCHAT, "address": "tok-3"}
        opened = InboundMessage(**hello, provider_id="o", start=True, language_hints=("en",))
        await broken.inbox.accept(opened)
        for i, choice in enumerate(["continue", "continue", "yes"]):
            await broken.inbox.accept(InboundMessage(**hello, provider_id=f"c{i}", choice=choice))
        await broken.inbox.accept(InboundMessage(**hello, provider_id="boom", text="anything"))
        assert await broken.inbox.process_pending() == 5
        assert await queued(broken) == 0
        async with broken.sessionmaker() as session:
            statuses = list(
                await session.scalars(
                    select(Message.status).where(Message.direction == "in").order_by(Message.id)
                )
            )
            bodies = list(
                await session.scalars(
                    select(Message.body_enc).where(Message.direction == "out").order_by(Message.id)
                )
            )
        # "yes" finished onboarding into the broken menu: that message is kept as seen
        # ("error", so it is not processed again), the person gets an apology, and the
        # next message is processed normally.
        assert statuses == ["processed", "processed", "processed", "error", "processed"]
        texts = [str(decode_body(broken.vault, body)["text"]) for body in bodies if body]
        assert any("Sorry, something went wrong on our side" in text for text in texts)
    finally:
        await broken.close()


def away(settings: Settings, tmp_path: Path) -> str:
    """A database URL nothing answers at, for the dialect under test."""
    if settings.is_sqlite:
        return f"sqlite+aiosqlite:///{tmp_path}/missing/dir/lotse.sqlite3"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, never listening: connections are refused
        return f"postgresql+asyncpg://lotse:lotse@127.0.0.1:{port}/lotse"


def inbox_on(services: Services, url: str, spool: Spool) -> Inbox:
    """The same Lotse's inbox on a database at `url` (its spool shared)."""
    return Inbox(
        sessionmaker=make_sessionmaker(make_engine(url)),
        engine=services.engine,
        vault=services.vault,
        spool=spool,
        postgres=not services.settings.is_sqlite,
        workers=1,
        accept_timeout=2.0,
        clock=services.clock,
    )


async def test_while_the_database_is_away_messages_wait_in_the_spool_then_go_on_in_order(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    spool = services.inbox.spool
    cut_off = inbox_on(services, away(settings, tmp_path), spool)
    for i in range(3):
        assert await cut_off.accept(sms("+4915112345678", f"SM-away-{i}", f"Hallo m{i}")) is (
            Accepted.SPOOLED
        )
    assert spool.count == 3 and await queued(services) == 0
    # Nothing readable on disk: not the number, not the text.
    for path in spool.files():
        data = path.read_bytes()
        assert b"15112345678" not in data and b"Hallo" not in data
        assert path.stat().st_mode & 0o077 == 0
    # The database is back: a newer message waits behind the spooled ones.
    assert await services.inbox.accept(sms("+4915112345678", "SM-back", "m3")) is (Accepted.SPOOLED)
    assert await services.inbox.process_pending() == 4
    assert spool.count == 0 and spool.files() == []
    assert list((await inbound_texts(services)).values()) == [
        ["Hallo m0", "Hallo m1", "Hallo m2", "m3"]
    ]
    # A spooled message that was also stored (a crash between commit and unlink) is
    # stored once.
    await cut_off.accept(sms("+4915112345678", "SM-away-0", "m0"))
    assert await services.inbox.process_pending() == 0


async def test_a_full_spool_refuses_with_503_and_keeps_what_it_has(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    spool = Spool(tmp_path / "small-spool", max_messages=2)
    cut_off = inbox_on(services, away(settings, tmp_path), spool)
    full = dataclasses.replace(services, inbox=cut_off)
    assert await accept(full, sms("+4915112345678", "SM-a", "a")) is Accepted.SPOOLED
    assert await accept(full, sms("+4915112345678", "SM-b", "b")) is Accepted.SPOOLED
    with pytest.raises(web.HTTPServiceUnavailable) as refused:
        await accept(full, sms("+4915112345678", "SM-c", "c"))
    assert '"unavailable"' in refused.value.text
    assert len(spool.files()) == 2
    with pytest.raises(SpoolFull):
        spool.write(spool.read(spool.files()[0]))  # type: ignore[arg-type]


def test_an_unreadable_spool_file_is_moved_aside_not_lost(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool", max_messages=10)
    spool.directory.mkdir()
    broken = spool.directory / "00000000000000000001-1-000001.msg"
    broken.write_bytes(b"not json")
    assert spool.read(broken) is None
    assert (spool.directory / "unreadable" / broken.name).read_bytes() == b"not json"
    assert spool.files() == []


def test_a_server_shutting_down_counts_as_away_a_broken_statement_does_not() -> None:
    class Orig(Exception):
        def __init__(self, sqlstate: str) -> None:
            self.sqlstate = sqlstate

    assert database_away(DBAPIError("INSERT", {}, Orig("57P03")))  # cannot connect now
    assert database_away(DBAPIError("INSERT", {}, Orig("08006")))  # connection failure
    assert not database_away(IntegrityError("INSERT", {}, Orig("23505")))
    assert not database_away(RuntimeError("bug in a flow"))


async def test_a_chat_message_is_answered_once_processed_when_workers_run(
    services: Services,
) -> None:
    """The web chat's POST waits (briefly) for its step, so the page's fetch right after
    finds the person's message processed, as when the step ran inside the request."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import make_app

    async with TestClient(
        TestServer(make_app(services, dispatch=True), host="127.0.0.1")
    ) as client:
        opened = await client.post("/chat/api/sessions", json={"language": "en"})
        session = (await opened.json())["session"]
        url = f"/chat/api/sessions/{session}/messages"
        history: list[dict[str, Any]] = []
        for _ in range(100):  # the greeting, once the dispatcher has sent it
            history = (await (await client.get(url)).json())["messages"]
            if history:
                break
            await asyncio.sleep(0.05)
        posted = await client.post(url, json={"text": "hello there", "id": "m1"})
        assert posted.status == 202
        assert await queued(services) == 0  # processed before the answer
        shown = await (await client.get(url, params={"after": history[-1]["id"]})).json()
        first = shown["messages"][0]
        assert (first["from"], first["text"]) == ("person", "hello there")
