"""Running each scheduled job once per schedule, however many processes share the database.

Every `lotse serve` schedules every job. Before a run, a process claims the job's
row in `job_runs` in one short transaction: the row is locked (FOR UPDATE on
PostgreSQL; on SQLite, BEGIN IMMEDIATE already lets one writer in at a time), and
the claim succeeds only when no process started the job within its interval and
no run of it is still going. The run itself happens after that commit, outside
any transaction; its finish is recorded afterwards, also when it raised.

Guarantees:
- Two processes asking at the same moment: one runs the job, the other skips it.
- The same process's next tick is not skipped by clock jitter: a run counts as
  "within the interval" only up to the interval less a small tolerance.
- A run whose process died blocks the job until its `running_until` only.
- A run that outlived its `running_until` (slow, not dead) may overlap the next
  one; the jobs are written to be safe then (row locks, idempotent deletes).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import JobRun
from bot.kernel.jobs import Job

log = logging.getLogger(__name__)

#: The shortest time a run is taken to be alive. Jobs run in seconds; this covers a
#: database that stalls a 30-second job for minutes without letting a crash stop it long.
MIN_RUNNING = timedelta(minutes=5)
#: The most a tick may come early and still run (APScheduler's and the claim's delays).
MAX_TOLERANCE = timedelta(seconds=30)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[-80:]


def running_bound(job: Job) -> timedelta:
    """How long a run may last before its process is taken to have died: two intervals
    (five minutes at least). A crash then costs the job at most one schedule, and a slow
    run is not overlapped before it has had twice its usual time."""
    return max(2 * job.every, MIN_RUNNING)


def tolerance(job: Job) -> timedelta:
    """How much earlier than a full interval after the last start a run may begin."""
    return min(job.every / 10, MAX_TOLERANCE)


@dataclass(frozen=True, slots=True)
class Claim:
    """A won run: the finish is recorded only while the row still names this run."""

    job_id: str
    started_at: datetime
    process: str


@dataclass(frozen=True, slots=True)
class JobRuns:
    """Claims and records runs of scheduled jobs for one process."""

    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]
    process: str = field(default_factory=this_process)

    async def claim(self, job: Job) -> Claim | None:
        """Win this schedule's run of `job`, or None when another run had it."""
        now = self.clock()
        async with self.sessionmaker() as session, session.begin():
            postgres = session.get_bind().dialect.name == "postgresql"
            insert = postgres_insert if postgres else sqlite_insert
            await session.execute(
                insert(JobRun)
                .values(job_id=job.id)
                .on_conflict_do_nothing(index_elements=[JobRun.job_id])
            )
            row = await session.scalar(
                select(JobRun).where(JobRun.job_id == job.id).with_for_update()
            )
            assert row is not None  # inserted above, and never deleted
            if not self._due(row, job, now):
                return None
            row.started_at, row.running_until = now, now + running_bound(job)
            row.process = self.process
        return Claim(job.id, now, self.process)

    @staticmethod
    def _due(row: JobRun, job: Job, now: datetime) -> bool:
        started = row.started_at
        if started is None:
            return True
        unfinished = row.finished_at is None or row.finished_at < started
        if unfinished and row.running_until is not None and row.running_until > now:
            log.debug("job %s: still running in %s", job.id, row.process)
            return False
        if started > now - job.every + tolerance(job):
            log.debug("job %s: already run at %s by %s", job.id, started, row.process)
            return False
        return True

    async def finish(self, claim: Claim) -> None:
        async with self.sessionmaker() as session, session.begin():
            result = await session.execute(
                update(JobRun)
                .where(
                    JobRun.job_id == claim.job_id,
                    JobRun.started_at == claim.started_at,
                    JobRun.process == claim.process,
                )
                .values(finished_at=self.clock())
            )
        if not getattr(result, "rowcount", 1):
            # Another process took it over meanwhile: its run is not ours to close.
            log.warning("job %s outlived its running time; a later run took over", claim.job_id)

    async def run(self, job: Job) -> bool | None:
        """Run `job` if this process wins its schedule: what the job returned (False
        when it raised: it is logged), or None when another run had the schedule."""
        claim = await self.claim(job)
        if claim is None:
            return None
        try:
            return await job.run()
        except Exception:
            log.exception("job %s failed", job.id)
            return False
        finally:
            await self.finish(claim)
