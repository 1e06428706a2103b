"""A service's service level as the operator sets it: targets, opening hours written
the way a notice on the door writes them ("Mo-Do 09:00-16:00, Fr 09:00-12:00"), the
Land whose holidays close it, its time zone, and where its daily digest goes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.service_level import WEEKDAYS, BusinessCalendar, HoursError, Targets
from bot.db.models import AdviceService
from bot.db.models import ServiceLevel as ServiceLevelRow

#: German and English weekday abbreviations, Monday first.
_DAY_NAMES = {
    **{name: i for i, name in enumerate(("mo", "di", "mi", "do", "fr", "sa", "so"))},
    **{name: i for i, name in enumerate(WEEKDAYS)},
}
_SPAN = re.compile(r"(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})")
_EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")


class LevelError(ValueError):
    """A service level that cannot be set; the message says why, in one line."""


def _days(text: str) -> list[int]:
    names = [part.strip().lower().rstrip(".") for part in re.split(r"[-–]", text)]
    if not 1 <= len(names) <= 2 or any(name not in _DAY_NAMES for name in names):
        raise LevelError(f"{text!r} is not a weekday or a range such as Mo-Fr")
    first, last = _DAY_NAMES[names[0]], _DAY_NAMES[names[-1]]
    if last < first:
        raise LevelError(f"{text!r} runs backwards")
    return list(range(first, last + 1))


def parse_hours(text: str) -> dict[str, list[list[str]]]:
    """ "Mo-Do 09:00-16:00, Fr 09:00-12:00 13:00-15:00" → the stored form; a day not
    named is closed. LevelError says what is wrong."""
    hours: dict[str, list[list[str]]] = {}
    for group in filter(None, (g.strip() for g in text.split(","))):
        days, _, spans_text = group.partition(" ")
        spans = _SPAN.findall(spans_text)
        if not spans or _SPAN.sub("", spans_text).strip():
            raise LevelError(f"{group!r}: write the days, then times such as 09:00-16:00")
        for day in _days(days):
            if WEEKDAYS[day] in hours:
                raise LevelError(f"{WEEKDAYS[day]} is named twice")
            hours[WEEKDAYS[day]] = [[a.zfill(5), b.zfill(5)] for a, b in spans]
    if not hours:
        raise LevelError("no opening hours given")
    try:
        return BusinessCalendar.from_hours(hours).to_hours()
    except HoursError as error:
        raise LevelError(f"hours: {error}") from None


def describe_hours(hours: dict[str, list[list[str]]]) -> str:
    """The stored form as one line ("mon 09:00-16:00, …")."""
    return ", ".join(
        f"{day} " + " ".join(f"{a}-{b}" for a, b in hours[day]) for day in WEEKDAYS if day in hours
    )


@dataclass(frozen=True, slots=True)
class Level:
    slug: str
    first_response_minutes: int
    next_response_minutes: int
    hours: dict[str, list[list[str]]]
    land: str | None
    timezone: str
    digest_to: tuple[str, ...]


async def _service_id(session: AsyncSession, slug: str) -> int:
    found = await session.scalar(select(AdviceService.id).where(AdviceService.slug == slug))
    if found is None:
        raise LevelError(f"no advice service {slug!r} (see `lotse services list`)")
    return found


async def set_level(
    session: AsyncSession,
    slug: str,
    *,
    first: int,
    next_: int,
    hours: str | None = None,
    land: str | None = None,
    timezone: str = "Europe/Berlin",
    digest_to: Sequence[str] = (),
) -> Level:
    """Creates or replaces the service's level; hours None keeps the stored ones (or the
    default Mo-Fr 09:00-16:00). LevelError for anything that cannot be used."""
    service_id = await _service_id(session, slug)
    try:
        Targets(first, next_)
    except ValueError as error:
        raise LevelError(str(error)) from None
    wrong = [a for a in digest_to if not _EMAIL.fullmatch(a)]
    if wrong:
        raise LevelError(f"{wrong[0]!r} is not an e-mail address")
    row = await session.get(ServiceLevelRow, service_id)
    stored = parse_hours(hours) if hours is not None else (row.hours if row else None)
    land_code = land.strip().lower() if land else None
    try:
        calendar = BusinessCalendar.from_hours(stored or None, timezone=timezone, land=land_code)
    except HoursError as error:
        raise LevelError(str(error)) from None
    if row is None:
        row = ServiceLevelRow(service_id=service_id)
        session.add(row)
    row.first_response_minutes, row.next_response_minutes = first, next_
    row.hours, row.timezone = calendar.to_hours(), calendar.timezone
    row.land = land_code.upper() if land_code else None
    row.digest_to = [a.strip().lower() for a in digest_to]
    await session.flush()
    return _level(slug, row)


async def get_level(session: AsyncSession, slug: str) -> Level | None:
    row = await session.get(ServiceLevelRow, await _service_id(session, slug))
    return None if row is None else _level(slug, row)


def _level(slug: str, row: ServiceLevelRow) -> Level:
    return Level(
        slug, row.first_response_minutes, row.next_response_minutes,
        row.hours or BusinessCalendar.from_hours().to_hours(), row.land, row.timezone,
        tuple(row.digest_to or ()),
    )  # fmt: skip
