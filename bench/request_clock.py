"""The ask job of request deadlines (`bot.rights.asking.ask_due`) over many open
requests, against baselines measured in the same run on the same database.

`--requests` people (SQLite, a fresh migrated file), each with an SMS contact they
consented to and one request whose letter went by post. Timed:

- a quiet run: nothing is due (the job's every-five-minutes case), median of --rounds;
  baseline: the hourly retention job (`purge_expired`) when nothing expires, on the
  same table;
- a busy run: every deadline passed yesterday and every question is due (after a long
  outage): each request becomes overdue and its person is asked — a consent lookup,
  a contact choice and a message queued in the inbox per request, in transactions of
  200. Median of --rounds, each on a fresh copy of the database; baseline: the same
  number of internal messages stored in the inbox directly, 200 per transaction (what
  queueing alone costs).

    .venv/bin/python -m bench.request_clock [--requests 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings, load_settings
from bot.consent import CONTACT, ConsentBook
from bot.db import migrate
from bot.db.models import Contact, Person, RightsRequest
from bot.db.session import make_engine, make_sessionmaker
from bot.inbound.entries import entry_for
from bot.inbound.queue import store
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, ConsentMethod, ConsentState, InboundMessage
from bot.people import address_index
from bot.rights import purge_expired
from bot.rights.asking import ask_due
from bot.rights.clock import ask_time
from bot.rights.views import Ask, RequestStatus

SECRET = "bench-secret-key-0123456789abcdef"
#: A Monday morning in Berlin, outside quiet hours.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SENT = date(2026, 10, 19)
BATCH = 200


class InboxQueue:
    """The inbox's own insert (bot.inbound), as bot.inbound.Inbox.queue does it."""

    def __init__(self, vault: Vault) -> None:
        self.vault, self.stored = vault, 0

    async def queue(self, session: AsyncSession, message: InboundMessage) -> bool:
        new = (await store(session, [entry_for(self.vault, message, NOW)], postgres=False))[0]
        self.stored += new
        return new

    def wake(self) -> None:
        pass


async def fill(sessionmaker: async_sessionmaker[AsyncSession], vault: Vault, count: int) -> None:
    """`count` people, each with a consented SMS contact and a request sent by post."""
    for start in range(0, count, 1000):
        async with sessionmaker() as session, session.begin():
            size = min(count, start + 1000) - start
            people = [Person(language="ar", channel_ranking=["sms"], created_at=NOW,
                             last_active_at=NOW) for _ in range(size)]  # fmt: skip
            session.add_all(people)
            await session.flush()
            for n, person in enumerate(people, start):
                phone = f"+4915{n:09d}"
                session.add(Contact(person_id=person.id, channel="sms",
                                    address_index=address_index(vault, Channel.SMS, phone),
                                    address_enc=vault.encrypt(phone)))  # fmt: skip
                ConsentBook(session, person.id).record(
                    purpose=CONTACT, channel=Channel.SMS, state=ConsentState.GIVEN,
                    method=ConsentMethod.CHAT, language="ar", at=NOW,
                )  # fmt: skip
                session.add(RightsRequest(
                    person_id=person.id, holder="azr", kind="access",
                    status=RequestStatus.SENT.value, lang="ar", channel="sms",
                    created_at=NOW - timedelta(days=40), updated_at=NOW - timedelta(days=40),
                    erase_at=NOW + timedelta(days=200), consent_record_id="bench",
                    sent_on=SENT, sent_by="post", receipt_on=SENT + timedelta(days=3),
                    due_on=date(2026, 11, 23), ask=Ask.DUE.value,
                    ask_at=NOW + timedelta(days=1), letter_kind="request",
                ))  # fmt: skip


async def make_due(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """Every deadline passed yesterday; every question is due now."""
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(RightsRequest).values(
                due_on=date(2026, 11, 22), ask_at=ask_time(date(2026, 11, 23), settings)
            )
        )


async def median_of(rounds: int, run: Callable[[], Awaitable[object]]) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        await run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


async def fresh(template: Path, into: Path) -> async_sessionmaker[AsyncSession]:
    shutil.copy(template, into)
    return make_sessionmaker(make_engine(f"sqlite+aiosqlite:///{into}"))


async def bench(count: int, rounds: int, folder: Path) -> None:
    template = folder / "template.sqlite3"
    url = f"sqlite+aiosqlite:///{template}"
    settings = load_settings(data_dir=folder, database_url=url, secret_key=SECRET,
                             _env_file=None)  # fmt: skip
    vault = Vault(SECRET)
    engine = make_engine(url)
    began = time.perf_counter()
    await fill(make_sessionmaker(engine), vault, count)
    await engine.dispose()
    print(f"Request clock: {count} open requests (SQLite), filled in "
          f"{time.perf_counter() - began:.1f} s; median of {rounds} rounds")  # fmt: skip

    maker = await fresh(template, folder / "quiet.sqlite3")
    queue = InboxQueue(vault)
    await ask_due(maker, vault, queue, settings, NOW)  # warm
    quiet = await median_of(rounds, lambda: ask_due(maker, vault, queue, settings, NOW))
    purge = await median_of(rounds, lambda: purge_expired(maker, NOW))
    print(f"  quiet run (nothing due)  {quiet * 1000:7.1f} ms   baseline purge_expired "
          f"{purge * 1000:6.1f} ms   ratio {quiet / purge:4.1f}")  # fmt: skip

    busy_times, base_times, asked = [], [], 0
    for n in range(rounds):
        maker = await fresh(template, folder / f"busy{n}.sqlite3")
        await make_due(maker, settings)
        queue = InboxQueue(vault)
        began = time.perf_counter()
        result = await ask_due(maker, vault, queue, settings, NOW)
        busy_times.append(time.perf_counter() - began)
        asked = result.asked
        assert result.overdue == count and queue.stored == count, (result, queue.stored)
        maker = await fresh(template, folder / f"base{n}.sqlite3")
        base = InboxQueue(vault)
        began = time.perf_counter()
        for start in range(0, count, BATCH):
            async with maker() as session, session.begin():
                for i in range(start, min(count, start + BATCH)):
                    await base.queue(session, InboundMessage(
                        channel=Channel.SMS, address=f"+4915{i:09d}", provider_id=f"b:{i}",
                        payload=f"rights-ask:{i}", received_at=NOW, internal=True,
                    ))  # fmt: skip
        base_times.append(time.perf_counter() - began)
    busy, floor = statistics.median(busy_times), statistics.median(base_times)
    print(f"  busy run (all due)       {busy:7.2f} s    {asked / busy:6.0f} questions/s   "
          f"baseline inbox alone {floor:5.2f} s ({count / floor:6.0f}/s)   "
          f"ratio {busy / floor:4.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        migrate.upgrade(f"sqlite+aiosqlite:///{folder}/template.sqlite3")
        asyncio.run(bench(args.requests, args.rounds, Path(folder)))


if __name__ == "__main__":
    main()
