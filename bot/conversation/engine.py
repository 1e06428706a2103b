"""The engine: inbound → person → flow step → new state + outbox rows, in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.consent import ConsentBook
from bot.conversation.flow import Context, Input, Operator, Router, Step
from bot.db.models import Contact, Conversation, Message, Person
from bot.i18n import Catalogs, fold
from bot.kernel.clock import utcnow
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, Direction, InboundMessage, InboxStatus, OutboxStatus, Reply
from bot.messaging import encode_body
from bot.people import ErasureReason, address_index, erase_person

log = logging.getLogger(__name__)

# Hot-path writes use the tables directly: Core statements skip the ORM's bulk machinery.
MESSAGES = cast(Table, Message.__table__)
CONVERSATIONS = cast(Table, Conversation.__table__)
PERSONS = cast(Table, Person.__table__)
CONTACTS = cast(Table, Contact.__table__)

#: A guard against flows handing over to each other in a circle.
MAX_HANDOVERS = 8


#: Activity times are kept to this resolution; retention counts in days.
ACTIVITY_RESOLUTION = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class PersonState:
    """What a flow may change on a person; compared to know whether to write it back."""

    language: str | None
    channel_ranking: tuple[str, ...]
    onboarded_at: datetime | None

    @classmethod
    def of(cls, person: Person) -> PersonState:
        return cls(person.language, tuple(person.channel_ranking), person.onboarded_at)


@dataclass(frozen=True, slots=True)
class ContactState:
    opted_out_at: datetime | None

    @classmethod
    def of(cls, contact: Contact) -> ContactState:
        return cls(contact.opted_out_at)


class _Duplicate(Exception):
    def __init__(self, person_id: int, contact_id: int) -> None:
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
    ) -> None:
        self._sessionmaker = sessionmaker
        self._router = router
        self._catalogs = catalogs
        self._settings = settings
        self._vault = vault
        self._operator = operator
        self._on_commit = on_commit or (lambda: None)
        self._clock = clock
        self._postgres = not settings.is_sqlite

    async def handle(self, message: InboundMessage) -> Handled:
        """Process one inbound message exactly once (a repeated provider id is dropped)."""
        for attempt in range(2):
            try:
                result = await self._handle_once(message)
            except _Duplicate as duplicate:
                return duplicate.handled
            except IntegrityError:
                # Two first messages from one new address raced to create it: the
                # loser retries and finds the contact; a duplicate stays a duplicate.
                if attempt:
                    raise
                continue
            except Exception:
                log.exception("flow step failed; answering with an apology")
                result = await self._handle_failure(message)
            self._on_commit()
            return result
        raise AssertionError("unreachable")

    # -- one transaction ---------------------------------------------------

    async def _handle_once(self, message: InboundMessage) -> Handled:
        now = self._clock()
        async with self._sessionmaker() as session, session.begin():
            person, contact, conversation = await self._load(session, message, now)
            before, before_contact = PersonState.of(person), ContactState.of(contact)
            label = conversation.data.get("_labels", {}).get(message.choice or "")
            inbound_id = await self._store_inbound(
                session, message, person, contact, now, label=label
            )
            if inbound_id is None:
                raise _Duplicate(person.id, contact.id)  # rolls the transaction back
            ctx = self._context(session, person, contact, conversation, message, now)
            given = self._input(message, conversation)
            step = await self._step(ctx, conversation, given, now)
            await self._finish(session, ctx, conversation, step, now, before, before_contact)
            return Handled(InboundOutcome.PROCESSED, None if ctx.erased else person.id, contact.id)

    async def _handle_failure(self, message: InboundMessage) -> Handled:
        """Record the message as seen (so a retry does not crash again) and apologise."""
        now = self._clock()
        async with self._sessionmaker() as session, session.begin():
            person, contact, conversation = await self._load(session, message, now)
            before, before_contact = PersonState.of(person), ContactState.of(contact)
            inbound_id = await self._store_inbound(
                session, message, person, contact, now, status=InboxStatus.ERROR
            )
            if inbound_id is None:
                return Handled(InboundOutcome.DUPLICATE, person.id, contact.id)
            ctx = self._context(session, person, contact, conversation, message, now)
            step = await self._resolve(ctx, self._router.failed(ctx))
            await self._finish(session, ctx, conversation, step, now, before, before_contact)
            return Handled(InboundOutcome.FAILED, person.id, contact.id)

    async def _load(
        self, session: AsyncSession, message: InboundMessage, now: datetime
    ) -> tuple[Person, Contact, Conversation]:
        index = address_index(self._vault, message.channel, message.address)
        query = (
            select(Contact, Person, Conversation)
            .join(Person, Contact.person_id == Person.id)
            .join(Conversation, Conversation.person_id == Person.id)
            .where(Contact.channel == message.channel.value, Contact.address_index == index)
        )
        if self._postgres:
            # Serialise steps of one person; SQLite's BEGIN IMMEDIATE already does.
            query = query.with_for_update(of=Conversation)
        row = (await session.execute(query)).first()
        if row is not None:
            contact, person, conversation = row
            # Detached copies: flows change them freely, `_finish` writes back only
            # what changed with plain UPDATEs (an ORM flush costs more than the step).
            session.expunge_all()
            return person, contact, conversation
        person = Person(language=None, channel_ranking=[], created_at=now, last_active_at=now)
        session.add(person)
        await session.flush()
        address_enc = (
            None if message.channel is Channel.WEBCHAT else self._vault.encrypt(message.address)
        )
        # Someone who deleted their data writes again from the same address while its
        # goodbye contact still exists: that contact becomes the new person's.
        detached = await session.scalar(
            select(Contact).where(
                Contact.channel == message.channel.value,
                Contact.address_index == index,
                Contact.person_id.is_(None),
            )
        )
        contact = detached or Contact(
            channel=message.channel.value, address_index=index, created_at=now
        )
        contact.person_id, contact.address_enc, contact.purge_after = person.id, address_enc, None
        conversation = Conversation(
            person_id=person.id, flow="", step="", data={}, offered=[], updated_at=now
        )
        session.add_all([contact, conversation])
        await session.flush()
        session.expunge_all()
        return person, contact, conversation

    async def _store_inbound(
        self,
        session: AsyncSession,
        message: InboundMessage,
        person: Person,
        contact: Contact,
        now: datetime,
        status: InboxStatus = InboxStatus.PROCESSED,
        label: str | None = None,
    ) -> int | None:
        shown = message.text if message.text is not None else label
        has_body = shown is not None or message.choice is not None
        values = {
            "person_id": person.id,
            "contact_id": contact.id,
            "direction": Direction.IN.value,
            "channel": message.channel.value,
            "inbound_key": f"{message.channel}:{message.provider_id}",
            "status": status.value,
            "body_enc": encode_body(self._vault, shown or "", choice=message.choice)
            if has_body
            else None,
            "lang": person.language,
            "created_at": now,
            "attempts": 0,
            "important": False,
        }
        insert = pg_insert if self._postgres else sqlite_insert
        statement = (
            insert(MESSAGES)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["inbound_key"])
            .returning(MESSAGES.c.id)
        )
        inserted: int | None = (await session.execute(statement)).scalar_one_or_none()
        return inserted

    def _context(
        self,
        session: AsyncSession,
        person: Person,
        contact: Contact,
        conversation: Conversation,
        message: InboundMessage,
        now: datetime,
    ) -> Context:
        async def erase() -> None:
            await erase_person(
                session,
                person.id,
                now=now,
                reason=ErasureReason.REQUEST,
                keep_contact_id=contact.id,
            )

        return Context(
            session=session,
            person=person,
            contact=contact,
            conversation=conversation,
            settings=self._settings,
            operator=self._operator,
            now=now,
            consents=ConsentBook(session, person.id),
            catalogs=self._catalogs,
            language_hints=message.language_hints,
            erase=erase,
            vault=self._vault,
            client=message.client,
        )

    def _input(self, message: InboundMessage, conversation: Conversation) -> Input:
        """Typed text that names an offered choice (by number or label) becomes that choice."""
        choice = message.choice
        if choice is None and message.text and conversation.offered:
            choice = self._match_choice(message.text, conversation)
        return Input(
            text=message.text,
            choice=choice,
            start=message.start,
            payload=message.payload,
            unsupported=message.unsupported,
        )

    def _match_choice(self, text: str, conversation: Conversation) -> str | None:
        folded = fold(text)
        offered = conversation.offered
        if folded.isdigit() and 1 <= int(folded) <= len(offered):
            return offered[int(folded) - 1]
        labels: Mapping[str, str] = conversation.data.get("_labels", {})
        for choice_id in offered:
            if fold(labels.get(choice_id, "")) == folded and folded:
                return choice_id
        return None

    async def _step(
        self, ctx: Context, conversation: Conversation, given: Input, now: datetime
    ) -> Step:
        router = self._router
        if given.start or not conversation.flow:
            first = router.first_step(ctx, given)
            if first is not None:
                return await self._resolve(ctx, first)
        intercepted = router.intercept(ctx, given)
        if intercepted is not None:
            return await self._resolve(ctx, intercepted)
        timeout = timedelta(minutes=self._settings.conversation_timeout_minutes)
        if now - conversation.updated_at > timeout:
            return await self._resolve(ctx, router.timed_out(ctx))
        data = {k: v for k, v in conversation.data.items() if not k.startswith("_")}
        if given.choice is not None and given.choice not in conversation.offered:
            given = Input(text=given.text, start=given.start, payload=given.payload)
        flow = router.flow(conversation.flow)
        step = await flow.handle(ctx, conversation.step, data, given)
        if step is None:
            step = router.not_understood(ctx, conversation.flow, conversation.step, data)
        return await self._resolve(ctx, step)

    async def _resolve(self, ctx: Context, step: Step) -> Step:
        """Follow hand-overs (`step=None`) until a flow is waiting for input."""
        replies = list(step.replies)
        for _ in range(MAX_HANDOVERS):
            if step.step is not None or ctx.erased:
                return Step(tuple(replies), step.flow, step.step, step.data)
            step = await self._router.flow(step.flow).enter(ctx, step.data)
            replies.extend(step.replies)
        raise RuntimeError(f"flows handed over more than {MAX_HANDOVERS} times")

    async def _finish(
        self,
        session: AsyncSession,
        ctx: Context,
        conversation: Conversation,
        step: Step,
        now: datetime,
        before: PersonState,
        before_contact: ContactState,
    ) -> None:
        translator = self._catalogs[ctx.lang]
        rendered = [translator.reply(reply) for reply in step.replies]
        person_id = None if ctx.erased else ctx.person.id
        rows = [
            self._outbound(ctx.contact, person_id, reply, text.text, text.choices, text.lang, now)
            for reply, text in zip(step.replies, rendered, strict=True)
        ]
        if rows:
            await session.execute(insert(MESSAGES), rows)
        if ctx.erased:
            return
        last_choices = next((r.choices for r in reversed(rendered) if r.choices), None)
        labels: Mapping[str, str] = dict(last_choices or ())
        offered = [choice_id for choice_id, _ in last_choices or ()]
        if last_choices is None and (step.flow, step.step) == (
            conversation.flow,
            conversation.step,
        ):
            # Answered without asking again (e.g. STOP): the open question's choices stay valid.
            labels, offered = conversation.data.get("_labels", {}), list(conversation.offered)
        await session.execute(
            update(CONVERSATIONS)
            .where(CONVERSATIONS.c.person_id == conversation.person_id)
            .values(
                flow=step.flow,
                step=step.step or "",
                data={**step.data, "_labels": labels},
                offered=offered,
                updated_at=now,
            )
        )
        person = ctx.person
        changed = PersonState.of(person) != before
        if changed or now - person.last_active_at > ACTIVITY_RESOLUTION:
            await session.execute(
                update(PERSONS)
                .where(PERSONS.c.id == person.id)
                .values(
                    language=person.language,
                    channel_ranking=person.channel_ranking,
                    onboarded_at=person.onboarded_at,
                    last_active_at=now,
                )
            )
        await self._write_contact(session, ctx.contact, now, before_contact)

    async def _write_contact(
        self, session: AsyncSession, contact: Contact, now: datetime, before: ContactState
    ) -> None:
        values: dict[str, Any] = {}
        # WhatsApp's 24-hour window needs the exact time; elsewhere a coarse one will do.
        exact = contact.channel == Channel.WHATSAPP.value
        if (
            exact
            or contact.last_inbound_at is None
            or now - contact.last_inbound_at > ACTIVITY_RESOLUTION
        ):
            values["last_inbound_at"] = now
        if not contact.reachable:  # they wrote, so they can be reached again (unblocked)
            values["reachable"] = True
        if contact.opted_out_at != before.opted_out_at:
            values["opted_out_at"] = contact.opted_out_at
        if values:
            await session.execute(
                update(CONTACTS).where(CONTACTS.c.id == contact.id).values(**values)
            )

    def _outbound(
        self,
        contact: Contact,
        person_id: int | None,
        reply: Reply,
        text: str,
        choices: Sequence[tuple[str, str]],
        lang: str,
        now: datetime,
    ) -> dict[str, Any]:
        return dict(
            person_id=person_id,
            contact_id=contact.id,
            direction=Direction.OUT.value,
            channel=contact.channel,
            status=OutboxStatus.QUEUED.value,
            body_enc=encode_body(
                self._vault,
                text,
                choices,
                opt_out_notice=reply.opt_out_notice,
                template=reply.template,
            ),
            lang=lang,
            important=reply.important,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
