"""Alembic, driven from code: `lotse db upgrade` and the schema check of `serve`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str, secret_key: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    # For migrations that encrypt what was stored in the clear (0005: connect codes).
    config.attributes["secret_key"] = secret_key
    return config


def upgrade(database_url: str, revision: str = "head", *, secret_key: str | None = None) -> None:
    """Apply migrations (runs its own event loop: call from sync code only)."""
    command.upgrade(alembic_config(database_url, secret_key), revision)


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None
    return head


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def schema_problem(engine: AsyncEngine) -> str | None:
    """None when the schema is current, else one line saying what to do."""
    current = await current_revision(engine)
    head = head_revision()
    if current == head:
        return None
    if current is None:
        return "the database has no Lotse schema yet; run `lotse db upgrade`"
    return f"the database schema is at {current}, this Lotse needs {head}; run `lotse db upgrade`"
