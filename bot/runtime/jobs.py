"""The job registry: each feature describes its scheduled jobs; APScheduler runs them here.

A new feature adds its `*_jobs` function to `registered_jobs`, and nothing else. Every
process schedules every job; `bot.runtime.job_runs` lets one of them run each schedule.
"""

from __future__ import annotations

import asyncio

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.audit import audit_jobs
from bot.cases import CaseDigestSource, case_jobs, digest_jobs, relay_jobs, staff_catalogs
from bot.invitations import invitation_jobs
from bot.kernel.clock import utcnow
from bot.kernel.jobs import Job
from bot.mydata import export_jobs
from bot.people import people_jobs
from bot.rights import request_jobs
from bot.runtime.job_runs import JobRuns
from bot.runtime.services import Services
from bot.transfer import transfer_jobs


def registered_jobs(services: Services) -> list[Job]:
    return [
        *people_jobs(services.sessionmaker, services.settings, utcnow),
        *audit_jobs(services.sessionmaker, services.settings, utcnow),
        *invitation_jobs(services.sessionmaker, services.invitations, services.clock),
        *transfer_jobs(services.sessionmaker, services.clock),
        *export_jobs(services.sessionmaker, services.clock),
        *case_jobs(services.sessionmaker, services.settings, services.clock),
        *digest_jobs(
            CaseDigestSource(services.sessionmaker),
            services.settings,
            staff_catalogs(services.settings.locales_dir),
            services.clock,
        ),
        *relay_jobs(
            services.sessionmaker,
            services.vault,
            services.translation,
            services.inbox,
            services.clock,
        ),
        *request_jobs(
            services.sessionmaker,
            services.clock,
            settings=services.settings,
            vault=services.vault,
            queue=services.inbox,
        ),
    ]


#: How long a stopping process lets running jobs finish.
GRACE_SECONDS = 10.0


class Scheduler:
    """The running schedule, and the jobs running now."""

    def __init__(self, scheduler: AsyncIOScheduler, running: set[asyncio.Task[None]]) -> None:
        self._scheduler = scheduler
        self._running = running

    async def stop(self, grace: float = GRACE_SECONDS) -> None:
        """No new runs, then the running ones finish before the scheduler goes.
        APScheduler's own shutdown cancels them mid-statement, and a SQLite connection
        cancelled while it closes never returns to the pool: the process then hung on
        the database's disposal instead of exiting."""
        self._scheduler.pause()
        running = [task for task in self._running if not task.done()]
        if running:
            await asyncio.wait(running, timeout=grace)
        self._scheduler.shutdown(wait=False)


def start_scheduler(services: Services) -> Scheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    runs = JobRuns(services.sessionmaker, services.clock)
    running: set[asyncio.Task[None]] = set()
    for job in registered_jobs(services):

        async def run(job: Job = job) -> None:
            task = asyncio.current_task()
            if task is not None:
                running.add(task)
            try:
                if await runs.run(job):
                    services.dispatcher.wake()
            finally:
                if task is not None:
                    running.discard(task)

        scheduler.add_job(
            run,
            "interval",
            seconds=job.every.total_seconds(),
            id=job.id,
            name=job.id,  # the log names the job, not the wrapper
            coalesce=True,
            max_instances=1,
            **({"next_run_time": utcnow()} if job.at_start else {}),
        )
    scheduler.start()
    return Scheduler(scheduler, running)
