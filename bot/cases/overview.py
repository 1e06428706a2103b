"""The service admins' overview: a service's casework in figures, per week.

Only a service admin, and only for a service they belong to (bot.cases.access
`member`), gets figures; anyone else gets None. The figures are counts and times of
whole groups of cases: no case content, no person, no advisor. Resolved and withdrawn
cases count too, their timestamps stay for exactly this until `erase_at`.

Nothing here writes the access log: these aggregates are not personal data as long as
no count of 1 to 4 people is ever shown (bot.cases.charts applies that rule to every
count it draws; `within_share` and `by_status` here apply it to what they give out).
The raw counts in `Figures` must therefore only ever reach a page through those.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.advice import load
from bot.cases.access import member
from bot.cases.charts.figures import (
    Breakdown,
    Category,
    FirstResponse,
    OpenCases,
    ProtectedRow,
    WeekCount,
    WeekResponse,
    protect_row,
    small,
)
from bot.cases.service_level import WEEKDAYS, HoursError, ServiceLevel
from bot.cases.views import CaseStatus
from bot.db.models import AdviceService, Case
from bot.db.models import ServiceLevel as ServiceLevelRow
from bot.staff import StaffRole

#: How many weeks the overview looks back, the current one included.
WEEKS: Final = 12
#: The statuses of a case not yet resolved, in the order the overview lists them.
OPEN_STATUSES: Final = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING)
#: The topic key of a case handed off without a topic.
NO_TOPIC: Final = ""
DEFAULT_TIMEZONE: Final = "Europe/Berlin"


@dataclass(frozen=True, slots=True)
class ServiceChoice:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ResponseWeek:
    """The first responses given in the week starting `week`: how many, their median
    time in business minutes, and how many came within the target (None: no target)."""

    week: date
    answered: int
    median_minutes: int | None
    within: int | None


@dataclass(frozen=True, slots=True)
class Figures:
    service: ServiceChoice
    #: The Mondays of the weeks shown, oldest first; the last is the current week.
    weeks: tuple[date, ...]
    #: Cases not resolved now, by OPEN_STATUSES, with their total (small counts hidden).
    by_status: ProtectedRow
    open_cases: OpenCases
    #: The service's first-response target in business minutes; None: none set.
    target_minutes: int | None
    responses: tuple[ResponseWeek, ...]
    #: New cases per week by language code and by topic key (raw: draw through charts).
    languages: Breakdown
    topics: Breakdown

    def first_response(self) -> FirstResponse | None:
        """The chart's figures; None when the service set no target."""
        if self.target_minutes is None:
            return None
        weeks = tuple(WeekResponse(r.week, r.answered, r.median_minutes) for r in self.responses)
        return FirstResponse(weeks, self.target_minutes)


def within_share(week: ResponseWeek) -> int | None:
    """The week's share of first responses within the target, in whole percent; None
    when it could point at fewer than 5 cases (within or over the target: the share and
    the count shown beside it would give that number back) or when there is no target."""
    if week.within is None or week.answered == 0 or small(week.answered):
        return None
    if small(week.within) or small(week.answered - week.within):
        return None
    return round(100 * week.within / week.answered)


async def admin_services(session: AsyncSession, user_id: int) -> list[ServiceChoice]:
    """The services this login administers now, by name; empty for anyone who is not
    an active service admin."""
    who = await member(session, user_id)
    if who is None or who.role is not StaffRole.SERVICE_ADMIN or not who.service_ids:
        return []
    rows = await session.execute(
        select(AdviceService.id, AdviceService.slug).where(
            AdviceService.id.in_(sorted(who.service_ids))
        )
    )
    names = {service.slug: service.name for service in await load(session)}
    found = [ServiceChoice(service_id, names.get(slug, slug)) for service_id, slug in rows]
    return sorted(found, key=lambda s: (s.name.casefold(), s.id))


async def service_overview(
    session: AsyncSession, user_id: int, service_id: int, now: datetime, *, weeks: int = WEEKS
) -> Figures | None:
    """The figures of one service for one of its admins; None for anyone else."""
    choice = next((s for s in await admin_services(session, user_id) if s.id == service_id), None)
    if choice is None:
        return None
    level_row = await session.get(ServiceLevelRow, service_id)
    level = _level(level_row)
    zone = ZoneInfo(level.calendar.timezone)
    today = now.astimezone(zone).date()
    mondays = tuple(
        today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1 - i)
        for i in range(weeks)
    )
    start = _midnight(mondays[0], zone)
    rows = list(
        await session.execute(
            select(Case.status, Case.language, Case.topic, Case.created_at,
                   Case.first_responded_at, Case.resolved_at, Case.withdrawn_at,
                   Case.expires_at)
            .where(Case.service_id == service_id, Case.created_at <= now,
                   or_(Case.resolved_at.is_(None), Case.resolved_at >= start))
        )
    )  # fmt: skip

    def week_of(moment: datetime) -> int | None:
        if moment < start or moment > now:
            return None
        return (moment.astimezone(zone).date() - mondays[0]).days // 7

    open_now = [r for r in rows if _open_at(r, now)]
    by_status = protect_row(
        mondays[-1], [sum(1 for r in open_now if r.status == s.value) for s in OPEN_STATUSES]
    )
    open_weeks = []
    for monday in mondays:
        end = min(_midnight(monday + timedelta(days=7), zone), now)
        open_weeks.append(WeekCount(monday, sum(1 for r in rows if _open_at(r, end))))
    target = level_row.first_response_minutes if level_row is not None else 0
    times: list[list[int]] = [[] for _ in mondays]
    for r in rows:
        if r.first_responded_at is not None and (i := week_of(r.first_responded_at)) is not None:
            # Business minutes from the hand-off; a wait for the person before the first
            # response is rare and its paused minutes are not kept apart, so it counts.
            times[i].append(level.calendar.between(r.created_at, r.first_responded_at))
    responses = tuple(
        ResponseWeek(
            monday, len(found),
            int(statistics.median(found)) if found else None,
            sum(1 for m in found if m <= target) if target else None,
        )
        for monday, found in zip(mondays, times, strict=True)
    )  # fmt: skip
    new = [(i, r) for r in rows if (i := week_of(r.created_at)) is not None]
    languages = _breakdown(mondays, [(i, r.language or "und") for i, r in new], languages=True)
    topics = _breakdown(mondays, [(i, r.topic or NO_TOPIC) for i, r in new], languages=False)
    return Figures(
        choice, mondays, by_status, OpenCases(tuple(open_weeks)), target or None, responses,
        languages, topics,
    )  # fmt: skip


def _open_at(row: Any, moment: datetime) -> bool:
    """Handed off by `moment` and at that moment neither resolved, withdrawn nor expired."""
    return bool(
        row.created_at <= moment
        and (row.resolved_at is None or row.resolved_at > moment)
        and (row.withdrawn_at is None or row.withdrawn_at > moment)
        and row.expires_at > moment
    )


def _breakdown(
    mondays: Sequence[date], found: Sequence[tuple[int, str]], *, languages: bool
) -> Breakdown:
    keys = sorted({key for _, key in found})
    index = {key: c for c, key in enumerate(keys)}
    counts = [[0] * len(keys) for _ in mondays]
    for week, key in found:
        counts[week][index[key]] += 1
    categories = tuple(Category(k, k, k if languages else None) for k in keys)
    return Breakdown(tuple(mondays), categories, tuple(tuple(row) for row in counts))


def _level(row: ServiceLevelRow | None) -> ServiceLevel:
    """The service's hours (the default hours where it has none or they are unusable:
    the overview is no place to refuse a page over a configuration)."""
    if row is None:
        return ServiceLevel.from_row(0, 0, None, land=None, timezone=DEFAULT_TIMEZONE)
    try:
        return ServiceLevel.from_row(
            row.first_response_minutes, row.next_response_minutes, _named(row.hours),
            land=(row.land or "").lower() or None, timezone=row.timezone or DEFAULT_TIMEZONE,
        )  # fmt: skip
    except HoursError:
        return ServiceLevel.from_row(0, 0, None, land=None, timezone=DEFAULT_TIMEZONE)


def _named(hours: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Stored hours keyed by weekday name ("mon") or number ("0" is Monday)."""
    if not hours:
        return None
    return {WEEKDAYS[int(k)] if k.isdigit() and int(k) < 7 else k: v for k, v in hours.items()}


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(ZoneInfo("UTC"))
