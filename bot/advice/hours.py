"""Opening hours as the directory file writes them, e.g. `Mo-Fr 09:00-12:00; Di 14:00-16:00`.

Rules are separated by `;`. A rule is the days (a day, a range `Mo-Fr`, or several of
them separated by `,`: `Mo,Mi`), a space, and one or more times `HH:MM-HH:MM`
separated by `,`. Days are German (Mo Di Mi Do Fr Sa So) or English (Mo Tu We Th Fr Sa
Su) abbreviations, in any case, with or without a dot; a dash counts as a hyphen. Each
time must open before it closes (no hours past midnight). Lotse writes hours back in
German abbreviations, days with the same times joined."""

from __future__ import annotations

import re
from datetime import time
from itertools import pairwise

from bot.advice.record import Hours

#: The day abbreviations Lotse writes (index 0 is Monday).
DAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
_DAY = {
    **{name.lower(): i for i, name in enumerate(DAYS)},
    **{name: i for i, name in enumerate(("mo", "tu", "we", "th", "fr", "sa", "su"))},
}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-4]):([0-5]\d)$")


class HoursError(ValueError):
    """The text is not opening hours; the message says what is wrong, plainly."""


def parse_hours(text: str) -> tuple[Hours, ...]:
    """The hours of `text`, ordered by day and time; empty text: none."""
    found: list[Hours] = []
    # Spreadsheets and word processors turn hyphens into dashes; "Mo." is still Monday.
    text = text.replace("–", "-").replace("—", "-")
    for rule in (part.strip() for part in text.split(";")):
        if not rule:
            continue
        days_text, _, times_text = rule.partition(" ")
        if not times_text.strip():
            raise HoursError(f"{rule!r}: write the days, a space and the times (Mo-Fr 09:00-12:00)")
        days = _days(days_text)
        for span in times_text.replace(" ", "").split(","):
            opens, closes = _span(span)
            found.extend(Hours(day, opens, closes) for day in days)
    ordered = sorted(set(found), key=lambda h: (h.day, h.opens, h.closes))
    for before, after in pairwise(ordered):
        if before.day == after.day and after.opens < before.closes:
            raise HoursError(f"{DAYS[before.day]}: the times overlap")
    return tuple(ordered)


def _days(text: str) -> list[int]:
    days: list[int] = []
    for item in text.split(","):
        first, dash, last = item.strip().lower().replace(".", "").partition("-")
        if first not in _DAY or (dash and last not in _DAY):
            raise HoursError(
                f"{item.strip()!r} is not a day: write Mo Di Mi Do Fr Sa So "
                "(or Mo Tu We Th Fr Sa Su), a range like Mo-Fr"
            )
        start, end = _DAY[first], _DAY[last] if dash else _DAY[first]
        if end < start:
            raise HoursError(f"{item.strip()!r}: the range must run from Monday towards Sunday")
        days.extend(range(start, end + 1))
    return days


def _span(text: str) -> tuple[time, time]:
    match = _TIME.match(text)
    if match is None:
        raise HoursError(f"{text!r} is not a time span: write it like 09:00-12:30")
    oh, om, ch, cm = (int(g) for g in match.groups())
    if ch == 24 and cm:
        raise HoursError(f"{text!r}: a day ends at 24:00")
    opens = time(oh, om)
    closes = time(23, 59) if ch == 24 else time(ch, cm)
    if closes <= opens:
        raise HoursError(f"{text!r}: it must open before it closes")
    return opens, closes


def format_hours(hours: tuple[Hours, ...]) -> str:
    """`hours` in the file's syntax, days with the same times joined (Mo-Fr 09:00-12:00);
    parse_hours reads it back."""
    by_day: dict[int, str] = {}
    for h in hours:
        span = f"{h.opens:%H:%M}-{_closes(h.closes)}"
        by_day[h.day] = f"{by_day[h.day]},{span}" if h.day in by_day else span
    rules: list[tuple[int, int, str]] = []
    for day, spans in sorted(by_day.items()):
        if rules and rules[-1][1] == day - 1 and rules[-1][2] == spans:
            rules[-1] = (rules[-1][0], day, spans)
        else:
            rules.append((day, day, spans))
    return "; ".join(
        f"{DAYS[first]}{'' if first == last else '-' + DAYS[last]} {spans}"
        for first, last, spans in rules
    )


def _closes(value: time) -> str:
    return "24:00" if value == time(23, 59) else f"{value:%H:%M}"
