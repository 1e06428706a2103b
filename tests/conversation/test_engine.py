from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from bot.conversation.engine import InboundOutcome
from bot.conversation.flow import Context, Input, Step
from bot.db.models import Conversation, Message
from bot.i18n.catalogs import Catalogs
from bot.kernel.types import Channel, InboundMessage, Reply, t
from flows import build_router
from tests.support.factories import ChatPerson, build_test_services
from tests.support.flows import onboard


async def test_restart_mid_conversation_loses_nothing(client, services, settings, clock) -> None:
    person = ChatPerson(client, services)
    await person.open(language="uk")
    await person.choose("continue")
    await person.choose("continue")  # now at the consent question
    await services.close()
    # A new process: new engine, new connection pool, same database.
    restarted = await build_test_services(settings, clock)
    try:
        from aiohttp.test_utils import TestClient, TestServer

        from bot.web.app import make_app

        async with TestClient(
            TestServer(make_app(restarted, dispatch=False), host="127.0.0.1")
        ) as new_client:
            again = ChatPerson(new_client, restarted)
            again.session, again.seen = person.session, person.seen
            assert again.offered == ["yes", "no"]
            bot = await again.choose("yes")
            assert bot[0]["lang"] == "uk"
            assert again.offered[0] == "advice"
    finally:
        await restarted.close()


async def test_stale_conversation_times_out_to_the_menu(client, services, clock) -> None:
    person = ChatPerson(client, services)
    await person.open(language="en")
    await onboard(person, ["yes"])
    await person.choose("delete")  # a question is open
    clock.advance(minutes=services.settings.conversation_timeout_minutes + 1)
    bot = await person.say("yes")
    assert "We have not heard from you for a while" in bot[0]["text"]
    assert person.offered[0] == "advice"  # the menu, nothing deleted
    async with services.sessionmaker() as session:
        conversation = await session.scalar(select(Conversation))
    assert conversation is not None and conversation.flow == "menu"


async def test_stale_onboarding_starts_again_from_the_start(client, services, clock) -> None:
    person = ChatPerson(client, services)
    await person.open(language="en")
    await person.choose("continue")
    clock.advance(hours=5)
    bot = await person.say("1")
    assert "We have not heard from you" in bot[0]["text"]
    assert person.offered == ["continue", "other-language"]


async def test_engine_drops_a_repeated_provider_id(services) -> None:
    message = InboundMessage(
        channel=Channel.WEBCHAT,
        address="tok-1",
        provider_id="p-1",
        start=True,
        language_hints=("en",),
    )
    first = await services.engine.handle(message)
    second = await services.engine.handle(message)
    assert (first.outcome, second.outcome) == (InboundOutcome.PROCESSED, InboundOutcome.DUPLICATE)
    async with services.sessionmaker() as session:
        inbound = await session.scalar(
            select(func.count()).select_from(Message).where(Message.direction == "in")
        )
    assert inbound == 1


async def test_concurrent_messages_of_one_person_are_processed_one_after_another(services) -> None:
    opened = InboundMessage(
        channel=Channel.WEBCHAT,
        address="tok-2",
        provider_id="open",
        start=True,
        language_hints=("en",),
    )
    await services.engine.handle(opened)
    results = await asyncio.gather(
        *(
            services.engine.handle(
                InboundMessage(
                    channel=Channel.WEBCHAT, address="tok-2", provider_id=f"m{i}", choice="continue"
                )
            )
            for i in range(5)
        )
    )
    assert all(r.outcome is InboundOutcome.PROCESSED for r in results)
    async with services.sessionmaker() as session:
        conversation = await session.scalar(select(Conversation))
        inbound = await session.scalar(
            select(func.count()).select_from(Message).where(Message.direction == "in")
        )
    assert inbound == 6
    # welcome → about → consent; then three "continue"s that were not understood.
    assert conversation is not None and conversation.step == "consent"


class Exploding:
    """A flow with a bug, to see what a person gets when a step raises."""

    name = "menu"

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        return Step((Reply((t("Main menu. What would you like to do?"),)),), "menu", "x", {})

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        return Reply((t("Main menu. What would you like to do?"),))

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        raise RuntimeError("bug in a flow")


async def test_a_failing_step_gets_an_apology_and_is_not_retried(settings, clock) -> None:
    from adapters.webchat import WebChatAdapter
    from bot.runtime.services import build_services
    from tests.support.factories import seed_municipality

    await seed_municipality(settings)

    def router(catalogs: Catalogs):  # the real flows, with the menu swapped for a broken one
        real = build_router(catalogs)
        real._flows["menu"] = Exploding()
        return real

    broken = await build_services(
        settings, router_factory=router, adapters={Channel.WEBCHAT: WebChatAdapter()}, clock=clock
    )
    try:
        engine = broken.engine
        hello = dict(channel=Channel.WEBCHAT, address="tok-3")
        await engine.handle(
            InboundMessage(**hello, provider_id="o", start=True, language_hints=("en",))
        )
        for i, choice in enumerate(["continue", "continue", "yes"]):
            await engine.handle(InboundMessage(**hello, provider_id=f"c{i}", choice=choice))
        crash = InboundMessage(**hello, provider_id="boom", text="anything")
        assert (await engine.handle(crash)).outcome is InboundOutcome.FAILED
        assert (await engine.handle(crash)).outcome is InboundOutcome.DUPLICATE
        async with broken.sessionmaker() as session:
            statuses = list(
                await session.scalars(
                    select(Message.status).where(Message.direction == "in").order_by(Message.id)
                )
            )
            last = list(
                await session.scalars(
                    select(Message).where(Message.direction == "out").order_by(Message.id)
                )
            )[-2:]
        assert statuses[-1] == "error"
        texts = [broken.engine._vault.decrypt(m.body_enc) for m in last]
        assert "Sorry, something went wrong on our side" in texts[0]
    finally:
        await broken.close()


async def test_a_message_lotse_made_itself_shows_no_activity_of_the_person(services, clock) -> None:
    """A transfer's result continues the conversation through the inbox; it must not
    open WhatsApp's 24-hour window as if the person had written, nor unblock them."""
    from bot.db.models import Contact

    number = "+4915112345678"
    written = InboundMessage(Channel.WHATSAPP, number, "wa-1", text="Hallo", language_hints=("de",))
    await services.engine.handle(written)
    async with services.sessionmaker() as session, session.begin():
        contact = await session.scalar(select(Contact).where(Contact.channel == "whatsapp"))
        assert contact is not None and contact.last_inbound_at is not None
        seen = contact.last_inbound_at
        contact.reachable = False
    clock.advance(hours=25)
    made = InboundMessage(Channel.WHATSAPP, number, "wa-2", payload="transfer-result:1",
                          internal=True)  # fmt: skip
    assert (await services.engine.handle(made)).outcome is InboundOutcome.PROCESSED
    async with services.sessionmaker() as session:
        contact = await session.scalar(select(Contact).where(Contact.channel == "whatsapp"))
        assert contact is not None
        assert (contact.last_inbound_at, contact.reachable) == (seen, False)
    # What the person writes next is activity again.
    await services.engine.handle(InboundMessage(Channel.WHATSAPP, number, "wa-3", text="1"))
    async with services.sessionmaker() as session:
        contact = await session.scalar(select(Contact).where(Contact.channel == "whatsapp"))
        assert contact is not None and contact.reachable and contact.last_inbound_at > seen
