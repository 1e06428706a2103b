"""Importing a directory file as a whole: read, check every row, then store (or not)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.advice.directory import Imported, import_services
from bot.advice.parse import parse
from bot.db.models import AdviceImport

#: A few clearly fictional services of Musterstadt, loaded by `lotse demo`.
DEMO_FILE = Path(__file__).parent / "data" / "demo-services.json"


async def import_file(
    session: AsyncSession,
    data: bytes,
    *,
    name: str,
    replace: bool,
    now: datetime,
    today: date,
) -> Imported:
    """Check `data` (the file's bytes) and import it in the caller's transaction;
    bot.advice.ParseError with every problem, and nothing imported, if a row is bad."""
    services = parse(data, name=name, today=today)
    return await import_services(
        session, services, replace=replace, file_name=Path(name).name,
        sha256=hashlib.sha256(data).hexdigest(), now=now,
    )  # fmt: skip


async def seed_demo(session: AsyncSession, *, now: datetime, today: date) -> Imported | None:
    """Load the demo services into a directory that was never filled (nothing is
    re-added once the operator has imported or removed anything)."""
    if await session.scalar(select(AdviceImport.id).limit(1)) is not None:
        return None
    return await import_file(
        session, DEMO_FILE.read_bytes(), name=DEMO_FILE.name, replace=False, now=now, today=today
    )
