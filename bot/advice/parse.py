"""Reading the operator's directory file (CSV or JSON; docs/advice-services.md).

Every row is checked on its own and every problem is collected, each with the row's
number, its slug, the field and a plain sentence; a file with any problem is refused
as a whole, so the directory never holds half a file.

CSV: UTF-8 (a byte order mark is fine), the columns separated by `,` or by `;` (as
German spreadsheets write), the first row naming the columns; a list cell (topics,
languages, situations, any_age, areas) separates its items by `|`. Row 1 is the header,
so the first service is row 2, as a spreadsheet numbers it. JSON: a list of objects, or
an object {"services": [...]}, lists as JSON lists; the first service is row 1."""

from __future__ import annotations

import csv
import difflib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.advice import fields as check
from bot.advice.codec import FIELDS, FLAGS, LISTS, NUMBERS, REQUIRED
from bot.advice.record import Place, Service
from bot.advice.taxonomy import Programme, Topic
from bot.holders import Situation

#: Bigger files are refused before they are read (some thousand services fit easily).
MAX_BYTES = 5 * 1024 * 1024
_PLACE = ("street", "postcode", "city")


@dataclass(frozen=True, slots=True)
class Problem:
    #: The row as the operator finds it in the file (None: the file as a whole).
    row: int | None
    slug: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        if self.slug:
            where += f" ({self.slug})"
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ParseError(Exception):
    """The file is refused; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = tuple(problems)


def parse(data: bytes, *, name: str, today: date) -> tuple[Service, ...]:
    """The services of a file's bytes (`name` tells CSV from JSON by its ending, else
    the content does), or ParseError with every problem."""
    if len(data) > MAX_BYTES:
        raise ParseError([Problem(None, None, None, f"larger than {MAX_BYTES // 2**20} MB")])
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"not UTF-8 (byte {error.start}): save it as CSV UTF-8"
        raise ParseError([Problem(None, None, None, message)]) from None
    as_json = name.lower().endswith(".json") or (
        not name.lower().endswith(".csv") and content.lstrip()[:1] in ("[", "{")
    )
    problems: list[Problem] = []
    rows = list(_json_rows(content, problems) if as_json else _csv_rows(content, problems))
    services: list[Service] = []
    first_row: dict[str, int] = {}
    for number, raw in rows:
        service = _service(number, raw, problems, today)
        if service is None:
            continue
        if service.slug in first_row:
            message = f"the same slug as row {first_row[service.slug]}"
            problems.append(Problem(number, service.slug, "slug", message))
            continue
        first_row[service.slug] = number
        services.append(service)
    if not rows and not problems:
        problems.append(Problem(None, None, None, "no services in the file"))
    if problems:
        raise ParseError(problems)
    return tuple(services)


def _unknown(key: str) -> str:
    close = difflib.get_close_matches(key, FIELDS, n=1)
    return f"unknown {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def _csv_rows(content: str, problems: list[Problem]) -> Iterator[tuple[int, dict[str, Any]]]:
    header = content.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        columns = [c.strip() for c in next(reader)]
    except StopIteration:
        return
    bad = [c for c in columns if c not in FIELDS]
    for column in bad:
        problems.append(Problem(1, None, column or "(empty)", _unknown(column) + " column"))
    for column in sorted({c for c in columns if columns.count(c) > 1}):
        problems.append(Problem(1, None, column, "this column appears twice"))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(Problem(1, None, None, f"missing column(s): {', '.join(missing)}"))
    if bad or missing or len(set(columns)) < len(columns):
        return
    for index, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            problems.append(
                Problem(index, None, None, f"{len(cells)} cells, {len(columns)} columns")
            )
            continue
        raw: dict[str, Any] = {}
        for column, cell in zip(columns, cells, strict=False):
            if not cell.strip():
                continue
            raw[column] = (
                [i.strip() for i in cell.split("|") if i.strip()] if column in LISTS else cell
            )
        yield index, raw


def _json_rows(content: str, problems: list[Problem]) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as error:
        problems.append(Problem(None, None, None, f"not JSON (line {error.lineno}): {error.msg}"))
        return
    if isinstance(data, dict):
        if set(data) != {"services"} or not isinstance(data["services"], list):
            message = 'write a list of services, or an object {"services": [...]} and nothing else'
            problems.append(Problem(None, None, None, message))
            return
        data = data["services"]
    if not isinstance(data, list):
        problems.append(Problem(None, None, None, "write a list of services"))
        return
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(index, None, None, "write each service as an object {...}"))
            continue
        raw: dict[str, Any] = {}
        for key, value in item.items():
            if key not in FIELDS:
                problems.append(Problem(index, _slug_of(item), key, _unknown(key)))
            elif value is not None and value != "" and value != []:
                raw[key] = value
        yield index, raw


def _slug_of(raw: dict[str, Any]) -> str | None:
    value = raw.get("slug")
    return value if isinstance(value, str) and check.SLUG.match(value) else None


def _service(row: int, raw: dict[str, Any], problems: list[Problem], today: date) -> Service | None:
    slug = _slug_of(raw)
    found: dict[str, Any] = {}
    failed = False

    def take(key: str, convert: Callable[[Any], Any]) -> None:
        nonlocal failed
        if key not in raw:
            if key in REQUIRED:
                problems.append(Problem(row, slug, key, "required"))
                failed = True
            return
        value = raw[key]
        if key in LISTS and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            problems.append(Problem(row, slug, key, "write a list of words"))
            failed = True
            return
        if key in LISTS and any(mark in item for item in value for mark in ",;"):
            problems.append(Problem(row, slug, key, "separate the items by | (de|ar|ku)"))
            failed = True
            return
        try:
            found[key] = convert(value)
        except check.Bad as error:
            problems.append(Problem(row, slug, key, str(error)))
            failed = True

    take("slug", check.slug)
    for key in ("name", "provider", "source"):
        take(key, check.text)
    take("programme", lambda v: check.word(Programme, v))
    take("topics", lambda v: check.words(Topic, v))
    take("languages", check.languages)
    for key in ("situations", "any_age"):
        take(key, lambda v: check.words(Situation, v))
    for key in NUMBERS - {"reply_hours"}:
        take(key, lambda v: check.number(v, 0, 120))
    take("reply_hours", lambda v: check.number(v, 1, check.MAX_REPLY_HOURS))
    for key in FLAGS:
        take(key, check.flag)
    for key in ("street", "city"):
        take(key, check.text)
    take("postcode", check.postcode)
    for key in ("hours", "phone_hours"):
        take(key, check.hours)
    take("phone", check.phone)
    take("email", check.email)
    take("online", check.url)
    take("areas", lambda v: tuple(dict.fromkeys(check.area(a) for a in v)))
    take("verified_at", lambda v: check.verified(v, today))

    def refuse(key: str | None, message: str) -> None:
        nonlocal failed
        problems.append(Problem(row, slug, key, message))
        failed = True

    low, high = found.get("min_age"), found.get("max_age")
    if low is not None and high is not None and low > high:
        refuse("min_age", f"{low} is above max_age {high}")
    given = [key for key in _PLACE if key in raw]
    if given and len(given) < len(_PLACE):
        missing = ", ".join(k for k in _PLACE if k not in raw)
        refuse(None, f"an address needs street, postcode and city: {missing} missing")
    for key in ("hours", "appointment"):
        if found.get(key) and not given:
            refuse(key, "is given, but there is no address (street, postcode, city)")
    if "phone_hours" in raw and "phone" not in raw:
        refuse("phone_hours", "is given, but there is no phone number")
    ways = (*_PLACE, "phone", "email", "online")
    if not failed and not any(k in found for k in ways) and not found.get("lotse"):
        refuse(None, "it can be reached no way: give an address, phone, email, online or lotse")
    if failed:
        return None
    place = None
    if "street" in found:
        place = Place(found["street"], found["postcode"], found["city"], found.get("hours", ()),
                      found.get("appointment", False))  # fmt: skip
    return Service(
        slug=found["slug"], name=found["name"], programme=found["programme"],
        provider=found["provider"], topics=found.get("topics", frozenset()),
        languages=found["languages"], verified_at=found["verified_at"], source=found["source"],
        min_age=low, max_age=high, situations=found.get("situations", frozenset()),
        any_age=found.get("any_age", frozenset()), place=place, phone=found.get("phone"),
        phone_hours=found.get("phone_hours", ()), email=found.get("email"),
        online=found.get("online"), lotse=found.get("lotse", False),
        areas=found.get("areas", ()), reply_hours=found.get("reply_hours"),
        gender_choice=found.get("gender_choice", False),
    )  # fmt: skip
