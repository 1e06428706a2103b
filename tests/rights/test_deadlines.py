"""The deadline arithmetic (bot.rights.deadlines): GDPR Art. 12(3) counted as Regulation
(EEC, Euratom) No 1182/71 counts, across month ends, leap years, weekends and the public
holidays of different Länder; extensions, posting, and the reminder's two weeks."""

from __future__ import annotations

from datetime import date

import pytest

from bot.rights.deadlines import (
    LANDS,
    SentBy,
    add_months,
    answer_due,
    extension_in_time,
    is_working_day,
    receipt,
    reminder_due,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: its last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2028, 2, 29), 1, date(2028, 3, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # over the year's end
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
    ],
)
def test_a_month_ends_on_the_same_date_or_the_months_last_day(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("received", "land", "due"),
    [
        # The day of receipt does not count; one month on is the same date.
        (date(2026, 3, 10), "be", date(2026, 4, 10)),
        # 28 February 2026 is a Saturday: Monday 2 March.
        (date(2026, 1, 31), "by", date(2026, 3, 2)),
        # 28 February 2027 is a Sunday: Monday 1 March.
        (date(2027, 1, 31), "nw", date(2027, 3, 1)),
        # 29 February 2028, a Tuesday: the leap day itself.
        (date(2028, 1, 29), "hh", date(2028, 2, 29)),
        # Christmas 2026: Friday 25, Saturday 26, Sunday 27: Monday 28 December.
        (date(2026, 11, 25), None, date(2026, 12, 28)),
        # All Saints' Day, Monday 1 November 2027: a holiday in NRW, not in Berlin.
        (date(2027, 10, 1), "nw", date(2027, 11, 2)),
        (date(2027, 10, 1), "be", date(2027, 11, 1)),
        (date(2027, 10, 1), None, date(2027, 11, 1)),  # Land unknown: Germany's only
        # Corpus Christi, Thursday 4 June 2026: Bavaria and Hesse, not Lower Saxony.
        (date(2026, 5, 4), "by", date(2026, 6, 5)),
        (date(2026, 5, 4), "he", date(2026, 6, 5)),
        (date(2026, 5, 4), "ni", date(2026, 6, 4)),
        # International Women's Day, Monday 8 March 2027: a holiday in Berlin only here.
        (date(2027, 2, 8), "be", date(2027, 3, 9)),
        (date(2027, 2, 8), "sn", date(2027, 3, 8)),
    ],
)
def test_the_answer_is_due_a_month_after_receipt_on_a_working_day(
    received: date, land: str | None, due: date
) -> None:
    assert answer_due(received, land) == due


def test_an_extension_adds_two_months_from_the_same_receipt() -> None:
    # 31 July + 3 months: Friday 31 October 2025, Reformation Day in Lower Saxony
    # (then Saturday, Sunday: Monday 3 November), a working day in Bavaria.
    assert answer_due(date(2025, 7, 31), "ni", extended=True) == date(2025, 11, 3)
    assert answer_due(date(2025, 7, 31), "by", extended=True) == date(2025, 10, 31)
    assert answer_due(date(2025, 11, 30), "nw", extended=True) == date(2026, 3, 2)


def test_an_extension_counts_only_within_the_first_month() -> None:
    due = answer_due(date(2026, 3, 10), "be")
    assert extension_in_time(due, due)
    assert extension_in_time(date(2026, 3, 11), due)
    assert not extension_in_time(date(2026, 4, 11), due)


@pytest.mark.parametrize(
    ("sent", "by", "land", "received"),
    [
        (date(2026, 12, 10), SentBy.POST, "nw", date(2026, 12, 14)),  # Fri, Sat, Mon
        # Thursday 24, then Christmas Day and Boxing Day, Sunday: Monday 28, Tuesday 29.
        (date(2026, 12, 23), SentBy.POST, "nw", date(2026, 12, 29)),
        # Maundy Thursday 2026: Good Friday, Saturday, Sunday, Easter Monday.
        (date(2026, 4, 2), SentBy.POST, "by", date(2026, 4, 8)),
        (date(2026, 12, 23), SentBy.ELECTRONIC, "nw", date(2026, 12, 23)),
        (date(2026, 12, 23), SentBy.IN_PERSON, None, date(2026, 12, 23)),
        (date(2026, 12, 23), SentBy.LOTSE, None, date(2026, 12, 23)),
    ],
)
def test_receipt_by_post_is_the_third_postal_working_day(
    sent: date, by: SentBy, land: str | None, received: date
) -> None:
    assert receipt(sent, by, land) == received


def test_a_reminder_sets_two_weeks_from_its_receipt() -> None:
    # Posted on Good Friday 2026: received Wednesday 8 April; two weeks: 22 April.
    assert reminder_due(date(2026, 4, 3), SentBy.POST, "nw") == date(2026, 4, 22)
    # By e-mail Monday 11 May 2026: two weeks is Whit Monday: Tuesday 26 May.
    assert reminder_due(date(2026, 5, 11), SentBy.ELECTRONIC, "be") == date(2026, 5, 26)


def test_every_land_is_known_and_an_unknown_one_is_refused() -> None:
    assert len(LANDS) == 16
    for land in LANDS:
        assert not is_working_day(date(2026, 10, 3), land)  # German Unity Day
        assert is_working_day(date(2026, 10, 5), land)
    with pytest.raises(ValueError, match="unknown Land"):
        is_working_day(date(2026, 10, 5), "xx")
