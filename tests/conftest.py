"""Shared fixtures: a real database per test (SQLite, and PostgreSQL when configured),
the real aiohttp app on a loopback port, and a clock the test controls.

PostgreSQL tests run when LOTSE_TEST_POSTGRES_URL names a server where the user
may create databases (deploy/test.sh starts one); otherwise they are skipped,
and deploy/test.sh refuses to skip them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web_app
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import Settings, load_settings
from bot.db import migrate
from bot.runtime.services import Services
from bot.web.app import make_app
from tests.support.clock import Clock
from tests.support.database import truncate
from tests.support.factories import build_test_services, seed_municipality
from tests.support.settings import SECRET, STRICT

PG_URL = os.environ.get("LOTSE_TEST_POSTGRES_URL", "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `one_database` check what no database changes (a page's layout, its
    accessibility): their PostgreSQL variant is left out, not skipped."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("database_url") == "postgres"
        (drop if on_postgres and item.get_closest_marker("one_database") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _forget_finished_apps() -> Iterator[None]:
    """aiohttp keeps each application's middleware chain in a process-wide cache of 1024
    entries, and with it the application: harmless for a server's one app, but a test run
    builds hundreds, each holding its services, database engine and compiled statements.
    A run that kept them grew past a gigabyte per process and slowed every test."""
    yield
    web_app._cached_build_middleware.cache_clear()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    if not PG_URL:
        if STRICT:
            pytest.fail("LOTSE_TEST_POSTGRES_URL is not set (deploy/test.sh sets it)")
        pytest.skip("LOTSE_TEST_POSTGRES_URL is not set")
    name = f"lotse_test_{uuid.uuid4().hex[:8]}"

    async def admin(statement: str) -> None:
        engine = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "lotse.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    asyncio.run(truncate(url))
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key=SECRET,
        contact_channels="webchat",
        _env_file=None,
    )


@pytest.fixture
async def services(settings: Settings, clock: Clock) -> AsyncIterator[Services]:
    await seed_municipality(settings)
    built = await build_test_services(settings, clock)
    yield built
    await built.close()


@pytest.fixture
async def client(services: Services) -> AsyncIterator[TestClient[object, object]]:
    server = TestServer(make_app(services, dispatch=False), host="127.0.0.1")
    async with TestClient(server) as test_client:
        yield test_client
