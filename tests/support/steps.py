"""Flow steps by hand: a real database and the engine's own pieces (lookup, the engine's
Context, write-back), without the engine loop, the web app, a dispatcher or an adapter.

A test calls one flow's `enter` or `handle` with the Context of one person, in one
transaction as the engine would, and then looks at the step, the person and the book.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import select

from bot.config import Settings
from bot.consent import Decision
from bot.conversation import Context, Flow, Input, Operator, PersonView, Step
from bot.conversation.context import StepContext
from bot.conversation.lookup import find_or_create
from bot.conversation.state import write_step
from bot.conversation.step import StepRunner
from bot.db.models import Contact, Office
from bot.db.session import make_engine, make_sessionmaker
from bot.i18n import Catalogs
from bot.invitations import InvitationSender, code_of, create_invitation
from bot.invitations.request import InvitationRequest, Personal
from bot.kernel.crypto import Vault
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel, InboundMessage, Reply
from bot.offices import create_office
from bot.people import address_index
from bot.runtime.services import feature_ports
from flows import build_router
from flows.router import FlowRouter
from tests.support.clock import Clock

T = TypeVar("T")

OPERATOR = Operator("Stadt Musterstadt", "rathaus@musterstadt.example", "datenschutz@example.org")
#: The office that invites, and what it noted about the person.
OFFICE = "Bürgeramt Mitte"
PHONE = "+4915112345678"
ADDRESS = PostalAddress("Amal Haddad", "Hauptstraße 1", "12345", "Musterstadt")
AT_OFFICE = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
OFFICE_NOTICE = "office-2026-01"
_provider_ids = itertools.count()


class Bench:
    """The engine's pieces on the test's database, wired as the runtime wires them."""

    def __init__(self, settings: Settings, clock: Clock, catalogs: Catalogs) -> None:
        self.settings = settings
        self.clock = clock
        self.catalogs = catalogs
        self.db = make_engine(settings.database_url)
        self.sessionmaker = make_sessionmaker(self.db)
        self.vault = Vault(settings.secret_key)
        self.router: FlowRouter = build_router(catalogs)
        self.runner = StepRunner(
            router=self.router,
            catalogs=catalogs,
            settings=settings,
            vault=self.vault,
            operator=OPERATOR,
            ports=feature_ports(settings),
        )
        #: No provider is available: an invitation goes out as a letter.
        self.invitations = InvitationSender(
            settings=settings, vault=self.vault, catalogs=catalogs, available=frozenset()
        )

    async def close(self) -> None:
        await self.db.dispose()

    async def invitation(
        self,
        reference: str = "AZ-1",
        channels: tuple[Channel, ...] = (Channel.SMS, Channel.LETTER),
    ) -> str:
        """An invitation of OFFICE to PHONE and ADDRESS in Arabic; its connect code."""
        request = InvitationRequest(
            reference=reference, language="ar", channels=channels,
            personal=Personal(phone=PHONE, postal_address=ADDRESS),
            consent_recorded_at=AT_OFFICE, notice_version=OFFICE_NOTICE,
        )  # fmt: skip
        async with self.sessionmaker() as session, session.begin():
            office = await session.scalar(select(Office).where(Office.name == OFFICE))
            if office is None:
                office = await create_office(session, slug="mitte", name=OFFICE)
            invitation, _ = await create_invitation(
                session, office=office, request=request, sender=self.invitations, now=self.clock()
            )
            return code_of(self.vault, invitation)

    def person(
        self,
        address: str = "unit-session",
        *,
        channel: Channel = Channel.WEBCHAT,
        hints: tuple[str, ...] = ("en",),
        client: str | None = None,
    ) -> StepPerson:
        """Someone writing from `address` (created by their first step, as by the engine)."""
        return StepPerson(self, channel, address, hints, client)


class StepPerson:
    def __init__(
        self,
        bench: Bench,
        channel: Channel,
        address: str,
        hints: tuple[str, ...],
        client: str | None,
    ) -> None:
        self.bench, self.channel, self.address = bench, channel, address
        self.hints, self.client = hints, client

    async def step(self, act: Callable[[Context], Awaitable[Step | None]]) -> Step | None:
        """`act` in one transaction with this person's Context; what it changed is written
        back as the engine writes it. None (not understood) leaves the conversation as is."""
        bench = self.bench
        now = bench.clock()
        message = InboundMessage(
            channel=self.channel,
            address=self.address,
            provider_id=f"unit-{next(_provider_ids)}",
            language_hints=self.hints,
            client=self.client,
        )
        async with bench.sessionmaker() as session, session.begin():
            sender = await find_or_create(
                session, bench.vault, message, now, postgres=not bench.settings.is_sqlite
            )
            ctx = bench.runner.context(session, *sender, message, now)
            step = await act(ctx)
            done = step or Step((), ctx.conversation.flow, ctx.conversation.step,
                                dict(ctx.conversation.data))  # fmt: skip
            await write_step(
                session, ctx, sender, done, now, catalogs=bench.catalogs, vault=bench.vault
            )
        return step

    async def enter(self, flow: Flow, data: Mapping[str, Any] | None = None) -> Step:
        step = await self.step(lambda ctx: flow.enter(ctx, data or {}))
        assert step is not None
        return step

    async def handle(
        self, flow: Flow, step: str, given: Input, data: Mapping[str, Any] | None = None
    ) -> Step | None:
        return await self.step(lambda ctx: flow.handle(ctx, step, data or {}, given))

    async def read(self, look: Callable[[StepContext], Awaitable[T]]) -> T:
        """A look at the person through a fresh Context; nothing is written."""
        bench = self.bench
        message = InboundMessage(self.channel, self.address, "read", language_hints=self.hints)
        # No commit: the session's transaction is rolled back when it closes.
        async with bench.sessionmaker() as session:
            sender = await find_or_create(
                session, bench.vault, message, bench.clock(), postgres=not bench.settings.is_sqlite
            )
            return await look(bench.runner.context(session, *sender, message, bench.clock()))

    async def view(self) -> PersonView:
        """The person as stored now."""

        async def person(ctx: StepContext) -> PersonView:
            return ctx.person

        return await self.read(person)

    async def decisions(self) -> list[Decision]:
        return await self.read(lambda ctx: ctx.consent_history())

    async def opted_out(self) -> bool:
        async def opted(ctx: StepContext) -> bool:
            return ctx.opted_out

        return await self.read(opted)

    async def person_id(self) -> int | None:
        """None once the person is erased (their contact then only carries the goodbye)."""
        index = address_index(self.bench.vault, self.channel, self.address)
        async with self.bench.sessionmaker() as session:
            return await session.scalar(
                select(Contact.person_id).where(
                    Contact.channel == self.channel.value, Contact.address_index == index
                )
            )


def msgids(*replies: Reply) -> list[str]:
    """The catalog ids of the replies' paragraphs, in order."""
    return [text.msgid for reply in replies for text in reply.texts]


def choice_ids(reply: Reply) -> list[str]:
    return [choice.id for choice in reply.choices]
