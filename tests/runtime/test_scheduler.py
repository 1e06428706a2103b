"""Stopping the scheduler lets running jobs finish: none is cancelled mid-statement (a
SQLite connection cancelled while it closed never came back, and `lotse serve` hung on
a SIGTERM right after starting, while the jobs that run at start were at work)."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select

from bot.db.models import JobRun
from bot.runtime import start_scheduler
from bot.runtime.jobs import registered_jobs
from bot.runtime.services import Services


async def started_runs(services: Services) -> list[JobRun]:
    async with services.sessionmaker() as session:
        runs = await session.scalars(select(JobRun).where(JobRun.started_at.is_not(None)))
        return list(runs)


async def test_a_stop_while_the_start_jobs_run_lets_them_finish(services: Services) -> None:
    assert any(job.at_start for job in registered_jobs(services))
    scheduler = start_scheduler(services)
    deadline = time.monotonic() + 10
    while not await started_runs(services):  # stop once the first job is at work
        assert time.monotonic() < deadline, "no job started"
        await asyncio.sleep(0.005)
    await scheduler.stop()
    runs = await started_runs(services)
    # Each run that started also recorded its end: none was cut off.
    assert all(run.finished_at is not None for run in runs), [
        (run.job_id, run.started_at, run.finished_at) for run in runs
    ]
