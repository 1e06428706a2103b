"""Review lists for translators (`lotse i18n review [LANG...]`).

For each language: the entries marked `# review:` (a translator comment written by
whoever changed the text, saying what a native speaker should check), and what
changed since the catalog was last reviewed. The last review is a header field of the
catalog, `X-Lotse-Reviewed: <git commit or YYYY-MM-DD>`; the catalog as it was then is
read from git (`git show <commit>:<path>`).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.i18n.catalogs import DOMAIN, LANGUAGES, SOURCE_LANGUAGE, native_name
from bot.i18n.check import header_text
from bot.i18n.domains import MESSAGES, Domain

REVIEWED = "X-Lotse-Reviewed"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class Marked:
    msgid: str
    note: str
    text: str


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # "new", "changed" or "removed"
    msgid: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ReviewList:
    lang: str
    reviewed: str | None  # the header's value
    #: What the changes were compared with, or why they could not be.
    baseline: str
    marked: tuple[Marked, ...]
    changes: tuple[Change, ...] | None  # None: no comparison was possible


def po_path(locales_dir: Path, lang: str) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def reviewed_value(text: str) -> str | None:
    for line in header_text(text).split("\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == REVIEWED.lower() and value.strip():
            return value.strip()
    return None


def _parse(text: str, lang: str) -> Catalog:
    return read_po(text.encode("utf-8").splitlines(keepends=True), locale=lang)


def _entries(catalog: Catalog) -> dict[str, str]:
    return {_first(m.id): _string(m.string) for m in catalog if m.id}


def _first(msgid: object) -> str:
    return str(msgid[0]) if isinstance(msgid, tuple | list) else str(msgid)


def _string(string: object) -> str:
    if isinstance(string, tuple | list):
        return " | ".join(str(form or "") for form in string)
    return str(string or "")


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _baseline(path: Path, value: str) -> tuple[str | None, str]:
    """The catalog's text at the last review, or None and the reason it is not there."""
    where = path.parent
    top = _git(where, "rev-parse", "--show-toplevel")
    if top is None:
        return None, f"cannot compare: git or a git checkout is not available here ({value})"
    where = Path(top.strip())
    relative = path.resolve().relative_to(where.resolve()).as_posix()
    revision = value
    if _DATE.fullmatch(value):
        found = _git(where, "rev-list", "-1", f"--before={value} 23:59:59", "HEAD", "--", relative)
        if not found or not found.strip():
            return None, f"cannot compare: no commit of {relative} on or before {value}"
        revision = found.strip()
    text = _git(where, "show", f"{revision}:{relative}")
    if text is None:
        return None, f"cannot compare: revision {value!r} of {relative} is not in this git history"
    return text, f"compared with the catalog at {value} (commit {revision[:10]})"


def review_notes(comments: list[str]) -> list[str]:
    """The `# review:` notes among an entry's translator comments, wrapped lines joined."""
    notes: list[list[str]] = []
    for line in comments:
        if line.startswith("review:"):
            notes.append([line.removeprefix("review:").strip()])
        elif notes:
            notes[-1].append(line.strip())
    return [" ".join(part for part in note if part) for note in notes]


def changes(old: Catalog, new: Catalog) -> tuple[Change, ...]:
    before, after = _entries(old), _entries(new)
    found = [Change("new", msgid, "", text) for msgid, text in after.items() if msgid not in before]
    found += [
        Change("changed", msgid, before[msgid], text)
        for msgid, text in after.items()
        if msgid in before and before[msgid] != text
    ]
    found += [
        Change("removed", msgid, text, "") for msgid, text in before.items() if msgid not in after
    ]
    return tuple(found)


def review_list(locales_dir: Path, lang: str) -> ReviewList:
    path = po_path(locales_dir, lang)
    text = path.read_text(encoding="utf-8")
    catalog = _parse(text, lang)
    marked = tuple(
        Marked(_first(m.id), note, _string(m.string))
        for m in catalog
        if m.id
        for note in review_notes(m.user_comments)
    )
    value = reviewed_value(text)
    if value is None:
        return ReviewList(
            lang, None, f"not reviewed yet (no {REVIEWED} header)", marked, changes=None
        )
    old_text, baseline = _baseline(path, value)
    found = None if old_text is None else changes(_parse(old_text, lang), catalog)
    return ReviewList(lang, value, baseline, marked, found)


def mark_reviewed(locales_dir: Path, lang: str) -> str:
    """Record that the catalog as committed now has been reviewed: its header gets the
    current commit (or today's date where there is no git). Returns the value written."""
    path = po_path(locales_dir, lang)
    value = datetime.now(UTC).date().isoformat()
    if _git(path.parent, "rev-parse", "--show-toplevel") is not None:
        if _git(path.parent, "status", "--porcelain", "--", path.name):
            raise ValueError(f"{path}: commit the reviewed catalog first, then mark it")
        head = _git(path.parent, "rev-parse", "HEAD")
        value = head.strip() if head else value
    path.write_text(set_header(path.read_text(encoding="utf-8"), REVIEWED, value), "utf-8")
    return value


def set_header(text: str, name: str, value: str) -> str:
    """The .po text with one header field set (replaced, or added after Language)."""
    line = f'"{name}: {value}\\n"'
    field = re.compile(rf'^"{re.escape(name)}:[^\n]*$', re.M | re.I)
    if field.search(text):
        return field.sub(lambda _: line, text, count=1)
    anchor = re.compile(r'^"Language:[^\n]*$', re.M)
    if not (match := anchor.search(text)):
        raise ValueError(f"no Language header to put {name} after")
    return text[: match.end()] + "\n" + line + text[match.end() :]


def format_review(lists: list[ReviewList]) -> str:
    out: list[str] = []
    for item in lists:
        out.append(
            f"== {item.lang} ({native_name(item.lang)}): {len(item.marked)} marked for "
            f"review; last review: {item.reviewed or 'never'}"
        )
        out.append(
            f"Marked `# review:` ({len(item.marked)}):" if item.marked else "Nothing marked."
        )
        for entry in item.marked:
            out += [f"  - {_clip(entry.msgid)}", f"      note: {entry.note}"]
            out.append(f"      text: {_clip(entry.text, 200)}")
        out.append(f"Changed since the last review: {item.baseline}")
        for change in item.changes or ():
            out.append(f"  {change.kind:8} {_clip(change.msgid)}")
            if change.kind == "changed":
                out.append(f"      was: {_clip(change.old, 200)}")
            if change.kind != "removed":
                out.append(f"      now: {_clip(change.new, 200)}")
        if item.changes == ():
            out.append("  (nothing)")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _clip(text: str, width: int = 100) -> str:
    text = text.replace("\n", " ")
    return repr(text if len(text) <= width else text[: width - 3] + "...")


def languages(requested: list[str]) -> list[str]:
    unknown = [code for code in requested if code not in LANGUAGES]
    if unknown:
        raise ValueError(
            f"unknown language {', '.join(unknown)}; Lotse speaks {' '.join(LANGUAGES)}"
        )
    return requested or list(LANGUAGES)


def awaiting_review(locales_dir: Path, domain: Domain = MESSAGES) -> tuple[str, ...]:
    """The domain's languages (in its order) whose catalog has at least one translation
    marked `# review:` — written by the Lotse team, not yet checked by a native speaker.
    English is the source text, never under review."""
    pending = []
    for lang in domain.languages:
        path = locales_dir / domain.catalog(lang)
        if lang == SOURCE_LANGUAGE or not path.exists():
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        if any(c.startswith("review:") for m in catalog if m.id for c in m.user_comments):
            pending.append(lang)
    return tuple(pending)
