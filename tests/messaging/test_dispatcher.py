"""The dispatcher: order per person, retries with backoff, permanent failures, leases.

The provider here is a small in-test channel that fails on demand; the real
Telegram/Twilio adapters get HTTP-level fakes of their own.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.db.models import Contact, Message
from bot.kernel.types import Channel, OutboundMessage, RateLimit
from bot.messaging.channel import PermanentFailure, SendResult, TemporaryFailure
from bot.messaging.claim import LEASE
from bot.messaging.dispatcher import Dispatcher
from bot.messaging.marks import Mark, commit_mark
from bot.messaging.results import MAX_ATTEMPTS
from bot.messaging.sweep import INTERRUPTED, note_header
from tests.support.outbox import FlakyChannel, queue


def dispatcher(services, clock, channel: FlakyChannel) -> Dispatcher:
    return Dispatcher(
        sessionmaker=services.sessionmaker,
        adapters={Channel.SMS: channel},
        vault=services.vault,
        catalogs=services.catalogs,
        postgres=not services.settings.is_sqlite,
        clock=clock,
    )


async def statuses(services) -> list[tuple[str, int, str | None]]:
    async with services.sessionmaker() as session:
        rows = await session.execute(
            select(Message.status, Message.attempts, Message.error).order_by(Message.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_temporary_failure_keeps_the_order_and_retries_later(services, clock) -> None:
    channel = FlakyChannel(failures=[TemporaryFailure("503 from provider")])
    out = dispatcher(services, clock, channel)
    await queue(services, clock, ["one", "two", "three"])
    await out.dispatch_once()
    assert channel.sent == []  # "one" failed, so "two" and "three" waited
    assert [s[0] for s in await statuses(services)] == ["queued"] * 3
    await out.dispatch_once()
    assert channel.sent == []  # backoff: not due yet
    clock.advance(seconds=10)
    await out.dispatch_once()
    assert channel.sent == ["one", "two", "three"]
    assert [s[:2] for s in await statuses(services)] == [("sent", 2), ("sent", 1), ("sent", 1)]


async def test_retry_after_is_honoured(services, clock) -> None:
    channel = FlakyChannel(failures=[TemporaryFailure("429", retry_after=120)])
    out = dispatcher(services, clock, channel)
    await queue(services, clock, ["hello"])
    await out.dispatch_once()
    clock.advance(seconds=119)
    await out.dispatch_once()
    assert channel.sent == []
    clock.advance(seconds=2)
    await out.dispatch_once()
    assert channel.sent == ["hello"]


async def test_permanent_failure_is_kept_with_its_reason(services, clock) -> None:
    channel = FlakyChannel(failures=[PermanentFailure("blocked by the user", unreachable=True)])
    out = dispatcher(services, clock, channel)
    await queue(services, clock, ["a", "b"])
    await out.dispatch_once()
    rows = await statuses(services)
    assert rows[0] == ("failed", 1, "blocked by the user")
    assert rows[1][0] == "sent"  # a dead row does not hold up the next one
    async with services.sessionmaker() as session:
        contact = await session.scalar(select(Contact))
    assert contact is not None and contact.reachable is False


async def test_gives_up_after_the_attempt_limit(services, clock) -> None:
    channel = FlakyChannel(failures=[TemporaryFailure("timeout")] * (MAX_ATTEMPTS + 2))
    out = dispatcher(services, clock, channel)
    await queue(services, clock, ["x"])
    for _ in range(MAX_ATTEMPTS + 1):
        await out.dispatch_once()
        clock.advance(hours=2)
    [(status, attempts, error)] = await statuses(services)
    assert (status, attempts) == ("failed", MAX_ATTEMPTS)
    assert error is not None and error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")


async def test_a_send_interrupted_by_a_crash_is_not_sent_twice(services, clock) -> None:
    channel = FlakyChannel()
    out = dispatcher(services, clock, channel)
    [row] = await queue(services, clock, ["in flight"])
    claimed = await out.claim()  # the process claims, starts the send, then dies
    assert [c.id for c in claimed] == [row]
    lease = clock() + LEASE
    assert await commit_mark(services.sessionmaker, Mark.start(claimed[0].fence, 0, 1, None, lease))
    assert await out.dispatch_once() == 0  # still leased: nobody else sends it
    clock.advance(seconds=LEASE.total_seconds() + 1)
    await out.dispatch_once()
    # It may have gone out: never a second time, but a note says it may be missing.
    note = services.catalogs["en"].text(note_header(0, 1))
    assert channel.sent == [f"{note}\n\nin flight"]
    (status, _, error), note_row = await statuses(services)
    assert status == "failed" and error == INTERRUPTED
    assert note_row[0] == "sent"


async def test_a_claimed_row_never_started_is_sent_after_its_lease(services, clock) -> None:
    channel = FlakyChannel()
    out = dispatcher(services, clock, channel)
    await queue(services, clock, ["claimed only"])
    await out.claim()  # the process claims, then dies before the send starts
    clock.advance(seconds=LEASE.total_seconds() + 1)
    await out.dispatch_once()
    assert channel.sent == ["claimed only"]
    assert [s[:2] for s in await statuses(services)] == [("sent", 1)]  # the lost claim undone


async def test_two_dispatchers_never_claim_the_same_row(services, clock) -> None:
    channel_a, channel_b = FlakyChannel(), FlakyChannel()
    a, b = dispatcher(services, clock, channel_a), dispatcher(services, clock, channel_b)
    for i in range(20):
        await queue(services, clock, [f"m{i}-1", f"m{i}-2"], address=f"+49151000000{i:02d}")
    await asyncio.gather(a.dispatch_once(), b.dispatch_once())
    await asyncio.gather(a.dispatch_once(), b.dispatch_once())
    sent = channel_a.sent + channel_b.sent
    assert sorted(sent) == sorted(f"m{i}-{j}" for i in range(20) for j in (1, 2))


async def test_a_graceful_stop_puts_unsent_claimed_rows_back_untouched(services, clock) -> None:
    # A slow provider (2/s): the dispatcher claims a round of rows and paces through it.
    first_sent = asyncio.Event()

    class SlowChannel(FlakyChannel):
        async def send(self, message: OutboundMessage) -> SendResult:
            result = await super().send(message)
            first_sent.set()
            return result

    channel = SlowChannel(rate_limit=RateLimit(per_second=2.0))
    out = dispatcher(services, clock, channel)
    for i in range(6):
        await queue(services, clock, [f"m{i}"], address=f"+4915100000{i:03d}")
    run = asyncio.create_task(out.run())
    await asyncio.wait_for(first_sent.wait(), timeout=5)
    out.stop()
    await asyncio.wait_for(run, timeout=5)
    rows = await statuses(services)
    sent = [r for r in rows if r[0] == "sent"]
    queued = [r for r in rows if r[0] == "queued"]
    assert len(sent) == len(channel.sent) and 1 <= len(sent) < 6
    assert len(sent) + len(queued) == 6  # none left "sending", none failed
    assert all(attempts == 0 for _, attempts, _ in queued)
    # A later dispatcher sends exactly the rest.
    again = FlakyChannel()
    await dispatcher(services, clock, again).dispatch_once()
    assert sorted(channel.sent + again.sent) == [f"m{i}" for i in range(6)]
