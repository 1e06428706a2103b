"""Asking the person about their request when its clock says so (bot.rights.clock).

A scheduled job, every ASK_EVERY: first every request sent or extended whose deadline
passed unanswered becomes overdue (at any hour); then, outside quiet hours, each request
whose question is due (`ask_at`) is asked: an internal message `rights-ask:<id>:<stage>`
goes through the inbox to the person's preferred usable contact (consented to, reachable,
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
from bot.consent import CONTACT
from bot.db.models import ConsentRecord, Contact, Conversation, Person, RightsRequest
from bot.kernel.crypto import Vault
from bot.kernel.jobs import Job
from bot.kernel.types import Channel, ConsentState, InboundMessage
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


def ask_payload(request_id: int, stage: Ask | None = None) -> str:
    """`rights-ask:<id>:<stage>`: the stage travels with the message, as the request
    moves on to its next one in the transaction that queues it."""
    return f"{ASK_PAYLOAD}{request_id}" + ("" if stage is None else f":{stage.value}")


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


@dataclass(slots=True)
class _People:
    """What the batch's people need for their questions, read in four queries."""

    conversations: dict[int, Conversation]
    rankings: dict[int, list[str]]
    #: Channels each person consented to be written on (their newest record per channel).
    given: dict[int, set[str]]
    #: Their usable contacts Lotse may write to first, newest first per channel.
    contacts: dict[int, dict[str, Contact]]


async def _people(session: AsyncSession, ids: set[int]) -> _People:
    conversations = {
        c.person_id: c
        for c in await session.scalars(select(Conversation).where(Conversation.person_id.in_(ids)))
    }
    rankings = {
        pid: list(ranking)
        for pid, ranking in await session.execute(
            select(Person.id, Person.channel_ranking).where(Person.id.in_(ids))
        )
    }
    latest: dict[tuple[int, str | None], str] = {}
    records = await session.execute(
        select(ConsentRecord.person_id, ConsentRecord.channel, ConsentRecord.state)
        .where(ConsentRecord.person_id.in_(ids), ConsentRecord.purpose == CONTACT.id,
               ConsentRecord.channel.is_not(None))
        .order_by(ConsentRecord.id)
    )  # fmt: skip
    for pid, channel, state in records:
        latest[(pid, channel)] = state  # as ConsentBook.current: the newest counts
    given: dict[int, set[str]] = {}
    for (pid, channel), state in latest.items():
        if channel is not None and state == ConsentState.GIVEN.value:
            given.setdefault(pid, set()).add(channel)
    contacts: dict[int, dict[str, Contact]] = {}
    for contact in await session.scalars(
        select(Contact)
        .where(
            Contact.person_id.in_(ids),
            Contact.reachable.is_(True),
            Contact.opted_out_at.is_(None),
            Contact.address_enc.is_not(None),
            Contact.channel != Channel.WEBCHAT.value,
        )
        .order_by(Contact.id.desc())
    ):
        assert contact.person_id is not None
        contacts.setdefault(contact.person_id, {}).setdefault(contact.channel, contact)
    return _People(conversations, rankings, given, contacts)


def _contact(vault: Vault, people: _People, person_id: int) -> tuple[Channel, str] | None:
    """The person's preferred contact Lotse may write to first (consented, reachable,
    not opted out, in their ranking order, then the others), and its address."""
    given = people.given.get(person_id, set())
    ranking = people.rankings.get(person_id, [])
    order = [c for c in ranking if c in given] + sorted(given - set(ranking))
    usable = people.contacts.get(person_id, {})
    for channel in order:
        found = usable.get(channel)
        if found is not None and found.address_enc is not None:
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
    people = await _people(session, {row.person_id for row in rows})
    for row in rows:
        if row.person_id in persons:
            continue  # one question per person per run
        persons.add(row.person_id)
        conversation = people.conversations.get(row.person_id)
        if (busy := _busy(conversation, settings, now)) is not None:
            row.ask_at = busy
            postponed += 1
            continue
        found = _contact(vault, people, row.person_id)
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
                payload=ask_payload(row.id, stage), received_at=now, internal=True,
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
