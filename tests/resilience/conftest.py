"""Fixtures of the resilience tests: real `lotse serve` processes, a fresh database per
test (SQLite, or PostgreSQL on the shared test server), and a private PostgreSQL
cluster that a test may stop.

These tests run only with `-m resilience` (deploy/test-resilience.sh); the main
suite deselects them. A failed test shows the log tail of every server it started.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.pg_cluster import ClusterUnavailable, PgCluster
from tests.support.processes import Processes
from tests.support.settings import STRICT

PG_URL = os.environ.get("LOTSE_TEST_POSTGRES_URL", "")
PROCESSES_KEY = pytest.StashKey[Processes]()


def _unavailable(reason: str) -> None:
    if STRICT:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    processes = item.stash.get(PROCESSES_KEY, None)
    if report.failed and processes is not None and processes.servers:
        report.sections.append(("lotse serve logs", processes.report()))
    return report


@pytest.fixture
def processes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Processes]:
    """Start servers with `processes.serve(env)`; all are killed when the test ends."""
    started = Processes(tmp_path)
    request.node.stash[PROCESSES_KEY] = started
    try:
        yield started
    finally:
        started.close()


async def _admin(statement: str) -> None:
    engine = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database (no schema): a SQLite file, or a database of
    its own on the shared PostgreSQL test server (LOTSE_TEST_POSTGRES_URL)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'lotse.sqlite3'}"
        return
    if not PG_URL:
        _unavailable("LOTSE_TEST_POSTGRES_URL is not set (deploy/test-resilience.sh sets it)")
    name = f"lotse_resilience_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A private PostgreSQL cluster (tests/support/pg_cluster.py), dropped at the end."""
    try:
        cluster = PgCluster.create()
    except ClusterUnavailable as error:
        _unavailable(f"no private PostgreSQL cluster: {error}")
        raise  # not reached: _unavailable skips or fails
    try:
        yield cluster
    finally:
        cluster.drop()


@pytest.fixture
def private_database(pg_cluster: PgCluster) -> Iterator[str]:
    """A new, empty database on the private cluster, which is running when the test
    starts (whatever an earlier test left) and is dropped afterwards."""
    pg_cluster.start()
    url = pg_cluster.create_database()
    try:
        yield url
    finally:
        pg_cluster.drop_database(url)
