"""Reading the shipped data files: the JSON Schema first, then what a schema cannot say
(a supervisor that exists, a request kind with its citation, a date not in the future).
Every problem is one line naming the file and the field."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.config import REPO_ROOT
from bot.holders import parse
from bot.holders.record import Holder, Online, Quality, Supervisor
from bot.kernel.json_schema import errors as schema_errors
from bot.kernel.postal import check_line

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_FILE = REPO_ROOT / "docs" / "holders.schema.json"
LANDS = ("bw", "by", "be", "bb", "hb", "hh", "he", "mv", "ni", "nw", "rp", "sl", "sn", "st",
         "sh", "th")  # fmt: skip
SUPERVISOR_SLUGS = ("bfdi", *(f"land-{code}" for code in LANDS))
_POSTCODE = re.compile(r"^\d{5}$")
#: What a line's problem means, for the operator.
LINE_WORDS = {
    "empty": "is empty",
    "too-long": "is too long (one line, 200 characters at most)",
    "characters": "holds control or text-direction characters",
    "no-house-number": "has no house number",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Shipped:
    holders: tuple[Holder, ...]
    supervisors: dict[str, Supervisor]
    cockpit: Online | None
    errors: tuple[str, ...]


def shown(path: Path) -> str:
    """A path as problems name it: relative to the repository where it is inside."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def load_schema(path: Path = SCHEMA_FILE) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def _read(path: Path, problems: list[str]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{shown(path)}: cannot be read ({error})")
    except json.JSONDecodeError as error:
        problems.append(f"{shown(path)}: not valid JSON (line {error.lineno}: {error.msg})")
    return None


def _against(schema: dict[str, Any], name: str, value: Any, where: str) -> list[str]:
    part = {"$defs": schema["$defs"], **({"$ref": f"#/$defs/{name}"} if name else schema)}
    part.pop("$schema", None)
    return [f"{where}: {_field(problem)}" for problem in schema_errors(part, value)]


def _field(problem: str) -> str:
    """The checker's "$.a.b: why" as "a.b: why" ("$: why" as "why")."""
    return problem.removeprefix("$: ").removeprefix("$.")


def check_address(value: Any, field: str, where: str) -> list[str]:
    """A postal address's lines and postcode (the schema checks its shape)."""
    if not isinstance(value, dict):
        return []
    found = []
    if not _POSTCODE.match(str(value.get("postcode", ""))):
        found.append(f"{where}: {field}.postcode: {value.get('postcode')!r} is not five digits")
    for line in ("name", "extra", "street", "city"):
        text = value.get(line)
        if isinstance(text, str) and check_line(text) is not None:
            found.append(f"{where}: {field}.{line}: {text!r} {LINE_WORDS[check_line(text) or '']}")
    return found


def _plain_texts(data: Any, at: str = "") -> list[tuple[str, Any]]:
    """Every (field, value) whose key is a plain text, anywhere in the record."""
    found: list[tuple[str, Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{at}.{key}" if at else key
            if key.startswith("plain"):
                found.append((here, value))
            else:
                found.extend(_plain_texts(value, here))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.extend(_plain_texts(value, f"{at}[{i}]"))
    return found


def _common(data: dict[str, Any], where: str, today: date) -> list[str]:
    found = [
        f"{where}: {field}: the plain text is empty"
        for field, value in _plain_texts(data)
        if isinstance(value, str) and not value.strip()
    ]
    verified = data.get("verified-at")
    if isinstance(verified, str):
        try:
            if date.fromisoformat(verified) > today:
                found.append(f"{where}: verified-at: {verified} is in the future")
        except ValueError:
            pass  # the schema names it
    email = data.get("email")
    if isinstance(email, str) and not _EMAIL.match(email):
        found.append(f"{where}: email: {email!r} is not an e-mail address")
    return found


def check_holder(data: Any, path: Path, supervisors: set[str], today: date) -> list[str]:
    """What the schema cannot say about one holder file."""
    where = shown(path)
    if not isinstance(data, dict):
        return []
    found = _common(data, where, today)
    if data.get("slug") != path.stem:
        found.append(f"{where}: slug: {data.get('slug')!r} is not the file's name {path.stem!r}")
    slug = data.get("supervisor")
    if isinstance(slug, str) and slug not in supervisors:
        found.append(f"{where}: supervisor: {slug!r} is not in supervisors.json")
    for kind, citations in (data.get("requests") or {}).items():
        if isinstance(citations, list) and not citations:
            found.append(f"{where}: requests.{kind}: a request kind without a citation")
    if not (data.get("requests") or {}).get("access"):
        found.append(f"{where}: requests.access: every holder takes an access request")
    found.extend(check_address(data.get("address"), "address", where))
    if data.get("quality") == Quality.MISSING and data.get("kind") != "municipal":
        found.append(f"{where}: quality: only a local body can be missing")
    if data.get("quality") == Quality.MISSING and data.get("address") is not None:
        found.append(f"{where}: address: a missing body has no address")
    if data.get("office") is not None:
        found.append(f"{where}: office: only the operator's local file links an office")
    return found


def read_shipped(data_dir: Path, today: date, schema: dict[str, Any] | None = None) -> Shipped:
    """The supervisors, the holders and the cockpit pointer, with every problem found."""
    schema = schema if schema is not None else load_schema()
    problems: list[str] = []
    supervisors: dict[str, Supervisor] = {}
    path = data_dir / "supervisors.json"
    listed = _read(path, problems)
    if listed is not None:
        if not isinstance(listed, list):
            problems.append(f"{shown(path)}: must be a list of supervisors")
            listed = []
        for i, item in enumerate(listed):
            where = f"{shown(path)}: [{i}]"
            found = _against(schema, "supervisor", item, where)
            if isinstance(item, dict):
                found += _common(item, where, today)
                found += check_address(item.get("address"), "address", where)
                if item.get("slug") in supervisors:
                    found.append(f"{where}: slug: {item['slug']!r} appears twice")
            problems.extend(found)
            if not found:
                supervisors[item["slug"]] = parse.supervisor(item)
        for slug in SUPERVISOR_SLUGS:
            if slug not in supervisors and not problems:
                problems.append(f"{shown(path)}: supervisor {slug!r} is missing")
    holders: dict[str, Holder] = {}
    seen: dict[str, str] = {}
    known = set(supervisors) | set(SUPERVISOR_SLUGS)
    for file in sorted((data_dir / "holders").glob("*.json")):
        data = _read(file, problems)
        if data is None:
            continue
        found = _against(schema, "", data, shown(file))
        found += check_holder(data, file, known, today)
        named = data.get("slug") if isinstance(data, dict) else None
        if isinstance(named, str) and named in seen:
            found.append(f"{shown(file)}: slug: {named!r} appears twice (also {seen[named]})")
        elif isinstance(named, str):
            seen[named] = shown(file)
        problems.extend(found)
        if not found:
            holders[data["slug"]] = parse.holder(data)
    cockpit = None
    path = data_dir / "cockpit.json"
    data = _read(path, problems)
    if data is not None:
        found = _against(schema, "cockpit", data, shown(path)) or _common(data, shown(path), today)
        problems.extend(found)
        cockpit = None if found else parse.online(data)
    return Shipped(tuple(holders.values()), supervisors, cockpit, tuple(problems))
