"""Service levels: when an advisor's answer is due, counted in the service's business hours.

A service sets two targets in business minutes: the first response (from the moment the
person handed the case over) and the next response (from the person's oldest message that
no advisor has answered yet). Only time inside the service's opening hours counts: its
weekly spans in its time zone, minus the public holidays of its Land (the `holidays`
package; all of Germany where the Land is not known). Hours are wall-clock times, so a
span on the night clocks change is an hour shorter or longer in real time.

While the case waits for the person (an advisor asked them something), the clock is
paused: that time does not count, and no due time is shown until it runs again. A target
of 0 means the service set none. A resolved case has no due time.

Everything here is pure: times come in as aware datetimes, "now" included.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

#: The Länder as the holder catalog and bot.rights write them.
LANDS = (
    "bb", "be", "bw", "by", "hb", "he", "hh", "mv", "ni", "nw", "rp", "sh", "sl", "sn", "st", "th",
)  # fmt: skip
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
#: The share of a target left at which a due time counts as "due soon".
DUE_SOON_SHARE = 0.2
#: Where no hours are set: Monday to Friday, 9 to 16 o'clock.
DEFAULT_HOURS: Mapping[str, Sequence[Sequence[str]]] = {
    day: [["09:00", "16:00"]] for day in WEEKDAYS[:5]
}
#: A calendar without a single open minute in this many days is refused: due times
#: would never come.
HORIZON_DAYS = 3 * 366
_CLOCK = re.compile(r"([01]\d|2[0-4]):([0-5]\d)")


class HoursError(ValueError):
    """Opening hours that cannot be used; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Span:
    """One opening span of a day, in minutes after local midnight (close may be 1440)."""

    open: int
    close: int

    def __post_init__(self) -> None:
        if not 0 <= self.open < self.close <= DAY_MINUTES:
            raise HoursError(f"{_clock(self.open)}–{_clock(self.close)} is not a span of a day")


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(value: str) -> int:
    found = _CLOCK.fullmatch(value.strip())
    if found is None or (found[1] == "24" and found[2] != "00"):
        raise HoursError(f"{value!r} is not a time of day such as 09:30")
    return int(found[1]) * 60 + int(found[2])


@lru_cache(maxsize=128)
def _holidays(land: str | None, year: int) -> frozenset[date]:
    subdiv = None if land is None else land.upper()
    return frozenset(holidays.country_holidays("DE", subdiv=subdiv, years=year).keys())


def is_working_day(day: date, land: str | None) -> bool:
    """Monday to Friday and no public holiday in `land` (None: in all of Germany)."""
    return day.weekday() < 5 and day not in _holidays(land, day.year)


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """A service's business hours: spans per weekday (Monday first), its time zone and Land."""

    week: tuple[tuple[Span, ...], ...]
    timezone: str = "Europe/Berlin"
    land: str | None = None

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise HoursError("needs the spans of all seven weekdays")
        for spans in self.week:
            for earlier, later in itertools.pairwise(spans):
                if later.open < earlier.close:
                    raise HoursError(
                        f"{_clock(later.open)} starts before {_clock(earlier.close)} ends"
                    )
        if not any(self.week):
            raise HoursError("is never open")
        if self.land is not None and self.land not in LANDS:
            raise HoursError(f"unknown Land {self.land!r}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise HoursError(f"unknown time zone {self.timezone!r}") from None

    @classmethod
    def from_hours(
        cls,
        hours: Mapping[str, Sequence[Sequence[str]]] | None = None,
        *,
        timezone: str = "Europe/Berlin",
        land: str | None = None,
    ) -> BusinessCalendar:
        """From stored hours: {"mon": [["09:00", "12:00"], ["13:00", "16:00"]], …};
        a weekday not named is closed. None: DEFAULT_HOURS."""
        hours = DEFAULT_HOURS if hours is None else hours
        unknown = sorted(set(hours) - set(WEEKDAYS))
        if unknown:
            raise HoursError(f"unknown weekday {unknown[0]!r} (use {', '.join(WEEKDAYS)})")
        week: list[tuple[Span, ...]] = []
        for day in WEEKDAYS:
            spans = []
            for pair in hours.get(day, ()):
                if len(pair) != 2:
                    raise HoursError(f"{day}: a span is [open, close], got {list(pair)!r}")
                spans.append(Span(_minutes(pair[0]), _minutes(pair[1])))
            week.append(tuple(sorted(spans, key=lambda span: span.open)))
        return cls(tuple(week), timezone, land)

    def to_hours(self) -> dict[str, list[list[str]]]:
        """The stored form, as from_hours reads it."""
        return {
            day: [[_clock(span.open), _clock(span.close)] for span in spans]
            for day, spans in zip(WEEKDAYS, self.week, strict=True)
            if spans
        }

    def is_holiday(self, day: date) -> bool:
        return day in _holidays(self.land, day.year)

    def intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open intervals (aware, in UTC) that end after `start`, in order, clipped to
        begin no earlier than `start`. Endless, unless the calendar is never open."""
        _aware(start)
        zone = ZoneInfo(self.timezone)
        day = start.astimezone(zone).date() - timedelta(days=1)
        for _ in range(HORIZON_DAYS):
            if not self.is_holiday(day):
                for span in self.week[day.weekday()]:
                    begin = _at(day, span.open, zone)
                    end = _at(day, span.close, zone)
                    # A span inside the spring-forward gap has no real time.
                    if end > start and end > begin:
                        yield max(begin, start), end
            day += timedelta(days=1)
        raise HoursError(f"no open minute in {HORIZON_DAYS} days")

    def add(self, start: datetime, minutes: float, *, pauses: Sequence[Pause] = ()) -> datetime:
        """The moment `minutes` business minutes after `start`, time in `pauses` not
        counted. 0 minutes: `start` itself, open or not."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        left = timedelta(minutes=minutes)
        if not left:
            return start.astimezone(ZoneInfo("UTC"))
        for begin, end in _without(self.intervals(start), pauses):
            if end - begin >= left:
                return begin + left
            left -= end - begin
        raise ValueError("the clock is paused (an open pause): no moment is due")

    def between(self, a: datetime, b: datetime, *, pauses: Sequence[Pause] = ()) -> int:
        """Whole business minutes from `a` to `b` (0 when b is not after a), time in
        `pauses` not counted."""
        return int(self.seconds_between(a, b, pauses=pauses) // 60)

    def seconds_between(self, a: datetime, b: datetime, *, pauses: Sequence[Pause] = ()) -> float:
        _aware(b)
        total = timedelta()
        if b <= a:
            return 0.0
        for begin, end in _without(self.intervals(a), pauses):
            if begin >= b:
                break
            total += min(end, b) - begin
        return total.total_seconds()


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("needs an aware datetime (with a time zone)")


def _at(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """Local wall-clock `minutes` after midnight of `day`, in UTC (24:00: next midnight)."""
    extra, minutes = divmod(minutes, DAY_MINUTES)
    local = datetime.combine(day + timedelta(days=extra), time(minutes // 60, minutes % 60))
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True, slots=True)
class Pause:
    """The case waited for the person from `start` until `end` (None: it still does)."""

    start: datetime
    end: datetime | None = None


def _without(
    intervals: Iterator[tuple[datetime, datetime]], pauses: Sequence[Pause]
) -> Iterator[tuple[datetime, datetime]]:
    """The intervals with the paused time cut out."""
    cuts = sorted(pauses, key=lambda pause: pause.start)
    for begin, end in intervals:
        pieces = [(begin, end)]
        for pause in cuts:
            stop = pause.end
            next_pieces = []
            for a, b in pieces:
                if (stop is not None and stop <= a) or pause.start >= b:
                    next_pieces.append((a, b))
                    continue
                if a < pause.start:
                    next_pieces.append((a, pause.start))
                if stop is not None and stop < b:
                    next_pieces.append((stop, b))
            pieces = next_pieces
        yield from pieces
        if any(pause.end is None and pause.start <= end for pause in cuts):
            return  # an open pause: the clock stands still from there on


class Kind(StrEnum):
    """Which answer is due."""

    FIRST_RESPONSE = "first-response"
    NEXT_RESPONSE = "next-response"


class DueState(StrEnum):
    ON_TRACK = "on-track"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    #: Waiting for the person: the clock stands still.
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class Targets:
    """A service's targets in business minutes (0: none set)."""

    first_response_minutes: int = 0
    next_response_minutes: int = 0
    due_soon_share: float = DUE_SOON_SHARE

    def __post_init__(self) -> None:
        if self.first_response_minutes < 0 or self.next_response_minutes < 0:
            raise ValueError("targets must not be negative")
        if not 0 <= self.due_soon_share < 1:
            raise ValueError("due_soon_share must be at least 0 and below 1")


@dataclass(frozen=True, slots=True)
class CaseClock:
    """What the service-level computation needs of a case (nothing of its content)."""

    created_at: datetime
    first_responded_at: datetime | None = None
    #: The person's oldest message that no advisor answered yet (after the last reply).
    unanswered_since: datetime | None = None
    #: Times the case waited for the person; an open one pauses the clock now.
    pauses: tuple[Pause, ...] = ()
    #: Business minutes already paused that `pauses` does not list (a store that keeps
    #: only a running total of the current clock's closed pauses).
    paused_minutes: int = 0
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Due:
    kind: Kind
    target_minutes: int
    #: Business minutes of the target used so far.
    elapsed_minutes: int
    #: None while paused: it moves with the pause.
    due_at: datetime | None
    state: DueState

    @property
    def remaining_minutes(self) -> int:
        """Business minutes left; negative when overdue."""
        return self.target_minutes - self.elapsed_minutes


def due(case: CaseClock, targets: Targets, calendar: BusinessCalendar, now: datetime) -> Due | None:
    """The answer due now, or None: resolved, answered, or no target set for it."""
    if case.resolved_at is not None:
        return None
    if case.first_responded_at is None:
        kind, start, target = Kind.FIRST_RESPONSE, case.created_at, targets.first_response_minutes
    elif case.unanswered_since is not None:
        kind, start, target = (
            Kind.NEXT_RESPONSE,
            case.unanswered_since,
            targets.next_response_minutes,
        )
    else:
        return None
    if target == 0:
        return None
    pauses = case.pauses
    counted = calendar.seconds_between(start, now, pauses=pauses) / 60
    elapsed = max(0.0, counted - case.paused_minutes)
    used = int(elapsed)
    if any(p.end is None and p.start <= now for p in pauses):
        return Due(kind, target, used, None, DueState.PAUSED)
    due_at = calendar.add(start, target + case.paused_minutes, pauses=pauses)
    if now >= due_at:
        state = DueState.OVERDUE
    elif target - elapsed <= target * targets.due_soon_share:
        state = DueState.DUE_SOON
    else:
        state = DueState.ON_TRACK
    return Due(kind, target, used, due_at, state)


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    """A service's targets and hours together, as its `service_levels` row holds them."""

    targets: Targets
    calendar: BusinessCalendar

    @classmethod
    def from_row(
        cls,
        first_response_minutes: int,
        next_response_minutes: int,
        hours: Mapping[str, Sequence[Sequence[str]]] | None,
        *,
        land: str | None,
        timezone: str = "Europe/Berlin",
    ) -> ServiceLevel:
        return cls(
            Targets(first_response_minutes, next_response_minutes),
            BusinessCalendar.from_hours(hours, timezone=timezone, land=land),
        )

    def due(self, case: CaseClock, now: datetime) -> Due | None:
        return due(case, self.targets, self.calendar, now)
