"""What every `lotse` command group shares: how a command refuses, and a database session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db.session import make_engine, make_sessionmaker
from bot.offices import OfficeError

T = TypeVar("T")


class Stop(Exception):
    """The command refused; the message is one line for the operator."""


def run_in_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """`work` in one transaction; an office rule it breaks ends the command with its reason."""

    async def run() -> T:
        engine = make_engine(settings.database_url)
        try:
            async with make_sessionmaker(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except OfficeError as error:
        raise Stop(str(error)) from None
