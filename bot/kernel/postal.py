"""A postal address: one type for keeping, indexing, printing and correcting addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

#: Characters no address line may hold: control characters (no place in a name, and
#: PostgreSQL refuses NUL) and bidirectional formatting characters, which reorder what
#: pages and letters show ("ABC‮123"). Lotse isolates right-to-left text itself.
#: Escapes, not the characters: Python's `re` and pydantic's Rust regex both read them.
FORBIDDEN_CHARACTERS = r"\x00-\x1F\x7F-\x9F\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069"
_FORBIDDEN = re.compile(f"[{FORBIDDEN_CHARACTERS}]")
#: A line on an envelope (DIN 5008 allows fewer characters still; offices send up to 200).
LINE_MAX = 200
_HAS_DIGIT = re.compile(r"\d")
#: German postcodes: five digits. Lotse's letters go to people living in Germany.
_PLACE = re.compile(r"^\s*(?:D\s*-\s*)?(\d{5})[\s,]+(\S.*?)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PostalAddress:
    name: str
    street: str
    postcode: str
    city: str
    #: A second line after the name: "c/o …", a room in shared accommodation.
    extra: str | None = None

    def lines(self) -> tuple[str, ...]:
        middle = (self.extra,) if self.extra else ()
        return (self.name, *middle, self.street, f"{self.postcode} {self.city}")


class LineProblem(StrEnum):
    """Why a line a person wrote cannot go on an envelope."""

    EMPTY = "empty"
    TOO_LONG = "too-long"
    CHARACTERS = "characters"
    NO_HOUSE_NUMBER = "no-house-number"
    PLACE = "place"


def check_line(text: str) -> LineProblem | None:
    line = text.strip()
    if not line:
        return LineProblem.EMPTY
    if len(line) > LINE_MAX or "\n" in line:
        return LineProblem.TOO_LONG
    if _FORBIDDEN.search(line):
        return LineProblem.CHARACTERS
    return None


def check_street(text: str) -> LineProblem | None:
    """A street with its house number: a letter without one rarely arrives."""
    problem = check_line(text)
    if problem is None and not _HAS_DIGIT.search(text):
        return LineProblem.NO_HOUSE_NUMBER
    return problem


def split_place(text: str) -> tuple[str, str] | LineProblem:
    """(postcode, city) from "12345 Berlin", "12345, Berlin" or "D-12345 Berlin"."""
    problem = check_line(text)
    if problem is not None:
        return problem
    match = _PLACE.match(text)
    return (match[1], match[2]) if match else LineProblem.PLACE


@dataclass(frozen=True, slots=True)
class AddressChange:
    """What a person corrects in their address: None keeps a part as it is."""

    name: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    #: A new extra line; with `drop_extra` the old one goes and none replaces it.
    extra: str | None = None
    drop_extra: bool = False

    def applied_to(self, address: PostalAddress) -> PostalAddress:
        extra = None if self.drop_extra else (self.extra or address.extra)
        return replace(
            address,
            name=self.name or address.name,
            street=self.street or address.street,
            postcode=self.postcode or address.postcode,
            city=self.city or address.city,
            extra=extra,
        )

    def empty(self) -> bool:
        return self == AddressChange()


def street_name(street: str) -> str:
    """The street without its house number ("Seestraße 12", "12 Main Street",
    "Hauptstr.3a-5"): numbers in front are dropped, and the name ends before its first
    other digit. That also cuts a number inside a name ("Straße des 17. Juni 100" gives
    "Straße des"): showing too little is harmless, a house number is not."""
    words = street.split()
    while words and words[0][0].isdigit():
        words.pop(0)
    kept: list[str] = []
    for word in words:
        digit = _HAS_DIGIT.search(word)
        kept.append(word if digit is None else word[: digit.start()])
        if digit is not None:
            break
    return " ".join(kept).strip(" ,/-")


@dataclass(frozen=True, slots=True)
class MaskedAddress:
    """An address as a screen may show it: enough to recognise, too little to use (a
    typed code or a borrowed phone must not tell where someone lives). Never the name,
    the house number or the extra line."""

    street_name: str
    postcode: str
    city: str

    @classmethod
    def of(cls, address: PostalAddress) -> MaskedAddress:
        return cls(street_name(address.street), address.postcode, address.city)


def return_address(value: str) -> tuple[str, str, str] | None:
    """(street, postcode, city) from "Musterstraße 1, 12345 Musterstadt"; None if not so."""
    street, _, place = value.rpartition(",")
    split = split_place(place)
    if check_street(street) is not None or isinstance(split, LineProblem):
        return None
    return street.strip(), *split
