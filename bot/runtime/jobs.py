"""The job registry: each feature describes its scheduled jobs; APScheduler runs them here.

A new feature adds its `*_jobs` function to `registered_jobs`, and nothing else. Every
process schedules every job; `bot.runtime.job_runs` lets one of them run each schedule.
"""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.audit import audit_jobs
from bot.invitations import invitation_jobs
from bot.kernel.clock import utcnow
from bot.kernel.jobs import Job
from bot.mydata import export_jobs
from bot.people import people_jobs
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
    ]


def start_scheduler(services: Services) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    runs = JobRuns(services.sessionmaker, services.clock)
    for job in registered_jobs(services):

        async def run(job: Job = job) -> None:
            if await runs.run(job):
                services.dispatcher.wake()

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
    return scheduler
