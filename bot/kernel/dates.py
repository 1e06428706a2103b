"""A day as people in Germany write it: DD.MM.YYYY (also with / or - between)."""

from __future__ import annotations

import re
from datetime import date

_DAY = re.compile(r"\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})\s*")


def parse_day(text: str) -> date | None:
    """The day written, or None for anything that is not a real date so written."""
    match = _DAY.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None
