"""Services for the advice tests: built in code, or the demo file read by the import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.advice import DEMO_FILE, Hours, Place, Programme, Service, Topic, parse
from bot.config import Settings
from bot.db.session import make_engine, make_sessionmaker

TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def demo() -> tuple[Service, ...]:
    return parse(DEMO_FILE.read_bytes(), name=DEMO_FILE.name, today=TODAY)


def service(slug: str = "s", **changes: Any) -> Service:
    """A plain general service: every topic, every language given, no limits, in person."""
    base = Service(
        slug=slug,
        name=slug.upper(),
        programme=Programme.OTHER,
        provider="Provider",
        topics=frozenset(),
        languages=frozenset({"de"}),
        verified_at=date(2026, 11, 1),
        source="test",
        place=Place("Weg 1", "12345", "Musterstadt", (Hours(0, *_times()),)),
    )
    return replace(base, **changes)


def _times() -> tuple[Any, Any]:
    from datetime import time

    return time(9), time(12)


def topics(*names: str) -> frozenset[Topic]:
    return frozenset(Topic(n) for n in names)


@pytest.fixture
async def sessions(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(settings.database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()
