"""The directory in the database: importing the operator's services, and reading them.

An import is one transaction: every service is added, updated or left as it is by its
slug, and with `replace` the services the file no longer lists are removed; either all
of it happens or nothing does. Every import is recorded (`advice_imports`), also one
that changed nothing, so the operator can tell which file is loaded.

A running Lotse reads the directory once and keeps it (`Directory`); each step reads
only the newest import's id, and reads the services again when another process (the
CLI) has imported since."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.advice.codec import dumps, loads
from bot.advice.record import Service
from bot.db.models import AdviceImport, AdviceService


@dataclass(frozen=True, slots=True)
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import changed, and its row in `advice_imports`."""

    id: int
    counts: Counts


@dataclass(frozen=True, slots=True)
class Stored:
    """A service as listed: its record, when it last changed and by which import."""

    service: Service
    updated_at: datetime
    import_id: int


#: Two imports at once on PostgreSQL wait for each other (any constant will do).
_LOCK = 0x4C4F5453  # "LOTS"


async def _serialize(session: AsyncSession) -> None:
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})


async def import_services(
    session: AsyncSession,
    services: Sequence[Service],
    *,
    replace: bool,
    file_name: str,
    sha256: str | None,
    now: datetime,
) -> Imported:
    """Add or update `services` by slug (and with `replace` remove the others), in the
    caller's transaction. Slugs must be unique (bot.advice.parse checks it)."""
    await _serialize(session)
    record = AdviceImport(
        imported_at=now, action="replace" if replace else "import",
        file_name=file_name[:255], sha256=sha256,
    )  # fmt: skip
    session.add(record)
    await session.flush()
    existing = {row.slug: row for row in (await session.scalars(select(AdviceService))).all()}
    added = updated = unchanged = 0
    for service in services:
        stored = dumps(service)
        row = existing.get(service.slug)
        if row is None:
            session.add(AdviceService(
                slug=service.slug, programme=service.programme.value, record=stored,
                verified_at=service.verified_at, updated_at=now, import_id=record.id,
            ))  # fmt: skip
            added += 1
        elif row.record == stored:
            unchanged += 1
        else:
            row.record, row.programme = stored, service.programme.value
            row.verified_at, row.updated_at, row.import_id = service.verified_at, now, record.id
            updated += 1
    gone = set(existing) - {s.slug for s in services} if replace else set()
    if gone:
        await session.execute(delete(AdviceService).where(AdviceService.slug.in_(gone)))
    record.added, record.updated, record.unchanged = added, updated, unchanged
    record.removed = len(gone)
    await session.flush()
    return Imported(record.id, Counts(added, updated, unchanged, len(gone)))


async def remove_service(session: AsyncSession, slug: str, *, now: datetime) -> bool:
    """Remove one service by hand (recorded like an import); False if there is none."""
    await _serialize(session)
    result = await session.execute(delete(AdviceService).where(AdviceService.slug == slug))
    if not getattr(result, "rowcount", 0):
        return False
    session.add(AdviceImport(imported_at=now, action="remove", file_name=slug[:255],
                             sha256=None, added=0, updated=0, unchanged=0, removed=1))  # fmt: skip
    await session.flush()
    return True


async def load(session: AsyncSession) -> tuple[Service, ...]:
    """Every service, ordered by slug."""
    rows = await session.scalars(select(AdviceService.record).order_by(AdviceService.slug))
    return tuple(loads(record) for record in rows)


async def stored(session: AsyncSession) -> tuple[Stored, ...]:
    """Every service with when it last changed, ordered by slug (the listing)."""
    rows = await session.execute(
        select(AdviceService.record, AdviceService.updated_at, AdviceService.import_id).order_by(
            AdviceService.slug
        )
    )
    return tuple(Stored(loads(r), at, imp) for r, at, imp in rows)


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(AdviceService)) or 0


async def imports(session: AsyncSession, limit: int = 10) -> tuple[AdviceImport, ...]:
    """The newest changes of the directory, newest first."""
    rows = await session.scalars(select(AdviceImport).order_by(AdviceImport.id.desc()).limit(limit))
    return tuple(rows.all())


async def _version(session: AsyncSession) -> tuple[int, datetime] | None:
    row = (
        await session.execute(
            select(AdviceImport.id, AdviceImport.imported_at)
            .order_by(AdviceImport.id.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else (row[0], row[1])


class Directory:
    """One process's copy of the directory, read again when the newest import changes.

    The key is the newest import's id and time (an emptied and refilled database that
    reused an id would still differ in time)."""

    __slots__ = ("_key", "_services")

    def __init__(self) -> None:
        self._key: tuple[int, datetime] | None = None
        self._services: tuple[Service, ...] = ()

    async def services(self, session: AsyncSession) -> tuple[Service, ...]:
        key = await _version(session)
        if key is None:
            self._key, self._services = None, ()
        elif key != self._key:
            # Read first, then keep: a step cancelled mid-read leaves the old copy whole.
            services = await load(session)
            self._key, self._services = key, services
        return self._services


def recheck_before(today: date) -> date:
    """Records verified before this day (twelve months ago) are due to be checked again."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)
