"""Messages in parts, and what a crash costs: only what was really in flight.

Each part of a split message commits a "started" mark before its provider call and,
with parts left, a "done" mark after it; a dead process is played by claiming rows
(and committing some marks) with one dispatcher, then letting the lease run out and
starting another. The provider is an
in-test channel that records what each number received.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, select, update

from bot.db.models import Contact, Message
from bot.kernel import sms
from bot.kernel.types import Capabilities, Channel, OutboundMessage
from bot.messaging.body import decode_body
from bot.messaging.channel import PermanentFailure, SendResult, TemporaryFailure
from bot.messaging.claim import LEASE
from bot.messaging.dispatcher import Dispatcher
from bot.messaging.marks import Fence, Mark, commit_mark
from bot.messaging.sweep import INTERRUPTED, note_header
from tests.support.outbox import FlakyChannel, queue

#: One SMS per part, so a reply of three sentences goes out as three provider calls.
ONE_SEGMENT = Capabilities(buttons=False, max_length=None, max_sms_segments=1)
WHOLE = Capabilities(buttons=False, max_length=1600)
PHONE = "+4915112345678"


def reply(who: str) -> list[str]:
    """Three sentences that become three SMS; each names `who`, so they stay apart."""
    return [
        f"{who}, sentence {word}: this part of the reply is long enough to fill most of "
        "one text message on its own."
        for word in ("one", "two", "three")
    ]


@dataclass
class Phones(FlakyChannel):
    """Records what each number received; `faults` fail given calls (counted from 0)."""

    capabilities: Capabilities = ONE_SEGMENT
    faults: dict[int, Exception] = field(default_factory=dict)
    received: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))
    calls: int = 0
    #: When given, a call waits for it: the provider is slow (a call still under way).
    hold: asyncio.Event | None = None
    called: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, message: OutboundMessage) -> SendResult:
        call, self.calls = self.calls, self.calls + 1
        self.called.set()
        if self.hold is not None:
            await self.hold.wait()
        if call in self.faults:
            raise self.faults[call]
        self.received[message.address].append(message.text)
        self.sent.append(message.text)
        return SendResult(provider_id=f"SM{call}")


def dispatcher(services: Any, clock: Any, channel: FlakyChannel) -> Dispatcher:
    return Dispatcher(
        sessionmaker=services.sessionmaker,
        adapters={channel.channel: channel},
        vault=services.vault,
        catalogs=services.catalogs,
        postgres=not services.settings.is_sqlite,
        clock=clock,
    )


async def rows(services: Any) -> list[Message]:
    async with services.sessionmaker() as session:
        return list(await session.scalars(select(Message).order_by(Message.id)))


async def mark(
    services: Any,
    clock: Any,
    fence: Fence,
    part: int,
    first_id: str | None = None,
    *,
    done: bool = False,
) -> Fence:
    """What a sender commits right before part `part` of 3 goes to the provider (or,
    with `done`, right after it was accepted)."""
    kind = Mark.finish if done else Mark.start
    marked = await commit_mark(
        services.sessionmaker, kind(fence, part, 3, first_id, clock() + LEASE)
    )
    assert marked is not None
    return marked


def note(services: Any, part: int, total: int, text: str, lang: str = "en") -> str:
    return f"{services.catalogs[lang].text(note_header(part, total))}\n\n{text}"


async def test_a_crash_costs_only_the_part_in_flight(services, clock) -> None:
    people = {f"+49151000000{i:02d}": f"Person {i}" for i in range(5)}
    for number, who in people.items():
        await queue(services, clock, [" ".join(reply(who))], address=number)
    dead = dispatcher(services, clock, Phones())
    claimed = {row.contact_id: row for row in await dead.claim()}
    assert len(claimed) == 5  # the whole batch is `sending`
    first, second, *_ = sorted(claimed)
    # Person 0's first part was in flight; person 1's first part went out (its done
    # mark carries its provider id) and the second was in flight; the other three
    # were claimed but never started. Then the process died.
    await mark(services, clock, claimed[first].fence, 0)
    started = await mark(services, clock, claimed[second].fence, 0)
    done = await mark(services, clock, started, 0, first_id="SM-first", done=True)
    await mark(services, clock, done, 1, first_id="SM-first")
    clock.advance(seconds=LEASE.total_seconds() + 1)

    phones = Phones()
    assert await dispatcher(services, clock, phones).dispatch_once() == 7  # 5 rows, 2 notes
    p0, p1, *others = people
    parts0, parts1 = reply(people[p0]), reply(people[p1])
    # The in-flight part is not sent again; the rest of the message is; then the note.
    assert phones.received[p0] == [*parts0[1:], *sms.split(note(services, 0, 3, parts0[0]), 1)]
    assert phones.received[p1] == [parts1[2], *sms.split(note(services, 1, 3, parts1[1]), 1)]
    for number in others:  # claimed, never started: everything went out after the restart
        assert phones.received[number] == reply(people[number])

    found = await rows(services)
    replies = {row.contact_id: row for row in found if row.id in {c.id for c in claimed.values()}}
    assert all(row.status == "sent" and row.parts_done == 3 for row in found[:5])
    assert all(row.part_started is None for row in found)
    assert (replies[first].uncertain_part, replies[first].error) == (
        0,
        "part 1 of 3 interrupted mid-send: delivery unknown, not sent again",
    )
    assert replies[second].uncertain_part == 1
    assert replies[second].provider_id == "SM-first"  # receipts still find it by part 1
    assert replies[first].provider_id is not None  # by part 2: part 1's id is unknown
    assert all(row.uncertain_part is None and row.attempts == 1 for row in found[2:5])
    notes = [decode_body(services.vault, row.body_enc) for row in found[5:]]
    assert [n["note_of"] for n in notes] == [claimed[first].id, claimed[second].id]
    assert all(row.status == "sent" for row in found[5:])


async def test_a_crash_between_parts_costs_nothing(services, clock) -> None:
    await queue(services, clock, [" ".join(reply("Anna"))])
    [claimed] = await dispatcher(services, clock, Phones()).claim()
    # Part 1 went out and is marked done; the process died waiting for part 2's turn.
    started = await mark(services, clock, claimed.fence, 0)
    await mark(services, clock, started, 0, first_id="SM-first", done=True)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    phones = Phones()
    await dispatcher(services, clock, phones).dispatch_once()
    assert phones.received[PHONE] == reply("Anna")[1:]  # the rest, and no note
    [found] = await rows(services)
    assert (found.status, found.parts_done, found.uncertain_part) == ("sent", 3, None)
    assert (found.attempts, found.provider_id) == (1, "SM-first")


async def test_a_single_part_in_flight_fails_with_a_note_and_no_note_about_a_note(
    services, clock
) -> None:
    await queue(services, clock, ["Your appointment is confirmed."])
    async with services.sessionmaker() as session, session.begin():
        await session.execute(update(Message).values(lang="de"))
    [claimed] = await dispatcher(services, clock, Phones(capabilities=WHOLE)).claim()
    await commit_mark(services.sessionmaker, Mark.start(claimed.fence, 0, 1, None, clock() + LEASE))
    clock.advance(seconds=LEASE.total_seconds() + 1)
    # The next process settles it and claims the note, and dies mid-call of the note too.
    again = dispatcher(services, clock, Phones(capabilities=WHOLE))
    await again.release_expired_leases()
    [the_note] = await again.claim()
    await commit_mark(
        services.sessionmaker, Mark.start(the_note.fence, 0, 1, None, clock() + LEASE)
    )
    clock.advance(seconds=LEASE.total_seconds() + 1)
    phones = Phones(capabilities=WHOLE)
    assert await dispatcher(services, clock, phones).dispatch_once() == 0
    assert phones.sent == []
    original, noted = await rows(services)  # and no third row: no note about the note
    assert (original.status, original.error, original.uncertain_part) == ("failed", INTERRUPTED, 0)
    text = decode_body(services.vault, noted.body_enc or "")["text"]
    assert text == note(services, 0, 1, "Your appointment is confirmed.", lang="de")
    assert text.startswith("Eine technische Störung")
    assert (noted.status, noted.error, noted.lang) == ("failed", INTERRUPTED, "de")


async def test_a_row_taken_back_is_not_sent_by_its_old_claimer(services, clock) -> None:
    await queue(services, clock, reply("Anna"))
    old_phones, new_phones = Phones(), Phones()
    old, new = dispatcher(services, clock, old_phones), dispatcher(services, clock, new_phones)
    stale = await old.claim()  # then the old process stalls past its lease
    clock.advance(seconds=LEASE.total_seconds() + 1)
    await new.release_expired_leases()  # never started: queued again, attempt undone
    fresh = await new.claim()
    assert [r.attempts for r in fresh] == [r.attempts for r in stale]  # same attempts…
    await old.send(stale)  # …yet the old claimer, waking first, sends nothing
    assert old_phones.sent == []
    await new.send(fresh)
    assert new_phones.sent == reply("Anna")
    assert [(r.status, r.attempts) for r in await rows(services)] == [("sent", 1)] * 3


async def test_a_sender_stalled_mid_call_past_its_lease_records_nothing(services, clock) -> None:
    await queue(services, clock, [" ".join(reply("Anna"))])
    old_phones = Phones(hold=asyncio.Event())
    old, new_phones = dispatcher(services, clock, old_phones), Phones()
    stale = await old.claim()
    stalled = asyncio.create_task(old.send(stale))
    await asyncio.wait_for(old_phones.called.wait(), 5)  # part 1's call hangs
    clock.advance(seconds=LEASE.total_seconds() + 1)
    await dispatcher(services, clock, new_phones).dispatch_once()
    assert new_phones.received[PHONE] == [
        *reply("Anna")[1:],
        *sms.split(note(services, 0, 3, reply("Anna")[0]), 1),
    ]
    settled = [(r.status, r.parts_done, r.uncertain_part, r.attempts) for r in await rows(services)]
    assert old_phones.hold is not None
    old_phones.hold.set()  # the provider answers at last: part 1 did arrive
    await stalled
    assert old_phones.sent == reply("Anna")[:1]  # and the old sender sent no more parts
    after = [(r.status, r.parts_done, r.uncertain_part, r.attempts) for r in await rows(services)]
    assert after == settled == [("sent", 3, 0, 2), ("sent", 2, None, 1)]  # the note: 2 SMS


async def test_a_temporary_failure_after_part_one_retries_only_the_rest(services, clock) -> None:
    await queue(services, clock, [" ".join(reply("Anna"))])
    phones = Phones(faults={1: TemporaryFailure("503 from provider")})
    out = dispatcher(services, clock, phones)
    await out.dispatch_once()
    [found] = await rows(services)
    assert (found.status, found.parts_done, found.part_started) == ("queued", 1, None)
    assert found.error == "503 from provider (1 of 3 parts sent)"
    assert found.provider_id == "SM0"
    clock.advance(seconds=10)
    await out.dispatch_once()
    assert phones.sent == reply("Anna")  # each part once: parts 2 and 3 on the retry
    [found] = await rows(services)
    assert (found.status, found.parts_done, found.attempts) == ("sent", 3, 2)
    assert found.provider_id == "SM0"  # still the first part's id


async def test_a_permanent_failure_clears_the_mark(services, clock) -> None:
    await queue(services, clock, [" ".join(reply("Anna")), "next"])
    phones = Phones(faults={1: PermanentFailure("blocked by the user")})
    out = dispatcher(services, clock, phones)
    await out.dispatch_once()
    failed, following = await rows(services)
    assert (failed.status, failed.error) == ("failed", "blocked by the user")
    assert (failed.parts_done, failed.part_started, failed.provider_id) == (1, None, "SM0")
    assert following.status == "sent"
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await out.release_expired_leases() == 0  # nothing left for the sweep
    assert phones.sent == [reply("Anna")[0], "next"]


async def test_a_resumed_row_whose_rendering_changed_sends_the_rest_by_index(
    services, clock, caplog
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.messaging.send")
    await queue(services, clock, [" ".join(reply("Anna"))])
    async with services.sessionmaker() as session, session.begin():
        await session.execute(update(Message).values(parts_done=1, parts_total=5))
    phones = Phones()
    await dispatcher(services, clock, phones).dispatch_once()
    assert phones.sent == reply("Anna")[1:]
    assert "renders as 3 parts, was 5" in caplog.text
    [found] = await rows(services)
    assert (found.status, found.parts_done, found.parts_total) == ("sent", 3, 3)


async def test_the_web_chat_sends_without_marks_and_again_after_a_lease(services, clock) -> None:
    await queue(services, clock, ["hello"])
    async with services.sessionmaker() as session, session.begin():
        await session.execute(update(Message).values(channel="webchat"))
    chat = Phones(channel=Channel.WEBCHAT, resend_is_harmless=True, hold=asyncio.Event())
    old = dispatcher(services, clock, chat)
    stale = await old.claim()
    stalled = asyncio.create_task(old.send(stale))
    await asyncio.wait_for(chat.called.wait(), 5)
    [found] = await rows(services)
    assert (found.status, found.part_started) == ("sending", None)  # in flight, unmarked
    clock.advance(seconds=LEASE.total_seconds() + 1)
    again = Phones(channel=Channel.WEBCHAT, resend_is_harmless=True)
    await dispatcher(services, clock, again).dispatch_once()
    assert chat.hold is not None
    chat.hold.set()
    await stalled
    assert again.sent == chat.sent == ["hello"]  # shown twice at most: harmless, as before
    [found] = await rows(services)
    assert (found.status, found.attempts, found.uncertain_part) == ("sent", 1, None)


async def test_marks_of_senders_side_by_side_share_one_commit(services, clock) -> None:
    for i in range(20):
        await queue(services, clock, [f"hello {i}"], address=f"+49151000000{i:02d}")
    commits = 0

    def count(_connection: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(services.db.sync_engine, "commit", count)
    try:
        await dispatcher(services, clock, Phones(capabilities=WHOLE)).dispatch_once()
    finally:
        event.remove(services.db.sync_engine, "commit", count)
    # The sweep, the claim, one for the 20 marks (group commit), and a result per row.
    assert commits == 3 + 20
    assert all(row.status == "sent" and row.parts_done == 1 for row in await rows(services))


async def test_a_note_goes_out_under_the_usual_opt_out_rule(services, clock) -> None:
    await queue(services, clock, ["in flight"])
    [claimed] = await dispatcher(services, clock, Phones(capabilities=WHOLE)).claim()
    await commit_mark(services.sessionmaker, Mark.start(claimed.fence, 0, 1, None, clock() + LEASE))
    async with services.sessionmaker() as session, session.begin():  # STOP meanwhile
        await session.execute(update(Contact).values(opted_out_at=clock()))
    clock.advance(seconds=LEASE.total_seconds() + 1)
    phones = Phones(capabilities=WHOLE)
    await dispatcher(services, clock, phones).dispatch_once()
    assert phones.sent == []
    original, noted = await rows(services)
    assert original.status == "failed"
    assert (noted.status, noted.error) == ("failed", "recipient opted out")


class Reachable:
    """The database as the dispatcher reaches it: the real one, or (while `away`) an
    address where nothing listens, as when the server stops or the network breaks."""

    def __init__(self, real: Any, gone: Any) -> None:
        self.real, self.gone, self.away = real, gone, False

    def __call__(self) -> Any:
        return (self.gone if self.away else self.real)()


async def test_a_result_is_recorded_once_the_database_is_back_within_the_lease(
    services, clock, tmp_path
) -> None:
    from bot.db.session import make_engine, make_sessionmaker

    gone_engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/lotse.sqlite3")
    database = Reachable(services.sessionmaker, make_sessionmaker(gone_engine))

    class Outage(Phones):
        async def send(self, message: OutboundMessage) -> SendResult:
            sent = await super().send(message)
            # The provider accepted it; now the database goes away for a moment.
            database.away = True
            asyncio.get_running_loop().call_later(1.2, setattr, database, "away", False)
            return sent

    await queue(services, clock, ["Hallo"])
    phones = Outage(capabilities=WHOLE)
    sender = Dispatcher(
        sessionmaker=database,  # type: ignore[arg-type]
        adapters={phones.channel: phones},
        vault=services.vault,
        catalogs=services.catalogs,
        postgres=not services.settings.is_sqlite,
        clock=clock,
    )
    try:
        assert await sender.dispatch_once() == 1
    finally:
        await gone_engine.dispose()
    [found] = await rows(services)
    # Recorded as sent once the database answered again: no part of unknown delivery,
    # so no note to the person.
    assert (found.status, found.uncertain_part, found.part_started) == ("sent", None, None)
    assert phones.received[PHONE] == ["Hallo"]
