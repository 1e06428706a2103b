"""What a request letter needs from the person, and how each part is checked.

A request carries the person's name, date and place of birth, nationality and address
(AZR: § 34 AZRG with § 15 AZRG-DV; other holders need the same to find the file). Each
part is typed on its own and checked here; a problem changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from bot.kernel.dates import parse_day
from bot.kernel.postal import LineProblem, check_line, check_street, split_place

#: Free text (what is wrong, what is right, reasons for a block): a letter's paragraph.
DETAIL_MAX = 1000
#: The oldest birth date taken: older is a typing mistake.
OLDEST_YEARS = 120


class Part(StrEnum):
    """The parts of a request the person types, in the order the flow asks them."""

    FAMILY_NAME = "family-name"
    GIVEN_NAMES = "given-names"
    BIRTH_DATE = "birth-date"
    BIRTH_PLACE = "birth-place"
    NATIONALITY = "nationality"
    STREET = "street"  # street and house number
    PLACE = "place"  # postcode and town
    # What the request is about (only for the kinds that need it).
    WRONG = "wrong"  # correction: what is wrong
    RIGHT = "right"  # correction: what is right
    REASONS = "reasons"  # transfer block (and erasure, restriction): why


IDENTITY_PARTS = (
    Part.FAMILY_NAME, Part.GIVEN_NAMES, Part.BIRTH_DATE, Part.BIRTH_PLACE,
    Part.NATIONALITY, Part.STREET, Part.PLACE,
)  # fmt: skip


class Problem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too-long"
    CHARACTERS = "characters"
    NO_HOUSE_NUMBER = "no-house-number"
    PLACE = "place"  # not "12345 Town"
    DATE_FORMAT = "date-format"  # not a date as DD.MM.YYYY
    DATE_FUTURE = "date-future"
    DATE_PAST = "date-past"  # more than OLDEST_YEARS ago
    # The deadline clock (bot.rights.clock):
    BEFORE_REQUEST = "before-request"  # a date before the request (or its letter) existed
    LATE_EXTENSION = "late-extension"  # an extension said after the first month: not valid
    NO_REASONS = "no-reasons"  # an extension without reasons: not valid
    WRONG_STATUS = "wrong-status"  # not possible in the request's status


@dataclass(frozen=True, slots=True)
class Identity:
    """The person as the letter names them. Parts not typed yet are empty."""

    family_name: str = ""
    given_names: str = ""
    birth_date: date | None = None
    birth_place: str = ""
    nationality: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""

    def missing(self) -> tuple[Part, ...]:
        have = {
            Part.FAMILY_NAME: self.family_name, Part.GIVEN_NAMES: self.given_names,
            Part.BIRTH_DATE: self.birth_date, Part.BIRTH_PLACE: self.birth_place,
            Part.NATIONALITY: self.nationality, Part.STREET: self.street,
            Part.PLACE: self.postcode,
        }  # fmt: skip
        return tuple(part for part in IDENTITY_PARTS if not have[part])

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


@dataclass(frozen=True, slots=True)
class Details:
    """What the request is about, in the person's own words (kept as written)."""

    wrong: str = ""
    right: str = ""
    reasons: str = ""


def parse_birth_date(text: str, today: date) -> date | Problem:
    born = parse_day(text)
    if born is None:
        return Problem.DATE_FORMAT
    if born > today:
        return Problem.DATE_FUTURE
    if today.year - born.year > OLDEST_YEARS:
        return Problem.DATE_PAST
    return born


def _line(problem: LineProblem | None) -> Problem | None:
    return None if problem is None else Problem(problem.value)


def check_detail(text: str) -> Problem | None:
    value = text.strip()
    if not value:
        return Problem.EMPTY
    if len(value) > DETAIL_MAX:
        return Problem.TOO_LONG
    # The line check's forbidden characters (controls, bidirectional overrides), but
    # line breaks are fine in a paragraph.
    return _line(check_line(value.replace("\n", " ")))


def apply_identity(identity: Identity, part: Part, text: str, today: date) -> Identity | Problem:
    """`identity` with `part` set from what the person typed, or the problem with it."""
    value = text.strip()
    match part:
        case Part.BIRTH_DATE:
            born = parse_birth_date(value, today)
            return born if isinstance(born, Problem) else replace(identity, birth_date=born)
        case Part.STREET:
            problem = _line(check_street(value))
            return problem or replace(identity, street=value)
        case Part.PLACE:
            place = split_place(value)
            if isinstance(place, LineProblem):
                return Problem(place.value)
            postcode, city = place
            return replace(identity, postcode=postcode, city=city)
        case Part.FAMILY_NAME | Part.GIVEN_NAMES | Part.BIRTH_PLACE | Part.NATIONALITY:
            problem = _line(check_line(value))
            if problem is not None:
                return problem
            if part is Part.FAMILY_NAME:
                return replace(identity, family_name=value)
            if part is Part.GIVEN_NAMES:
                return replace(identity, given_names=value)
            if part is Part.BIRTH_PLACE:
                return replace(identity, birth_place=value)
            return replace(identity, nationality=value)
    raise ValueError(f"{part} is not a part of the identity")


def apply_detail(details: Details, part: Part, text: str) -> Details | Problem:
    problem = check_detail(text)
    if problem is not None:
        return problem
    if part not in (Part.WRONG, Part.RIGHT, Part.REASONS):
        raise ValueError(f"{part} is not a detail")
    return replace(details, **{part.value: text.strip()})
