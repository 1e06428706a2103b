"""A scheduled job runs once per schedule across processes (bot/runtime/job_runs.py).

Two "processes" are two engines on one database (a SQLite file, and PostgreSQL),
each with its own JobRuns, asking at the same moment under one test clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.models import JobRun
from bot.db.session import make_engine, make_sessionmaker
from bot.kernel.jobs import Job
from bot.runtime.job_runs import JobRuns, running_bound
from tests.support.clock import Clock

EVERY = timedelta(minutes=15)


class Counted:
    """A job's work: counts its runs, takes a moment, and breaks when told to."""

    def __init__(self, *, fail: bool = False) -> None:
        self.runs = 0
        self.fail = fail

    async def __call__(self) -> bool:
        self.runs += 1
        await asyncio.sleep(0.05)  # still running while the other process asks
        if self.fail:
            raise RuntimeError("the job broke")
        return True


@pytest.fixture
async def processes(database_url: str, clock: Clock) -> AsyncIterator[tuple[JobRuns, JobRuns]]:
    engines = [make_engine(database_url) for _ in range(2)]
    first, second = (
        JobRuns(make_sessionmaker(engine), clock, process=f"host:{n}")
        for n, engine in enumerate(engines, 1)
    )
    yield first, second
    for engine in engines:
        await engine.dispose()


async def row_of(runs: JobRuns, job: Job) -> JobRun:
    async with runs.sessionmaker() as session:
        row = await session.scalar(select(JobRun).where(JobRun.job_id == job.id))
    assert row is not None
    return row


async def test_two_processes_asking_at_the_same_moment_run_each_job_once(
    processes: tuple[JobRuns, JobRuns], clock: Clock
) -> None:
    work = [Counted() for _ in range(4)]
    jobs = [Job(f"job-{n}", EVERY, run, at_start=True) for n, run in enumerate(work)]

    # At start (no row yet for the job), then when its interval is over (the row is there).
    for expected in (1, 2):
        results = await asyncio.gather(*(p.run(job) for job in jobs for p in processes))

        assert [w.runs for w in work] == [expected] * 4
        assert sorted(results, key=str) == [None] * 4 + [True] * 4
        for job in jobs:
            row = await row_of(processes[0], job)
            assert row.process in {"host:1", "host:2"} and row.started_at == clock.now
            assert row.finished_at and row.finished_at >= row.started_at
        clock.advance(seconds=EVERY.total_seconds())


async def test_the_next_interval_runs_again_even_a_little_early(
    processes: tuple[JobRuns, JobRuns], clock: Clock
) -> None:
    first, second = processes
    work = Counted()
    job = Job("statuses", EVERY, work)
    assert await first.run(job) is True
    clock.advance(minutes=5)
    assert await second.run(job) is None  # within the interval

    clock.advance(minutes=10, seconds=-10)  # the next tick, 10 s early (clock jitter)
    assert await second.run(job) is True
    assert await first.run(job) is None
    assert work.runs == 2
    assert (await row_of(first, job)).process == "host:2"


async def test_a_run_whose_process_died_blocks_the_job_only_until_its_running_time_ends(
    processes: tuple[JobRuns, JobRuns], clock: Clock
) -> None:
    first, second = processes
    work = Counted()
    job = Job("reminders", EVERY, work)
    died = await first.claim(job)  # the process dies before it records the finish
    assert died is not None

    clock.advance(seconds=(EVERY + timedelta(minutes=1)).total_seconds())
    assert await second.run(job) is None  # past the interval, but it may still be running
    clock.now = died.started_at + running_bound(job) + timedelta(seconds=1)
    taken_over = await second.claim(job)
    assert taken_over is not None

    await first.finish(died)  # it was only slow: its finish does not end the new run
    row = await row_of(first, job)
    assert (row.process, row.started_at, row.finished_at) == ("host:2", clock.now, None)
    await second.finish(taken_over)
    assert (await row_of(first, job)).finished_at == clock.now


async def test_a_job_that_raises_is_logged_and_does_not_block_the_next_run(
    processes: tuple[JobRuns, JobRuns], clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = processes
    broken = Counted(fail=True)
    job = Job("retention", EVERY, broken, at_start=True)

    with caplog.at_level(logging.ERROR, logger="bot.runtime.job_runs"):
        assert await first.run(job) is False
    assert "job retention failed" in caplog.text and "the job broke" in caplog.text
    assert (await row_of(first, job)).finished_at == clock.now

    clock.advance(seconds=EVERY.total_seconds())  # before its running time would end
    assert await second.run(job) is False
    assert broken.runs == 2
