"""Checking one field of a directory record: each checker takes the raw value (a CSV
cell's text, or a JSON value) and returns the value a `Service` holds, or raises
`Bad` with a plain sentence for the operator."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

import phonenumbers
from babel import Locale, UnknownLocaleError

from bot.advice.hours import HoursError, parse_hours
from bot.advice.record import Hours

E = TypeVar("E", bound=StrEnum)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
POSTCODE = re.compile(r"^\d{5}$")
AREA = re.compile(r"^(\d{5}|\d{1,4}\*)$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
MAX_TEXT = 200
MAX_REPLY_HOURS = 24 * 30

_TRUE = frozenset({"true", "yes", "ja", "1", "x"})
_FALSE = frozenset({"false", "no", "nein", "0", ""})
#: Words for Kurdish that do not say which Kurdish: Lotse tells Kurmanji and Sorani apart.
_AMBIGUOUS_KURDISH = frozenset({"kur", "kurdish", "kurdisch", "kurdî", "kurdi"})
_LANGUAGE_NAMES = {
    "kmr": "ku", "kurmanji": "ku", "kurmancî": "ku", "sorani": "ckb", "sorani kurdish": "ckb",
}  # fmt: skip


class Bad(ValueError):
    """The value is refused; the message says why, plainly."""


def text(value: object, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise Bad("write it as text")
    value = " ".join(value.split())
    if not value:
        raise Bad("must not be empty")
    if len(value) > limit:
        raise Bad(f"is longer than {limit} characters")
    return value


def slug(value: object) -> str:
    value = text(value, 64)
    if not SLUG.match(value):
        raise Bad(f"{value!r}: use small letters a-z, digits and single hyphens (caritas-mitte)")
    return value


def word(kind: type[E], value: object) -> E:
    value = text(value, 40).lower()
    if value not in kind._value2member_map_:
        allowed = ", ".join(m.value for m in kind)
        raise Bad(f"{value!r} is not one of: {allowed}")
    return kind(value)


def words(kind: type[E], values: list[str]) -> frozenset[E]:
    return frozenset(word(kind, v) for v in values)


def language(value: object) -> str:
    code = text(value, 40).lower().replace("_", "-")
    if code in _AMBIGUOUS_KURDISH:
        raise Bad(f"{value!r} is ambiguous: write ku for Kurmanji or ckb for Sorani")
    if code in _LANGUAGE_NAMES:
        raise Bad(f"{value!r}: write {_LANGUAGE_NAMES[code]}, Lotse's code for it")
    if not LANGUAGE.match(code):
        raise Bad(f"{value!r} is not a language code: write ISO 639 codes like de, ar, fa, ti")
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise Bad(f"{value!r} is not a language code Lotse knows") from None
    return code


def languages(values: list[str]) -> frozenset[str]:
    if not values:
        raise Bad("name at least one language its counsellors speak")
    return frozenset(language(v) for v in values)


def number(value: object, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise Bad("write a whole number")
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"\d{1,4}", value):
            raise Bad(f"{value!r} is not a whole number")
        value = int(value)
    if not isinstance(value, int):
        raise Bad("write a whole number")
    if not low <= value <= high:
        raise Bad(f"{value} is not between {low} and {high}")
    return value


def flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise Bad(f"{value!r}: write true or false (or yes/no, ja/nein)")


def postcode(value: object) -> str:
    value = text(value, 10)
    if not POSTCODE.match(value):
        raise Bad(f"{value!r} is not a postcode: write five digits")
    return value


def area(value: object) -> str:
    value = text(value, 10)
    if not AREA.match(value):
        raise Bad(f"{value!r}: write a postcode (12345) or the start of postcodes and * (123*)")
    return value


def hours(value: object) -> tuple[Hours, ...]:
    try:
        found = parse_hours(text(value, 500))
    except HoursError as error:
        raise Bad(str(error)) from None
    if not found:
        raise Bad("no hours found: write them like Mo-Fr 09:00-12:00; Di 14:00-16:00")
    return found


def phone(value: object) -> str:
    raw = text(value, 40)
    try:
        number_ = phonenumbers.parse(raw, "DE")
    except phonenumbers.NumberParseException:
        raise Bad(f"{raw!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number_):
        raise Bad(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(number_, phonenumbers.PhoneNumberFormat.E164)


def email(value: object) -> str:
    value = text(value, 254)
    if not EMAIL.match(value):
        raise Bad(f"{value!r} is not an e-mail address")
    return value


def url(value: object) -> str:
    value = text(value, 500)
    parts = urlsplit(value)
    if parts.scheme != "https":
        raise Bad(f"{value!r}: only https:// addresses are taken")
    if not parts.hostname or " " in value:
        raise Bad(f"{value!r} is not a web address")
    return value


def verified(value: object, today: date) -> date:
    value = text(value, 20)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Bad(f"{value!r} is not a date: write it as YYYY-MM-DD") from None
    if day > today:
        raise Bad(f"{value} lies in the future")
    return day
