"""Emptying a shared PostgreSQL test database between tests."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.models import Base


async def truncate(url: str) -> None:
    """Empty every table of the database at `url` and restart its id sequences."""
    engine = create_async_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
