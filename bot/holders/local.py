"""The operator's local bodies (LOTSE_HOLDERS_FILE, default LOTSE_DATA_DIR/holders.toml).

    land = "nw"                      # the Land: supervisor of the municipal bodies

    [auslaenderbehoerde]
    name = "Stadt Musterstadt, Ausländerbehörde"
    street = "Musterstraße 1"
    postcode = "12345"
    city = "Musterstadt"
    email = "auslaenderbehoerde@musterstadt.example"   # optional
    phone = "0123 4567-0"                              # optional
    hours = "Mo, Di, Do 8–12 Uhr"                     # optional
    supervisor = "land-nw"                             # optional: overrides the Land
    office = "abh-mitte"     # optional: an office on this installation receives requests

    [jobcenter]
    run-by = "joint"       # "joint" (with the Agentur für Arbeit: BfDI) or "municipal"

Read and written here; every problem names the file, the table and the field.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.holders.checks import LINE_WORDS, SUPERVISOR_SLUGS
from bot.kernel.postal import check_line, check_street

LOCAL_SLUGS = ("auslaenderbehoerde", "meldebehoerde", "jobcenter", "sozialamt")
LANDS = tuple(slug.removeprefix("land-") for slug in SUPERVISOR_SLUGS if slug != "bfdi")
RUN_BY = ("joint", "municipal")
FIELDS = ("name", "street", "postcode", "city", "email", "phone", "hours", "supervisor", "run-by",
          "office")  # fmt: skip
REQUIRED = ("name", "street", "postcode", "city")
_POSTCODE = re.compile(r"^\d{5}$")
#: An office's slug, as `lotse office create --slug` allows it (bot.offices).
_OFFICE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


@dataclass(frozen=True, slots=True)
class Body:
    """One local body as the operator wrote it."""

    name: str
    street: str
    postcode: str
    city: str
    email: str | None = None
    phone: str | None = None
    hours: str | None = None
    supervisor: str | None = None
    run_by: str | None = None
    #: The slug of an office on this installation whose staff receive requests to this
    #: body through Lotse (`lotse office create`); None: requests go only by letter.
    office: str | None = None


@dataclass(frozen=True, slots=True)
class Local:
    land: str | None = None
    bodies: dict[str, Body] = field(default_factory=dict)
    #: Tables that set only `run-by`, `supervisor` or `office` (no address yet).
    partial: dict[str, dict[str, str]] = field(default_factory=dict)


class LocalError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def local_path(settings: Settings) -> Path:
    return settings.holders_file or settings.data_dir / "holders.toml"


def check_local(data: dict[str, object], where: str) -> list[str]:
    """Every problem in the parsed TOML, as "file: [table] field: what is wrong"."""
    problems: list[str] = []
    for key, value in data.items():
        if key == "land":
            if value not in LANDS:
                problems.append(f"{where}: land: {value!r} is not one of {', '.join(LANDS)}")
        elif key not in LOCAL_SLUGS:
            problems.append(
                f"{where}: [{key}]: not a local body; use one of {', '.join(LOCAL_SLUGS)}"
            )
        elif not isinstance(value, dict):
            problems.append(f"{where}: {key}: must be a table [{key}]")
        else:
            problems.extend(_check_body(key, value, where))
    return problems


def _check_body(slug: str, table: dict[str, object], where: str) -> list[str]:
    at = f"{where}: [{slug}]"
    problems = [
        f"{at} {name}: unknown field; use {', '.join(FIELDS)}"
        for name in table
        if name not in FIELDS
    ]
    for name, value in table.items():
        if name in FIELDS and not isinstance(value, str):
            problems.append(f"{at} {name}: must be text in quotes")
    if problems:
        return problems
    text = {name: str(value) for name, value in table.items()}
    given = [name for name in REQUIRED if name in text]
    if given and len(given) < len(REQUIRED):
        missing = ", ".join(name for name in REQUIRED if name not in text)
        problems.append(f"{at}: {missing} missing (an address needs name, street, postcode, city)")
    for name in ("name", "city", "hours", "phone"):
        if name in text and (problem := check_line(text[name])) is not None:
            problems.append(f"{at} {name}: {text[name]!r} {LINE_WORDS[problem]}")
    if "street" in text and (problem := check_street(text["street"])) is not None:
        problems.append(f"{at} street: {text['street']!r} {LINE_WORDS[problem]}")
    if "postcode" in text and not _POSTCODE.match(text["postcode"]):
        problems.append(f"{at} postcode: {text['postcode']!r} is not five digits")
    email = text.get("email")
    if email is not None and ("@" not in email or check_line(email) is not None or " " in email):
        problems.append(f"{at} email: {email!r} is not an e-mail address")
    if text.get("supervisor") not in (None, *SUPERVISOR_SLUGS):
        problems.append(
            f"{at} supervisor: {text['supervisor']!r} is not a supervisor (bfdi, land-bw … land-th)"
        )
    if "run-by" in text and slug != "jobcenter":
        problems.append(f"{at} run-by: only the jobcenter has run-by")
    if text.get("run-by") not in (None, *RUN_BY):
        problems.append(f"{at} run-by: {text['run-by']!r} is not joint or municipal")
    if "office" in text and not _OFFICE.match(text["office"]):
        problems.append(
            f"{at} office: {text['office']!r} is not an office's slug (see `lotse office list`)"
        )
    return problems


def read_local(path: Path) -> tuple[Local, list[str]]:
    """The local file (empty when it does not exist) and its problems."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Local(), []
    except (OSError, UnicodeDecodeError) as error:
        return Local(), [f"{path}: cannot be read ({error})"]
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        return Local(), [f"{path}: not valid TOML ({error})"]
    problems = check_local(data, str(path))
    if problems:
        return Local(), problems
    return _local(data), []


def _local(data: dict[str, object]) -> Local:
    bodies: dict[str, Body] = {}
    partial: dict[str, dict[str, str]] = {}
    for slug in LOCAL_SLUGS:
        table = data.get(slug)
        if not isinstance(table, dict):
            continue
        text = {name: str(value).strip() for name, value in table.items()}
        if "name" in text:
            bodies[slug] = Body(
                name=text["name"],
                street=text["street"],
                postcode=text["postcode"],
                city=text["city"],
                email=text.get("email"),
                phone=text.get("phone"),
                hours=text.get("hours"),
                supervisor=text.get("supervisor"),
                run_by=text.get("run-by"),
                office=text.get("office"),
            )
        else:
            partial[slug] = text
    land = data.get("land")
    return Local(land=land if isinstance(land, str) else None, bodies=bodies, partial=partial)


def _toml(local: dict[str, object]) -> str:
    # JSON strings are valid TOML basic strings (the same escapes).
    lines = ["# Lotse: this installation's local data holders (docs/holders.md)."]
    if "land" in local:
        lines.append(f"land = {json.dumps(local['land'], ensure_ascii=False)}")
    for slug in LOCAL_SLUGS:
        table = local.get(slug)
        if isinstance(table, dict) and table:
            lines += ["", f"[{slug}]"]
            lines += [
                f"{name} = {json.dumps(table[name], ensure_ascii=False)}"
                for name in FIELDS
                if name in table
            ]
    return "\n".join(lines) + "\n"


def _current(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise LocalError([f"{path}: cannot be read ({error}); fix it by hand first"]) from None


def write_local(
    path: Path, update: dict[str, object], drop: dict[str, tuple[str, ...]] | None = None
) -> None:
    """Merge `update` into the file (a table replaces the body's fields it names), remove
    the fields `drop` names per table, check the result, and replace the file atomically,
    readable by Lotse's account only."""
    data = _current(path)
    for key, value in update.items():
        if isinstance(value, dict):
            table = dict(data.get(key) or {})  # type: ignore[call-overload]
            table.update({k: v for k, v in value.items() if v is not None})
            data[key] = table
        else:
            data[key] = value
    for key, names in (drop or {}).items():
        table = data.get(key)
        if isinstance(table, dict):
            data[key] = {k: v for k, v in table.items() if k not in names}
    problems = check_local(data, str(path))
    if problems:
        raise LocalError(problems)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(_toml(data))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def body_supervisor(
    slug: str, body: Body | None, partial: dict[str, str], land: str | None
) -> str | None:
    """A municipal body's supervisor: the operator's override, then the Jobcenter's
    operator (joint → BfDI), then the Land's authority."""
    override = body.supervisor if body else partial.get("supervisor")
    if override:
        return override
    run_by = body.run_by if body else partial.get("run-by")
    if slug == "jobcenter":
        if run_by == "joint":
            return "bfdi"
        if run_by != "municipal":
            return None  # unknown until the operator says who runs it
    return f"land-{land}" if land else None


def body_office(body: Body | None, partial: dict[str, str]) -> str | None:
    """The office on this installation a local body's requests reach, if any."""
    return body.office if body else partial.get("office")
