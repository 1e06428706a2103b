"""The access log outlives an erased person by LOTSE_ACCESS_LOG_RETENTION_DAYS, naming
their tombstone instead of them, and the hourly job deletes it then."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor, Concerned, for_person, record
from bot.audit.jobs import apply_access_log_retention
from bot.config import Settings
from bot.db.models import AccessEntry, ErasureTombstone, Person
from bot.db.session import make_engine, make_sessionmaker
from bot.people import ErasureReason, erase_person
from bot.runtime.jobs import registered_jobs
from bot.runtime.services import Services
from tests.support.clock import Clock


@pytest.fixture
async def sessionmaker(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(settings.database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def person_with_entries(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime, entries: int = 3
) -> int:
    async with sessionmaker() as session, session.begin():
        person = Person()
        session.add(person)
        await session.flush()
        for _ in range(entries):
            await record(session, Actor.operator(), "invitation.read", now,
                         concerns=[Concerned(person.id)])  # fmt: skip
        return person.id


async def erase(sessionmaker: async_sessionmaker[AsyncSession], person: int, now: datetime) -> None:
    async with sessionmaker() as session, session.begin():
        await erase_person(session, person, now=now, reason=ErasureReason.REQUEST)


async def entries(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[int | None, ...]]:
    async with sessionmaker() as session:
        rows = await session.execute(select(AccessEntry.person_id, AccessEntry.tombstone_id))
        return sorted((tuple(row) for row in rows), key=repr)


async def test_entries_of_an_erased_person_stay_for_the_period_then_go(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock
) -> None:
    days = settings.access_log_retention_days
    assert days == 365
    first = await person_with_entries(sessionmaker, clock())
    second = await person_with_entries(sessionmaker, clock(), entries=2)
    stays = await person_with_entries(sessionmaker, clock(), entries=1)
    await erase(sessionmaker, first, clock())  # 2026-11-23
    clock.advance(days=10)
    await erase(sessionmaker, second, clock())  # 2026-12-03

    async with sessionmaker() as session:
        assert await for_person(session, first) == []  # nobody's to see any more
        tombstones = list(await session.scalars(select(ErasureTombstone.id).order_by("id")))
    [first_tombstone, second_tombstone] = tombstones
    assert await entries(sessionmaker) == sorted(
        [(None, first_tombstone)] * 3 + [(None, second_tombstone)] * 2 + [(stays, None)],
        key=repr,
    )

    # A full `days` after the day of the first erasure, its entries are still there.
    clock.now = clock.now.replace(year=2027, month=11, day=23, hour=23, minute=59)
    assert await apply_access_log_retention(sessionmaker, settings, clock()) == 0
    clock.now = clock.now.replace(month=11, day=24, hour=0, minute=0)
    assert await apply_access_log_retention(sessionmaker, settings, clock()) == 3
    # The second person's two, and the entry of the person who was not erased.
    assert await entries(sessionmaker) == sorted(
        [(None, second_tombstone), (None, second_tombstone), (stays, None)], key=repr
    )
    clock.now = clock.now.replace(month=12, day=4)
    assert await apply_access_log_retention(sessionmaker, settings, clock()) == 2
    assert await entries(sessionmaker) == [(stays, None)]


async def test_the_retention_runs_hourly_with_the_other_jobs(services: Services) -> None:
    [job] = [job for job in registered_jobs(services) if job.id == "access-log-retention"]
    assert job.every.total_seconds() == 3600 and job.at_start
    assert await job.run() is False  # nothing to send: the dispatcher stays asleep
