"""A Babel extraction method for the catalog's data files: every "plain…" text in
bot/holders/data/**.json becomes a message id, with a translator comment naming the
holder and the field (locales/babel.cfg; `lotse i18n check` uses the same method)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

#: The pattern under bot/ (babel.cfg and bot/i18n/check.py name it too).
PATTERN = "holders/data/**.json"
METHOD = "bot.holders.extract:extract_holders"
#: Flows show these texts with t() / Text(): the messages domain's marker.
MARKER = "t"


def _texts(data: Any, at: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{at}.{key}" if at else key
            if key.startswith("plain") and isinstance(value, str) and value.strip():
                yield here, value
            else:
                yield from _texts(value, here)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _texts(value, f"{at}[{i}]")


def _line_of(lines: list[str], text: str, start: int) -> int:
    quoted = json.dumps(text, ensure_ascii=False)
    for number in range(start, len(lines)):
        if quoted in lines[number]:
            return number + 1
    return start + 1


def extract_holders(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """(line, function, message, comments) for each plain text, as Babel wants them.

    The texts belong to the messages domain (marked `t`): with another domain's
    keywords (the staff pages) there is nothing here."""
    if MARKER not in keywords:
        return
    raw = fileobj.read().decode("utf-8")
    data = json.loads(raw)
    lines = raw.splitlines()
    records = data if isinstance(data, list) else [data]
    line = 0
    for record in records:
        owner = record.get("slug", "cockpit") if isinstance(record, dict) else "cockpit"
        name = record.get("name", "") if isinstance(record, dict) else ""
        for field, text in _texts(record, ""):
            line = _line_of(lines, text, line) - 1
            about = f"holder {owner} ({name})" if name else f"the {owner} pointer"
            comment = f"TRANSLATORS: data-holder catalog, {about}, field {field}."
            yield line + 1, MARKER, text, [comment]
