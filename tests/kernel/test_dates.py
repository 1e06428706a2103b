"""Days as people in Germany write them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.kernel.dates import parse_day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("23.04.2026", date(2026, 4, 23)),
        (" 1.2.2026 ", date(2026, 2, 1)),
        ("29/02/2028", date(2028, 2, 29)),
        ("7-3-2026", date(2026, 3, 7)),
    ],
)
def test_a_day_written_day_month_year(text: str, day: date) -> None:
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["", "2026-04-23", "31.02.2026", "29.02.2027", "23.04.26", "x"])
def test_anything_else_is_no_day(text: str) -> None:
    assert parse_day(text) is None
