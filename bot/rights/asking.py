"""Asking the person about their request when its clock says so (bot.rights.clock).

A scheduled job, every ASK_EVERY: first every request sent or extended whose deadline
passed unanswered becomes overdue (at any hour); then, outside quiet hours, each request
whose question is due (`ask_at`) is asked: an internal message `rights-ask:<id>` goes
through the inbox to the person's preferred usable contact (consented to, reachable,
not opted out, in their ranking order; a web chat is never written to first), and the
conversation (flows/rights_due.py) asks it in their language. Its reply may have to go
out as the approved WhatsApp template WHATSAPP_TEMPLATE, marked important, so it falls
back to the next channel where WhatsApp refuses it.

Each stage is asked once: the question is queued in the inbox in the same transaction
that moves the request to its next stage (`clock.asked`), the rows selected FOR UPDATE
SKIP LOCKED on PostgreSQL (on SQLite a transaction holds the only write lock), and the
message's provider id names the request, the stage and its day, so the inbox drops a
repeat. A person in the middle of another conversation is not interrupted: the question
waits until that conversation would time out. A person with two questions due gets one
per run; the next waits for the next run (and then for the conversation to end).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVarTuple

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.consent import ConsentBook
from bot.db.models import Contact, Conversation, Person, RightsRequest
from bot.kernel.crypto import Vault
from bot.kernel.jobs import Job
from bot.kernel.types import Channel, InboundMessage
from bot.rights import clock
from bot.rights.views import Ask, RequestStatus

#: The payload of the internal message that opens the question about a request.
ASK_PAYLOAD = "rights-ask:"
#: The approved WhatsApp template the question goes out with outside the 24-hour window.
WHATSAPP_TEMPLATE = "request-due"
#: How often the job runs.
ASK_EVERY = timedelta(minutes=5)
#: Requests handled per transaction (a run goes on until none is left).
BATCH = 200
#: Flows in which a person is not in the middle of anything.
IDLE_FLOWS = frozenset({"", "menu"})
#: A person Lotse cannot write to first is tried again this much later.
NO_CONTACT_WAIT = timedelta(days=1)


_Row = TypeVarTuple("_Row")


class Queue(Protocol):
    """The inbox (bot.inbound.Inbox): Lotse's own message, in the caller's transaction."""

    async def queue(self, session: AsyncSession, message: InboundMessage) -> bool: ...

    def wake(self) -> None: ...


@dataclass(frozen=True, slots=True)
class AskRun:
    overdue: int = 0
    asked: int = 0
    postponed: int = 0


def ask_payload(request_id: int) -> str:
    return f"{ASK_PAYLOAD}{request_id}"


def provider_id(row: RightsRequest, stage: Ask) -> str:
    """Unique per request, stage and the day it was due: a repeat is dropped, while the
    same stage for a new deadline (after an extension) is asked again."""
    assert row.ask_at is not None
    return f"rights-ask:{row.id}:{stage.value}:{row.ask_at.date().isoformat()}"


def _locked(session: AsyncSession, query: Select[*_Row]) -> Select[*_Row]:
    if session.get_bind().dialect.name != "postgresql":
        return query  # SQLite: the transaction already holds the only write lock
    return query.with_for_update(skip_locked=True, of=RightsRequest)


async def _mark_overdue(
    session: AsyncSession, settings: Settings, now: datetime
) -> tuple[int, bool]:
    """One batch; how many, and whether there may be more."""
    today = clock.today(now, settings)
    rows = list(
        await session.scalars(
            _locked(session, select(RightsRequest))
            .where(
                RightsRequest.status.in_([RequestStatus.SENT.value, RequestStatus.EXTENDED.value]),
                RightsRequest.due_on < today,
            )
            .order_by(RightsRequest.id)
            .limit(BATCH)
        )
    )
    changed = sum(clock.mark_overdue(row, now=now, settings=settings) for row in rows)
    return changed, len(rows) == BATCH


async def _contact(
    session: AsyncSession, vault: Vault, person: Person
) -> tuple[Channel, str] | None:
    """The person's preferred contact Lotse may write to first, and its address."""
    given = [c.value for c in await ConsentBook(session, person.id).given_channels()]
    order = [c for c in person.channel_ranking if c in given]
    order += [c for c in given if c not in order]
    contacts = await session.scalars(
        select(Contact)
        .where(
            Contact.person_id == person.id,
            Contact.reachable.is_(True),
            Contact.opted_out_at.is_(None),
            Contact.address_enc.is_not(None),
        )
        .order_by(Contact.id.desc())
    )
    newest: dict[str, Contact] = {}
    for contact in contacts:
        newest.setdefault(contact.channel, contact)
    for channel in order:
        found = newest.get(channel)
        if found is not None and found.address_enc is not None and channel != Channel.WEBCHAT:
            return Channel(channel), vault.decrypt(found.address_enc)
    return None


def _busy(conversation: Conversation | None, settings: Settings, now: datetime) -> datetime | None:
    """Until when the person is in the middle of another conversation; None if not."""
    if conversation is None or conversation.flow in IDLE_FLOWS:
        return None
    ends = conversation.updated_at + timedelta(minutes=settings.conversation_timeout_minutes)
    return ends if ends > now else None


async def _ask_batch(
    session: AsyncSession, vault: Vault, queue: Queue, settings: Settings, now: datetime,
    after: int, persons: set[int],
) -> tuple[int, int, int | None]:  # fmt: skip
    """One batch of due questions (ids above `after`): asked, postponed, the last id
    (None when there are no more). `persons`: those asked in this run already."""
    rows: Sequence[RightsRequest] = list(
        await session.scalars(
            _locked(session, select(RightsRequest))
            .where(
                RightsRequest.ask.is_not(None),
                RightsRequest.ask_at <= now,
                RightsRequest.id > after,
            )
            .order_by(RightsRequest.id)
            .limit(BATCH)
        )
    )
    asked = postponed = 0
    for row in rows:
        if row.person_id in persons:
            continue  # one question per person per run
        persons.add(row.person_id)
        conversation = await session.get(Conversation, row.person_id)
        if (busy := _busy(conversation, settings, now)) is not None:
            row.ask_at = busy
            postponed += 1
            continue
        person = await session.get(Person, row.person_id)
        found = None if person is None else await _contact(session, vault, person)
        if found is None:
            row.ask_at = now + NO_CONTACT_WAIT
            postponed += 1
            continue
        channel, address = found
        stage = Ask(row.ask) if row.ask else Ask.DUE
        await queue.queue(
            session,
            InboundMessage(
                channel=channel, address=address, provider_id=provider_id(row, stage),
                payload=ask_payload(row.id), received_at=now, internal=True,
            ),
        )  # fmt: skip
        clock.asked(row, now=now, settings=settings)
        asked += 1
    return asked, postponed, (rows[-1].id if len(rows) == BATCH else None)


async def ask_due(
    sessionmaker: async_sessionmaker[AsyncSession], vault: Vault, queue: Queue,
    settings: Settings, now: datetime,
) -> AskRun:  # fmt: skip
    """One run of the job (module docstring)."""
    overdue = asked = postponed = 0
    more = True
    while more:
        async with sessionmaker() as session, session.begin():
            changed, more = await _mark_overdue(session, settings, now)
        overdue += changed
    if not settings.quiet(now):
        after: int | None = 0
        persons: set[int] = set()
        while after is not None:
            async with sessionmaker() as session, session.begin():
                done, waiting, after = await _ask_batch(
                    session, vault, queue, settings, now, after, persons
                )
            asked, postponed = asked + done, postponed + waiting
    if asked:
        queue.wake()
    return AskRun(overdue=overdue, asked=asked, postponed=postponed)


def ask_job(
    sessionmaker: async_sessionmaker[AsyncSession], vault: Vault, queue: Queue,
    settings: Settings, clock_now: Callable[[], datetime],
) -> Job:  # fmt: skip
    async def run() -> bool:
        await ask_due(sessionmaker, vault, queue, settings, clock_now())
        return False  # the inbox's workers were woken, not the dispatcher

    return Job("rights-ask", ASK_EVERY, run)
