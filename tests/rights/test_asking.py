"""The ask job: a request's question goes to its person at the right moment, outside
quiet hours, once per stage (even with two runs at once), on their preferred usable
channel, never in the middle of another conversation; and retention."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.models import Contact, Conversation, InboxEntry, RightsRequest
from bot.inbound.entries import message_of
from bot.kernel.types import Channel, InboundMessage
from bot.rights import Ask, RequestStatus, purge_expired
from bot.rights.asking import AskRun, ask_due
from bot.runtime.services import Services
from tests.rights.clock_support import CHAT_ID, SMS, reachable_person, row_of, sent_request
from tests.rights.support import step
from tests.support.clock import Clock

#: 10:00 in Berlin on the day a week before the deadline (23 December 2026).
SOON = datetime(2026, 12, 16, 9, 0, tzinfo=UTC)


async def run(services: Services, clock: Clock) -> AskRun:
    return await ask_due(services.sessionmaker, services.vault, services.inbox,
                         services.settings, clock())  # fmt: skip


async def questions(services: Services) -> list[InboundMessage]:
    async with services.sessionmaker() as session:
        entries = await session.scalars(select(InboxEntry).order_by(InboxEntry.id))
        return [message_of(services.vault, entry.payload_enc) for entry in entries]


async def test_asked_a_week_before_the_deadline_then_the_day_after_it_once_each(
    services: Services, clock: Clock
) -> None:
    person = await reachable_person(services, clock)
    request_id = (await sent_request(services, clock, person)).request_id
    assert await run(services, clock) == AskRun()

    clock.now = SOON - timedelta(minutes=1)
    assert await run(services, clock) == AskRun()
    clock.now = SOON
    assert await run(services, clock) == AskRun(asked=1)
    assert await run(services, clock) == AskRun()  # once
    [asked] = await questions(services)
    expected = (SMS, "+4915112340000", f"rights-ask:{request_id}:soon")
    assert (asked.channel, asked.address, asked.payload) == expected
    assert asked.internal and asked.text is None
    row = await row_of(services, request_id)
    assert (row.ask, row.ask_at) == (Ask.DUE.value, datetime(2026, 12, 24, 9, 0, tzinfo=UTC))

    # The deadline passed: overdue at any hour, but asked only outside quiet hours.
    clock.now = datetime(2026, 12, 24, 21, 0, tzinfo=UTC)  # 22:00 in Berlin
    assert await run(services, clock) == AskRun(overdue=1)
    assert len(await questions(services)) == 1
    clock.now = datetime(2026, 12, 25, 7, 30, tzinfo=UTC)  # 08:30 in Berlin
    assert await run(services, clock) == AskRun(asked=1)
    row = await row_of(services, request_id)
    assert (row.status, row.ask, row.ask_at) == (RequestStatus.OVERDUE.value, None, None)
    assert len(await questions(services)) == 2


async def test_two_runs_at_once_ask_once(services: Services, clock: Clock) -> None:
    people = [await reachable_person(services, clock, phone=f"+491511234{n:04}") for n in range(3)]
    for person in people:
        await sent_request(services, clock, person)
    clock.now = SOON

    runs = await asyncio.gather(run(services, clock), run(services, clock))

    assert sum(r.asked for r in runs) == 3
    assert len(await questions(services)) == 3


async def test_the_preferred_usable_channel(services: Services, clock: Clock) -> None:
    person = await reachable_person(services, clock, telegram=CHAT_ID,
                                    ranking=(Channel.TELEGRAM, SMS))  # fmt: skip
    await sent_request(services, clock, person)
    clock.now = SOON
    assert (await run(services, clock)).asked == 1
    [asked] = await questions(services)
    assert (asked.channel, asked.address) == (Channel.TELEGRAM, CHAT_ID)

    # Opted out of Telegram: the next question goes by SMS.
    async with services.sessionmaker() as session, session.begin():
        telegram = await session.scalar(
            select(Contact).where(Contact.person_id == person, Contact.channel == "telegram")
        )
        assert telegram is not None
        telegram.opted_out_at = clock()
    clock.now = datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
    assert (await run(services, clock)).asked == 1
    assert [q.channel for q in await questions(services)] == [Channel.TELEGRAM, SMS]


async def test_no_interruption_in_the_middle_of_another_conversation(
    services: Services, clock: Clock
) -> None:
    person = await reachable_person(services, clock)
    request_id = (await sent_request(services, clock, person)).request_id
    clock.now = SOON
    async with services.sessionmaker() as session, session.begin():
        session.add(Conversation(person_id=person, flow="rights_request", step="family-name",
                                 data={}, offered=[],
                                 updated_at=SOON - timedelta(minutes=5)))  # fmt: skip

    assert await run(services, clock) == AskRun(postponed=1)
    row = await row_of(services, request_id)
    timeout = timedelta(minutes=services.settings.conversation_timeout_minutes)
    assert (row.ask, row.ask_at) == (Ask.SOON.value, SOON - timedelta(minutes=5) + timeout)
    clock.now = SOON + timeout
    assert await run(services, clock) == AskRun(asked=1)


async def test_a_running_request_is_kept_after_the_persons_last_change_a_closed_one_goes(
    services: Services, clock: Clock
) -> None:
    person = await reachable_person(services, clock)
    running = (await sent_request(services, clock, person)).request_id
    closed = (await sent_request(services, clock, person)).request_id
    assert await step(services, clock, person, SMS, lambda port: port.close(closed))
    settings = services.settings

    later = clock() + timedelta(days=settings.request_closed_days)
    assert await purge_expired(services.sessionmaker, later) == 1
    # LOTSE_REQUEST_DAYS after sending (the person's last change), as the notice says.
    kept = clock() + timedelta(days=settings.request_days) - timedelta(seconds=1)
    assert await purge_expired(services.sessionmaker, kept) == 0
    gone = clock() + timedelta(days=settings.request_days)
    assert await purge_expired(services.sessionmaker, gone) == 1
    async with services.sessionmaker() as session:
        assert await session.get(RightsRequest, running) is None
