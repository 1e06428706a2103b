"""Service-level arithmetic with a controllable clock: every "now" is given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cases.service_level import (
    BusinessCalendar,
    CaseClock,
    DueState,
    HoursError,
    Kind,
    Pause,
    ServiceLevel,
    Span,
    Targets,
    due,
)

BERLIN = ZoneInfo("Europe/Berlin")
#: Monday to Friday, 9 to 16 o'clock: 7 hours, 420 minutes a day.
OFFICE = BusinessCalendar.from_hours(land="nw")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in Berlin."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def test_add_inside_one_span() -> None:
    assert OFFICE.add(at(2026, 12, 1, 10), 90) == at(2026, 12, 1, 11, 30)
    assert OFFICE.between(at(2026, 12, 1, 10), at(2026, 12, 1, 11, 30)) == 90


def test_a_target_that_ends_with_the_day_ends_at_closing_not_next_morning() -> None:
    assert OFFICE.add(at(2026, 12, 1, 15), 60) == at(2026, 12, 1, 16)


def test_start_outside_hours_counts_from_the_next_opening() -> None:
    # Tuesday evening → Wednesday 9:00 + 30 minutes.
    assert OFFICE.add(at(2026, 12, 1, 19), 30) == at(2026, 12, 2, 9, 30)
    # Before opening on the same day.
    assert OFFICE.add(at(2026, 12, 2, 6), 30) == at(2026, 12, 2, 9, 30)
    assert OFFICE.between(at(2026, 12, 1, 19), at(2026, 12, 2, 9)) == 0


def test_the_weekend_does_not_count() -> None:
    # Friday 15:30 + 60 → Monday 9:30.
    assert OFFICE.add(at(2026, 12, 4, 15, 30), 60) == at(2026, 12, 7, 9, 30)
    # Saturday → Monday.
    assert OFFICE.add(at(2026, 12, 5, 11), 10) == at(2026, 12, 7, 9, 10)
    assert OFFICE.between(at(2026, 12, 4, 15, 30), at(2026, 12, 7, 9, 30)) == 60


def test_a_target_over_several_days() -> None:
    # Two full days (840) and 30 minutes from Tuesday 9:00: Thursday 9:30.
    assert OFFICE.add(at(2026, 12, 1, 9), 2 * 420 + 30) == at(2026, 12, 3, 9, 30)
    # Across a weekend: Thursday 12:00 + 3 days of hours → Tuesday 12:00.
    assert OFFICE.add(at(2026, 12, 3, 12), 3 * 420) == at(2026, 12, 8, 12)
    assert OFFICE.between(at(2026, 12, 3, 12), at(2026, 12, 8, 12)) == 3 * 420


def test_christmas_and_new_year() -> None:
    # Thursday 24 December is a working day; 25 and 26 are holidays; 28 is Monday.
    assert OFFICE.add(at(2026, 12, 24, 15), 120) == at(2026, 12, 28, 10)
    # 31 December is a working day, 1 January a holiday.
    assert OFFICE.add(at(2026, 12, 31, 15, 30), 60) == at(2027, 1, 4, 9, 30)


@pytest.mark.parametrize(
    ("land", "due_at"),
    [
        # Corpus Christi (Thursday 27 May 2027) is a holiday in North Rhine-Westphalia…
        ("nw", at(2027, 5, 28, 9, 30)),
        # …not in Berlin.
        ("be", at(2027, 5, 27, 9, 30)),
        # Where the Land is not known, only the holidays of all of Germany.
        (None, at(2027, 5, 27, 9, 30)),
    ],
)
def test_holidays_of_the_land(land: str | None, due_at: datetime) -> None:
    calendar = BusinessCalendar.from_hours(land=land)
    assert calendar.add(at(2027, 5, 26, 15, 30), 60) == due_at


def test_a_holiday_of_one_land_only() -> None:
    # Repentance Day (Wednesday 18 November 2026): Saxony only.
    saxony = BusinessCalendar.from_hours(land="sn")
    hamburg = BusinessCalendar.from_hours(land="hh")
    start = at(2026, 11, 17, 15)
    assert saxony.add(start, 120) == at(2026, 11, 19, 10)
    assert hamburg.add(start, 120) == at(2026, 11, 18, 10)
    # Epiphany (6 January 2027): Bavaria, not all of Germany.
    assert BusinessCalendar.from_hours(land="by").is_holiday(at(2027, 1, 6).date())
    assert not BusinessCalendar.from_hours().is_holiday(at(2027, 1, 6).date())


def test_a_lunch_break_and_a_short_friday() -> None:
    calendar = BusinessCalendar.from_hours(
        {
            "mon": [["08:30", "12:00"], ["13:00", "16:30"]],
            "tue": [["08:30", "12:00"], ["13:00", "16:30"]],
            "fri": [["08:30", "12:30"]],
        },
        land="he",
    )
    assert calendar.add(at(2026, 11, 30, 11, 30), 60) == at(2026, 11, 30, 13, 30)
    assert calendar.between(at(2026, 11, 30, 11, 30), at(2026, 11, 30, 13, 30)) == 60
    # Tuesday 16:00 + 60: Wednesday and Thursday closed, Friday 8:30 + 30.
    assert calendar.add(at(2026, 12, 1, 16), 60) == at(2026, 12, 4, 9)


def test_daylight_saving_time_keeps_wall_clock_hours() -> None:
    # Friday 24 March 2028 15:30 (UTC+1) + 60 → Monday 27 March 9:30 (UTC+2).
    due_at = OFFICE.add(at(2028, 3, 24, 15, 30), 60)
    assert due_at == datetime(2028, 3, 27, 7, 30, tzinfo=UTC)
    assert due_at.astimezone(BERLIN).hour == 9
    # In 2027 the clocks change on Easter Sunday: Thursday 25 March 15:30 + 60 → Good
    # Friday and Easter Monday are holidays → Tuesday 30 March 9:30 (UTC+2).
    assert OFFICE.add(at(2027, 3, 25, 15, 30), 60) == datetime(2027, 3, 30, 7, 30, tzinfo=UTC)
    # Autumn: Friday 23 October 2026 (UTC+2) → Monday 26 October 9:30 (UTC+1).
    assert OFFICE.add(at(2026, 10, 23, 15, 30), 60) == datetime(2026, 10, 26, 8, 30, tzinfo=UTC)


def test_a_day_open_around_the_clock_is_23_or_25_hours_when_clocks_change() -> None:
    sundays = BusinessCalendar.from_hours({"sun": [["00:00", "24:00"]]})
    assert sundays.between(at(2027, 3, 28), at(2027, 3, 29)) == 23 * 60
    assert sundays.between(at(2026, 10, 25), at(2026, 10, 26)) == 25 * 60
    assert sundays.between(at(2026, 11, 1), at(2026, 11, 2)) == 24 * 60
    # Three hours after midnight on the spring day is 4 o'clock.
    assert sundays.add(at(2027, 3, 28), 180) == at(2027, 3, 28, 4)


def test_a_span_in_the_spring_forward_gap_has_no_time() -> None:
    night = BusinessCalendar.from_hours({"sun": [["02:00", "03:00"]], "mon": [["09:00", "10:00"]]})
    assert night.between(at(2027, 3, 28), at(2027, 3, 29)) == 0
    assert night.between(at(2027, 3, 21), at(2027, 3, 22)) == 60


def test_add_and_between_agree() -> None:
    calendar = BusinessCalendar.from_hours(
        {"mon": [["09:00", "12:00"], ["14:00", "18:00"]], "wed": [["10:00", "15:00"]]},
        land="by",
    )
    start = at(2026, 12, 18, 7, 13)
    for step in range(0, 3000, 97):
        moment = start + timedelta(minutes=step * 7)
        for minutes in (1, 59, 180, 181, 600, 2000):
            assert calendar.between(moment, calendar.add(moment, minutes)) == minutes


def test_results_are_in_utc_whatever_zone_comes_in() -> None:
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)  # 10:00 in Berlin
    assert OFFICE.add(start, 30) == at(2026, 12, 1, 10, 30)
    assert OFFICE.add(start, 30).tzinfo == UTC
    assert OFFICE.add(start, 0) == start


def test_another_time_zone() -> None:
    lisbon = BusinessCalendar.from_hours(timezone="Europe/Lisbon")
    # 9:00 in Lisbon is 10:00 in Berlin.
    assert lisbon.add(at(2026, 12, 1, 6), 30) == at(2026, 12, 1, 10, 30)


def test_pauses_are_not_counted() -> None:
    start = at(2026, 12, 1, 10)
    waited = (Pause(at(2026, 12, 1, 11), at(2026, 12, 1, 13)),)
    assert OFFICE.add(start, 120, pauses=waited) == at(2026, 12, 1, 14)
    assert OFFICE.between(start, at(2026, 12, 1, 14), pauses=waited) == 120
    # A pause over the weekend and into Monday.
    weekend = (Pause(at(2026, 12, 4, 15), at(2026, 12, 7, 10)),)
    assert OFFICE.add(at(2026, 12, 4, 14), 120, pauses=weekend) == at(2026, 12, 7, 11)
    # An open pause stops the clock from its start.
    still = (Pause(at(2026, 12, 1, 11)),)
    assert OFFICE.between(start, at(2026, 12, 9, 12), pauses=still) == 60
    with pytest.raises(ValueError, match="paused"):
        OFFICE.add(start, 120, pauses=still)


def test_hours_are_validated() -> None:
    with pytest.raises(HoursError, match="weekday"):
        BusinessCalendar.from_hours({"monday": [["09:00", "16:00"]]})
    with pytest.raises(HoursError, match="time of day"):
        BusinessCalendar.from_hours({"mon": [["9", "16:00"]]})
    with pytest.raises(HoursError, match="time of day"):
        BusinessCalendar.from_hours({"mon": [["09:00", "24:30"]]})
    with pytest.raises(HoursError, match="not a span"):
        BusinessCalendar.from_hours({"mon": [["16:00", "09:00"]]})
    with pytest.raises(HoursError, match="starts before"):
        BusinessCalendar.from_hours({"mon": [["09:00", "12:00"], ["11:00", "16:00"]]})
    with pytest.raises(HoursError, match="never open"):
        BusinessCalendar.from_hours({})
    with pytest.raises(HoursError, match="Land"):
        BusinessCalendar.from_hours(land="xx")
    with pytest.raises(HoursError, match="time zone"):
        BusinessCalendar.from_hours(timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="aware"):
        OFFICE.add(datetime(2026, 12, 1, 10), 30)


def test_hours_round_trip() -> None:
    hours = {"mon": [["08:30", "12:00"], ["13:00", "16:30"]], "sat": [["10:00", "24:00"]]}
    calendar = BusinessCalendar.from_hours(hours, land="hb")
    assert calendar.to_hours() == hours
    assert calendar.week[0] == (Span(510, 720), Span(780, 990))
    assert BusinessCalendar.from_hours(calendar.to_hours(), land="hb") == calendar


def test_a_calendar_open_one_hour_a_week() -> None:
    sundays = BusinessCalendar.from_hours({"sun": [["10:00", "11:00"]]})
    assert sundays.add(at(2026, 12, 1), 60) == at(2026, 12, 6, 11)


# The due time of a case.

TARGETS = Targets(first_response_minutes=240, next_response_minutes=120)


def test_first_response_due_and_its_states() -> None:
    case = CaseClock(created_at=at(2026, 12, 1, 10))
    on_track = due(case, TARGETS, OFFICE, at(2026, 12, 1, 11))
    assert on_track is not None
    assert on_track.kind is Kind.FIRST_RESPONSE
    assert on_track.due_at == at(2026, 12, 1, 14)
    assert on_track.state is DueState.ON_TRACK
    assert (on_track.elapsed_minutes, on_track.remaining_minutes) == (60, 180)
    # The last 20 % (48 minutes) of the target.
    soon = due(case, TARGETS, OFFICE, at(2026, 12, 1, 13, 12))
    assert soon is not None and soon.state is DueState.DUE_SOON
    just_before = due(case, TARGETS, OFFICE, at(2026, 12, 1, 13, 11))
    assert just_before is not None and just_before.state is DueState.ON_TRACK
    late = due(case, TARGETS, OFFICE, at(2026, 12, 1, 14))
    assert late is not None and late.state is DueState.OVERDUE
    # Overnight nothing more is used up: next morning at 10 it is 180 business minutes
    # late (14 to 16 o'clock, and 9 to 10).
    next_day = due(case, TARGETS, OFFICE, at(2026, 12, 2, 10))
    assert next_day is not None and next_day.state is DueState.OVERDUE
    assert next_day.remaining_minutes == -180


def test_due_soon_over_the_weekend() -> None:
    # Created Friday 14:00: 120 of 240 minutes used by closing, the rest on Monday.
    case = CaseClock(created_at=at(2026, 12, 4, 14))
    saturday = due(case, TARGETS, OFFICE, at(2026, 12, 5, 12))
    assert saturday is not None
    assert saturday.due_at == at(2026, 12, 7, 11)
    assert saturday.state is DueState.ON_TRACK


def test_next_response_from_the_oldest_unanswered_message() -> None:
    case = CaseClock(
        created_at=at(2026, 12, 1, 10),
        first_responded_at=at(2026, 12, 1, 10, 30),
        unanswered_since=at(2026, 12, 2, 15),
    )
    found = due(case, TARGETS, OFFICE, at(2026, 12, 2, 15, 30))
    assert found is not None
    assert found.kind is Kind.NEXT_RESPONSE
    assert found.due_at == at(2026, 12, 3, 10)
    assert found.state is DueState.ON_TRACK
    # All answered: nothing is due.
    answered = CaseClock(created_at=case.created_at, first_responded_at=case.first_responded_at)
    assert due(answered, TARGETS, OFFICE, at(2026, 12, 9, 12)) is None


def test_waiting_for_the_person_pauses_the_clock() -> None:
    case = CaseClock(
        created_at=at(2026, 12, 1, 10),
        pauses=(Pause(at(2026, 12, 1, 11)),),
    )
    waiting = due(case, TARGETS, OFFICE, at(2026, 12, 8, 12))
    assert waiting is not None
    assert waiting.state is DueState.PAUSED
    assert waiting.due_at is None
    assert waiting.elapsed_minutes == 60
    # The person answered on Tuesday the 8th at 12:00: 180 minutes left from then.
    resumed = CaseClock(
        created_at=case.created_at, pauses=(Pause(at(2026, 12, 1, 11), at(2026, 12, 8, 12)),)
    )
    found = due(resumed, TARGETS, OFFICE, at(2026, 12, 8, 13))
    assert found is not None
    assert found.due_at == at(2026, 12, 8, 15)
    assert found.state is DueState.ON_TRACK
    assert found.elapsed_minutes == 120


def test_a_running_total_of_paused_minutes() -> None:
    # A store that keeps only the total of closed pauses (business minutes) gets the
    # same due time as one that keeps the intervals.
    listed = CaseClock(
        created_at=at(2026, 12, 1, 10), pauses=(Pause(at(2026, 12, 1, 11), at(2026, 12, 1, 13)),)
    )
    totalled = CaseClock(created_at=at(2026, 12, 1, 10), paused_minutes=120)
    now = at(2026, 12, 1, 13, 30)
    first, second = due(listed, TARGETS, OFFICE, now), due(totalled, TARGETS, OFFICE, now)
    assert first is not None and second is not None
    assert first.due_at == second.due_at == at(2026, 12, 1, 16)
    assert first.elapsed_minutes == second.elapsed_minutes == 90


def test_targets_of_zero_mean_none() -> None:
    case = CaseClock(created_at=at(2026, 12, 1, 10))
    assert due(case, Targets(0, 120), OFFICE, at(2026, 12, 9)) is None
    replied = CaseClock(
        created_at=at(2026, 12, 1, 10),
        first_responded_at=at(2026, 12, 1, 11),
        unanswered_since=at(2026, 12, 1, 12),
    )
    assert due(replied, Targets(240, 0), OFFICE, at(2026, 12, 9)) is None
    # add() with 0 minutes is the start itself, open or not.
    assert OFFICE.add(at(2026, 12, 5, 23), 0) == at(2026, 12, 5, 23)


def test_a_resolved_case_has_no_due_time() -> None:
    case = CaseClock(created_at=at(2026, 12, 1, 10), resolved_at=at(2026, 12, 1, 10, 5))
    assert due(case, TARGETS, OFFICE, at(2026, 12, 9)) is None


def test_targets_are_validated() -> None:
    with pytest.raises(ValueError, match="negative"):
        Targets(-1, 0)
    with pytest.raises(ValueError, match="due_soon_share"):
        Targets(60, 60, due_soon_share=1.0)
    # A custom share: the last half of the target is "due soon".
    half = Targets(240, 120, due_soon_share=0.5)
    found = due(CaseClock(created_at=at(2026, 12, 1, 9)), half, OFFICE, at(2026, 12, 1, 11))
    assert found is not None and found.state is DueState.DUE_SOON


def test_a_service_level_from_its_row() -> None:
    level = ServiceLevel.from_row(60, 30, {"mon": [["10:00", "12:00"]]}, land="nw")
    found = level.due(CaseClock(created_at=at(2026, 11, 30, 11, 30)), at(2026, 11, 30, 11, 45))
    assert found is not None
    assert found.due_at == at(2026, 12, 7, 10, 30)
    assert found.state is DueState.ON_TRACK
    # No hours stored: Monday to Friday, 9 to 16.
    default = ServiceLevel.from_row(60, 30, None, land=None)
    assert default.calendar == BusinessCalendar.from_hours()
