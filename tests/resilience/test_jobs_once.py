"""Two `lotse serve` on one database, with the reminder job (reminders and expiry) due
at start, ask for it at the same moment: one of them runs it, every invitation gets
one reminder, and every expired one one expiry.

Invitations by letter were printed LOTSE_INVITATION_REMINDER_DAYS and a day ago
(reminder due), others longer ago than they are valid (expired); quiet hours are
off. The reminder is a letter in the print queue: it is counted in the database.

Two processes never start in step (imports alone differ by up to a second here),
so on PostgreSQL the test locks the job's row while both start, until both wait
for it; released, both claims go at once. On SQLite the servers just start
together: a lock held there would stop their start-up (its schema check), and
BEGIN IMMEDIATE serialises the claims anyway (tests/runtime/test_job_runs.py
races two claimers on one file). Both servers log at DEBUG, where the one that
does not run the job says why.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.config import load_settings
from bot.db.session import make_engine, make_sessionmaker
from bot.kernel.clock import utcnow
from tests.resilience.database import scalar, wait_until
from tests.support.cli import free_port
from tests.support.factories import build_test_services
from tests.support.invitations import printed, reminders
from tests.support.processes import SECRET, LotseServer, Processes, lotse_env, prepare_database

DUE = 200  # invitations whose reminder is due
EXPIRED = 20
JOB = "invitation-reminders"


async def invitations_due(database_url: str, data_dir: Path) -> tuple[list[int], list[int]]:
    """(due, expired) invitation ids, made through Lotse's own functions."""
    settings = load_settings(
        _env_file=None, database_url=database_url, secret_key=SECRET, data_dir=data_dir
    )
    services = await build_test_services(settings, utcnow)
    try:
        now = utcnow()
        expired = await printed(
            services, now - timedelta(days=settings.invitation_valid_days + 1), EXPIRED, "OLD"
        )
        due = await printed(
            services, now - timedelta(days=settings.invitation_reminder_days + 1), DUE
        )
        return due, expired
    finally:
        await services.close()


@asynccontextmanager
async def job_row_locked(url: str) -> AsyncIterator[None]:
    """On PostgreSQL, the job's row exists and is locked until exit."""
    if url.startswith("sqlite"):
        yield
        return
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO job_runs (job_id) VALUES (:job)"), {"job": JOB}
            )
        async with engine.begin() as connection:
            await connection.execute(
                text("SELECT job_id FROM job_runs WHERE job_id = :job FOR UPDATE"), {"job": JOB}
            )
            yield
    finally:
        await engine.dispose()


async def both_waiting(url: str, servers: list[LotseServer]) -> None:
    if url.startswith("sqlite"):
        return

    async def waiting() -> bool:
        found = await scalar(
            url,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE '%job_runs%'",
        )
        return found == len(servers)

    await wait_until(waiting, within=30, what="both servers to wait for the job's row")


async def job_finished(url: str) -> bool:
    return bool(
        await scalar(
            url,
            "SELECT count(*) FROM job_runs WHERE job_id = :job "
            "AND finished_at IS NOT NULL AND finished_at >= started_at",
            job=JOB,
        )
    )


@pytest.mark.resilience
async def test_two_servers_asking_at_once_send_one_reminder_per_invitation(
    fresh_database: str, processes: Processes, tmp_path: Path
) -> None:
    quiet_off = {"LOTSE_QUIET_HOURS_START": "0", "LOTSE_QUIET_HOURS_END": "0"}
    envs = [
        lotse_env(fresh_database, tmp_path, port=free_port(), log_level="DEBUG") | quiet_off
        for _ in range(2)
    ]
    await prepare_database(envs[0], tmp_path)
    due, expired = await invitations_due(fresh_database, tmp_path)
    servers = [processes.serve(env) for env in envs]

    async with job_row_locked(fresh_database):
        await asyncio.gather(*(server.start() for server in servers))
        await both_waiting(fresh_database, servers)
    await wait_until(
        lambda: job_finished(fresh_database), within=60, what=f"the job {JOB} to finish"
    )
    # The other server asked too, and was refused.
    runs_in_first = await scalar(
        fresh_database,
        "SELECT count(*) FROM job_runs WHERE job_id = :job AND process LIKE :pid",
        job=JOB,
        pid=f"%:{servers[0].pid}",
    )
    other = servers[1] if runs_in_first else servers[0]

    async def refused() -> bool:
        log = other.log.read_text(errors="replace")
        return f"job {JOB}: already run" in log or f"job {JOB}: still running" in log

    await wait_until(refused, within=30, what="the other server to skip the job")
    for server in servers:
        await server.terminate()

    letters, events = await reminders_of(fresh_database)
    assert letters == events == Counter(dict.fromkeys(due, 1))
    expiries = await scalar(
        fresh_database,
        "SELECT count(*) FROM invitation_events WHERE status = 'expired'",
    )
    expired_now = await scalar(
        fresh_database, "SELECT count(*) FROM invitations WHERE status = 'expired'"
    )
    assert (expiries, expired_now) == (len(expired), len(expired))


async def reminders_of(database_url: str) -> tuple[Counter[int], Counter[int]]:
    engine = make_engine(database_url)
    try:
        return await reminders(make_sessionmaker(engine))
    finally:
        await engine.dispose()
