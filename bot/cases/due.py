"""The one place that keeps a case's persisted due times right.

The inbox lists and the digest read `first_response_due` and `next_response_due` from
the case row (an index can answer "overdue" then); this module sets them at each event
of the case, from the service's `service_levels` row and the pure rules of
bot.cases.service_level. A service without a row sets no targets: its due times stay
None. While the case waits for the person the clock stands still: no due time moves, and
when the wait ends each running one moves on by the business minutes that were paused.
A resolved case has no due time. The caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.service_level import BusinessCalendar, ServiceLevel
from bot.cases.views import CaseStatus, Direction
from bot.db.models import Case, CaseMessage
from bot.db.models import ServiceLevel as ServiceLevelRow

#: The calendar that counts paused minutes of a service without a row.
_DEFAULT = BusinessCalendar.from_hours()


def level_of(row: ServiceLevelRow) -> ServiceLevel:
    """The service level a stored row describes (no hours stored: the default hours)."""
    return ServiceLevel.from_row(
        row.first_response_minutes, row.next_response_minutes, row.hours or None,
        land=row.land.lower() if row.land else None, timezone=row.timezone,
    )  # fmt: skip


async def _level(session: AsyncSession, case: Case) -> ServiceLevel | None:
    if case.service_id is None:
        return None
    row = await session.get(ServiceLevelRow, case.service_id)
    return None if row is None else level_of(row)


async def started(session: AsyncSession, case: Case, now: datetime) -> None:
    """At hand-off: the first response is due `first_response_minutes` after now."""
    level = await _level(session, case)
    minutes = level.targets.first_response_minutes if level else 0
    case.first_response_due = level.calendar.add(now, minutes) if level and minutes else None


async def person_wrote(session: AsyncSession, case: Case, now: datetime) -> None:
    """The person wrote: after the first response, the next one is due (unless one is
    already running — it counts from their oldest unanswered message). While the case
    waits for them, the clock starts when the wait ends (status_changed)."""
    if (
        case.first_responded_at is None
        or case.next_response_due is not None
        or case.status == CaseStatus.RESOLVED.value
        or case.waiting_since is not None
    ):
        return
    level = await _level(session, case)
    minutes = level.targets.next_response_minutes if level else 0
    if level and minutes:
        case.next_response_due = level.calendar.add(now, minutes)


async def advisor_replied(session: AsyncSession, case: Case, now: datetime) -> None:
    """An advisor answered: the first response is made (its due time stays, for the
    statistics: met or missed), and no next response is due until the person writes."""
    if case.first_responded_at is None:
        case.first_responded_at = now
    case.next_response_due = None


async def status_changed(session: AsyncSession, case: Case, now: datetime) -> None:
    """After `case.status` changed: waiting pauses the clock; leaving "waiting" moves
    the running due times on by the paused business minutes; resolved clears them."""
    status = CaseStatus(case.status)
    level = await _level(session, case)
    calendar = level.calendar if level else _DEFAULT
    if status is CaseStatus.WAITING:
        if case.waiting_since is None:
            case.waiting_since = now
        return
    if case.waiting_since is not None:
        since, case.waiting_since = case.waiting_since, None
        case.paused_minutes += calendar.between(since, now)
        case.first_response_due = _moved(calendar, case.first_response_due, since, now)
        case.next_response_due = _moved(calendar, case.next_response_due, since, now)
        if status is not CaseStatus.RESOLVED:
            await _unanswered_while_waiting(session, case, now)
    if status is CaseStatus.RESOLVED:
        case.first_response_due = case.next_response_due = None


def _moved(
    calendar: BusinessCalendar, due_at: datetime | None, since: datetime, now: datetime
) -> datetime | None:
    """A due time that was running when the pause began: as many business minutes after
    `now` as were left at `since`. One already passed then stays where it was."""
    if due_at is None or due_at <= since:
        return due_at
    return calendar.add(now, calendar.seconds_between(since, due_at) / 60)


async def _unanswered_while_waiting(session: AsyncSession, case: Case, now: datetime) -> None:
    """The person answered while the case waited: their next response is due from now."""
    if case.first_responded_at is None or case.next_response_due is not None:
        return
    latest = await session.scalar(
        select(CaseMessage.direction)
        .where(CaseMessage.case_id == case.id, CaseMessage.direction != Direction.EVENT.value)
        .order_by(CaseMessage.id.desc())
        .limit(1)
    )
    if latest == Direction.IN.value:
        await person_wrote(session, case, now)
