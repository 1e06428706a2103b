"""The engine: inbound → person → flow step → new state + outbox rows, in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.conversation.context import StepContext
from bot.conversation.flow import Operator, Router
from bot.conversation.inbox import store_inbound
from bot.conversation.lookup import find_or_create
from bot.conversation.scope import Ports
from bot.conversation.state import write_step
from bot.conversation.step import StepRunner, read_input
from bot.db.models import Contact, Conversation, Person
from bot.i18n import Catalogs
from bot.kernel.clock import utcnow
from bot.kernel.crypto import Vault
from bot.kernel.types import InboundMessage, InboxStatus

log = logging.getLogger(__name__)


class Duplicate(Exception):
    """The provider id was stored before: this delivery is a repeat."""

    def __init__(self, person_id: int, contact_id: int) -> None:
        super().__init__("repeated delivery")
        self.handled = Handled(InboundOutcome.DUPLICATE, person_id, contact_id)


class InboundOutcome(StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    FAILED = "failed"  # the flow raised; the person got an apology and the menu


@dataclass(frozen=True, slots=True)
class Handled:
    outcome: InboundOutcome
    person_id: int | None
    contact_id: int | None


class Engine:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        router: Router,
        catalogs: Catalogs,
        settings: Settings,
        vault: Vault,
        operator: Operator,
        on_commit: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = utcnow,
        ports: Ports | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._catalogs = catalogs
        self._vault = vault
        self._on_commit = on_commit or (lambda: None)
        self._clock = clock
        self._postgres = not settings.is_sqlite
        self._steps = StepRunner(
            router=router,
            catalogs=catalogs,
            settings=settings,
            vault=vault,
            operator=operator,
            ports=ports,
        )

    async def handle(self, message: InboundMessage) -> Handled:
        """Process one inbound message now, in transactions of its own, exactly once (a
        repeated provider id is dropped). Webhooks go through the inbox instead
        (bot.inbound); this serves what must be answered at once (a new chat session)."""
        for attempt in range(2):
            try:
                async with self._sessionmaker() as session, session.begin():
                    result = await self.step_in(session, message, self._clock())
            except Duplicate as duplicate:
                return duplicate.handled
            except IntegrityError:
                # Two first messages from one new address raced to create it: the
                # loser retries and finds the contact; a duplicate stays a duplicate.
                if attempt:
                    raise
                continue
            except Exception:
                log.exception("flow step failed; answering with an apology")
                async with self._sessionmaker() as session, session.begin():
                    result = await self.apology_in(session, message, self._clock())
            self.committed()
            return result
        raise AssertionError("unreachable")

    def committed(self) -> None:
        """Call after the transaction of a step committed: its replies may leave."""
        self._on_commit()

    # -- inside the caller's transaction -------------------------------------

    async def step_in(
        self, session: AsyncSession, message: InboundMessage, now: datetime
    ) -> Handled:
        """Run the step for `message` in `session`'s open transaction. Raises
        `Duplicate` for a provider id stored before: the caller rolls back what the
        lookup may have created (a savepoint or the whole transaction)."""
        sender, ctx = await self._recorded(session, message, now, InboxStatus.PROCESSED)
        conversation = sender[2]
        step = await self._steps.step(ctx, conversation, read_input(message, conversation), now)
        await write_step(
            session, ctx, sender, step, now, catalogs=self._catalogs, vault=self._vault,
            by_person=not message.internal,
        )  # fmt: skip
        person_id = None if ctx.erased else sender[0].id
        return Handled(InboundOutcome.PROCESSED, person_id, sender[1].id)

    async def apology_in(
        self, session: AsyncSession, message: InboundMessage, now: datetime
    ) -> Handled:
        """After the flow raised (its work rolled back): record the message as seen,
        so a retry does not crash again, and apologise."""
        try:
            sender, ctx = await self._recorded(session, message, now, InboxStatus.ERROR)
        except Duplicate as duplicate:
            return duplicate.handled
        step = await self._steps.apology(ctx)
        await write_step(
            session, ctx, sender, step, now, catalogs=self._catalogs, vault=self._vault,
            by_person=not message.internal,
        )  # fmt: skip
        return Handled(InboundOutcome.FAILED, sender[0].id, sender[1].id)

    async def _recorded(
        self, session: AsyncSession, message: InboundMessage, now: datetime, status: InboxStatus
    ) -> tuple[tuple[Person, Contact, Conversation], StepContext]:
        """The sender (found or created) and the step's context, with the message stored
        as theirs; `Duplicate` if its provider id was stored before."""
        sender = await find_or_create(session, self._vault, message, now, postgres=self._postgres)
        person, contact, conversation = sender
        label = conversation.data.get("_labels", {}).get(message.choice or "")
        inbound_id = await store_inbound(
            session,
            self._vault,
            message,
            person,
            contact,
            now,
            postgres=self._postgres,
            status=status,
            label=label,
        )
        if inbound_id is None:
            raise Duplicate(person.id, contact.id)
        return sender, self._steps.context(session, person, contact, conversation, message, now)
