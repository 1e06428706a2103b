"""Flow steps on a real database (SQLite, and PostgreSQL when configured), by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.i18n import Catalogs
from tests.support.clock import Clock
from tests.support.steps import Bench


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    # Read once: the catalogs never change during a run.
    return Catalogs(Settings.model_fields["locales_dir"].default)


@pytest.fixture
async def bench(settings: Settings, clock: Clock, catalogs: Catalogs) -> AsyncIterator[Bench]:
    built = Bench(settings, clock, catalogs)
    yield built
    await built.close()
