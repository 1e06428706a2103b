"""The deadline arithmetic of a request: when it arrived, and when the answer is due.

GDPR Art. 12(3) gives a holder one month from receipt, extendable by two further months
(only when the holder says so, with reasons, within the first month). Periods are
counted as Regulation (EEC, Euratom) No 1182/71 counts them (Art. 3):

- the day of the event (receipt) is not counted: the period runs from the next day;
- a period in months ends on the day of the last month with the same date as the day
  of the event; where that month has no such date, on its last day (31 January →
  28/29 February); a period in weeks ends on the same weekday;
- a period that would end on a Saturday, Sunday or public holiday ends on the next
  working day. The public holidays are those of the Land where the holder sits (the
  `holidays` package, kept up to date there); where that Land is not known, only the
  holidays of all of Germany.

Receipt is an estimate for a letter by post: the third postal working day (Monday to
Saturday, no public holiday) after posting, as the Post must deliver most letters
(§ 18 PostG 2024, "E+3"). Sent electronically, handed in or through Lotse to an office
on this installation, it arrived the same day. Every date shown from a posted letter is
therefore an estimate, and says so.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

#: The Länder as the holder catalog writes them ("nw"), and the `holidays` package.
LANDS = (
    "bb", "be", "bw", "by", "hb", "he", "hh", "mv", "ni", "nw", "rp", "sh", "sl", "sn", "st", "th",
)  # fmt: skip
#: Postal working days a letter takes (E+3).
POST_DAYS = 3
#: The answer is due one month after receipt; extended, three (one plus two further).
ANSWER_MONTHS, EXTENDED_MONTHS = 1, 3
#: The deadline a reminder letter sets.
REMINDER_WEEKS = 2


class SentBy(StrEnum):
    """How a letter went to the holder: it decides when it arrived."""

    POST = "post"
    #: E-mail, fax or the holder's online form.
    ELECTRONIC = "electronic"
    #: Handed in at the holder's counter.
    IN_PERSON = "in-person"
    #: Through Lotse to an office on this installation (its staff page).
    LOTSE = "lotse"


@lru_cache(maxsize=64)
def _holidays(land: str | None, year: int) -> frozenset[date]:
    subdiv = None if land is None else land.upper()
    found = holidays.country_holidays("DE", subdiv=subdiv, years=year)
    return frozenset(found.keys())


def is_holiday(day: date, land: str | None) -> bool:
    """A public holiday in `land` (a LANDS value), or in all of Germany when None.
    Raises ValueError for a Land that does not exist."""
    if land is not None and land not in LANDS:
        raise ValueError(f"unknown Land {land!r}")
    return day in _holidays(land, day.year)


def is_working_day(day: date, land: str | None) -> bool:
    return day.weekday() < 5 and not is_holiday(day, land)


def working_day_from(day: date, land: str | None) -> date:
    """`day` itself if it is a working day, else the next one (Art. 3(4))."""
    while not is_working_day(day, land):
        day += timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    """The same date `months` later, or that month's last day where it has no such date."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def receipt(sent_on: date, by: SentBy, land: str | None) -> date:
    """When the letter arrived: the same day, or by post the third postal working day."""
    if by is not SentBy.POST:
        return sent_on
    day, left = sent_on, POST_DAYS
    while left:
        day += timedelta(days=1)
        if day.weekday() < 6 and not is_holiday(day, land):
            left -= 1
    return day


def answer_due(received_on: date, land: str | None, *, extended: bool = False) -> date:
    """The last day for the answer: one month after receipt, or three when extended."""
    months = EXTENDED_MONTHS if extended else ANSWER_MONTHS
    return working_day_from(add_months(received_on, months), land)


def extension_in_time(notified_on: date, due_on: date) -> bool:
    """An extension counts only if the holder said so within the first month."""
    return notified_on <= due_on


def reminder_due(sent_on: date, by: SentBy, land: str | None) -> date:
    """The deadline a reminder sets: two weeks after it arrived."""
    arrived = receipt(sent_on, by, land)
    return working_day_from(arrived + timedelta(weeks=REMINDER_WEEKS), land)
