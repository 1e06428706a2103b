"""Canned replies: frequent answers an advisor sends with one short code, in a
human-written version for each of the 13 languages, so they never go through machine
translation. Shipped defaults in bot/cases/data/canned.json; the operator's own file
(LOTSE_CANNED_FILE) adds, replaces (same code) or withdraws (`null`) replies.

Both are checked the same way when loaded: every reply has all 13 languages, the same
placeholders in each, and none but {first_name} {advisor} {service} {date}. A reply is
rendered only with every value it names: a missing or blank value is an error, never a
gap in a message a person reads.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from babel.dates import format_date, format_time, get_datetime_format

from bot.config import ConfigError
from bot.i18n import LANGUAGES

SHIPPED: Final = Path(__file__).parent / "data" / "canned.json"
PLACEHOLDERS: Final = ("first_name", "advisor", "service", "date")
TITLE_LANGUAGES: Final = ("de", "en")
_CODE = re.compile(r"[a-z][a-z0-9-]{1,39}")
MAX_TEXT: Final = 1000
MAX_TITLE: Final = 80
_REPLY_KEYS = frozenset({"title", "text", "review"})

#: A placeholder's value: text, or a date (and time) written as the person's language does.
Value = str | date | datetime


class CannedError(ConfigError):
    """A canned-replies file that cannot be used (Lotse does not start with it); the
    message names the file, the reply, the language and what is wrong."""


class MissingValue(ValueError):
    """A reply rendered without a value for a placeholder it names, or in a language
    it has no text in."""


@dataclass(frozen=True, slots=True)
class CannedReply:
    code: str
    #: The advisor's name for it, German and English.
    titles: Mapping[str, str]
    #: The person's language → the human-written text with placeholders.
    texts: Mapping[str, str]
    #: Languages whose text still awaits a native speaker's review.
    review: frozenset[str]
    placeholders: frozenset[str]
    #: "shipped", or the operator's file it comes from.
    origin: str

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles["de"]

    def missing(self, values: Mapping[str, Value | None]) -> tuple[str, ...]:
        """The placeholders this reply needs that `values` has no usable value for
        (an inbox offers the reply only when this is empty)."""
        return tuple(
            name for name in PLACEHOLDERS if name in self.placeholders and _blank(values.get(name))
        )

    def render(self, lang: str, values: Mapping[str, Value | None]) -> str:
        """The reply in the person's language with the values filled in (text on one
        line each, dates as the language writes them)."""
        if lang not in self.texts:
            raise MissingValue(f"canned reply {self.code!r}: no text in {lang!r}")
        missing = self.missing(values)
        if missing:
            raise MissingValue(f"canned reply {self.code!r}: needs {', '.join(missing)}")
        shown = {name: _shown(values[name], lang) for name in self.placeholders}
        # Field names are checked plain names: format_map reads no attribute or index,
        # and braces inside a value are not read as placeholders.
        return self.texts[lang].format_map(shown)


def _blank(value: Value | None) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Value | None, lang: str) -> str:
    if isinstance(value, datetime):
        # In its own time zone, joined as the language joins a date and a time.
        joined = str(get_datetime_format("full", locale=lang)).replace("'", "")
        day = format_date(value, "full", locale=lang)
        text = joined.replace("{1}", day).replace("{0}", format_time(value, "short", locale=lang))
    elif isinstance(value, date):
        text = format_date(value, "full", locale=lang)
    else:
        text = str(value)
    # One line, plain spaces: CLDR's narrow no-break spaces would make an SMS cost double.
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class CannedReplies:
    """The replies an installation offers, in the order their files list them."""

    replies: Mapping[str, CannedReply]

    def __getitem__(self, code: str) -> CannedReply:
        return self.replies[code]

    def __contains__(self, code: object) -> bool:
        return code in self.replies

    def __iter__(self) -> Iterator[CannedReply]:
        return iter(self.replies.values())

    def __len__(self) -> int:
        return len(self.replies)

    def get(self, code: str) -> CannedReply | None:
        return self.replies.get(code)


def placeholders_of(text: str, where: str) -> frozenset[str]:
    """The placeholders a text names; anything but the four plain names is an error."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as error:
        raise CannedError(f"{where}: {error} (write {{{{ and }}}} for a brace)") from None
    names = set()
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = (
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise CannedError(
                f"{where}: unknown placeholder {shown}; use only "
                + " ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            )
        names.add(name)
    return frozenset(names)


def _text(value: Any, where: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CannedError(f"{where}: must be a text, not empty")
    if len(value) > limit:
        raise CannedError(f"{where}: {len(value)} characters, at most {limit}")
    return value.strip()


def parse_reply(code: str, data: Any, origin: str) -> CannedReply:
    where = f"{origin}: reply {code!r}"
    if not _CODE.fullmatch(code):
        raise CannedError(f"{where}: a code is 2 to 40 of a-z, 0-9 and -, starting with a letter")
    if not isinstance(data, dict):
        raise CannedError(f"{where}: must be an object with title, text (and review)")
    unknown = sorted(set(data) - _REPLY_KEYS)
    if unknown:
        raise CannedError(f"{where}: unknown key {', '.join(unknown)}; use title, text, review")
    titles, texts = data.get("title"), data.get("text")
    if not isinstance(titles, dict) or set(titles) != set(TITLE_LANGUAGES):
        raise CannedError(f"{where}: title needs exactly de and en")
    if not isinstance(texts, dict):
        raise CannedError(f"{where}: text must map each language to its text")
    missing = [lang for lang in LANGUAGES if lang not in texts]
    extra = sorted(set(texts) - set(LANGUAGES))
    if missing or extra:
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unknown {', '.join(extra)}"] if extra else []
        )
        raise CannedError(
            f"{where}: text needs all of {' '.join(LANGUAGES)}: {'; '.join(problems)}"
        )
    review = data.get("review", [])
    if not isinstance(review, list) or not set(review) <= set(LANGUAGES):
        raise CannedError(f"{where}: review must list language codes of {' '.join(LANGUAGES)}")
    checked = {lang: _text(texts[lang], f"{where}, {lang}", MAX_TEXT) for lang in LANGUAGES}
    names = {lang: placeholders_of(text, f"{where}, {lang}") for lang, text in checked.items()}
    reference = names["en"]
    for lang, found in names.items():
        if found != reference:
            lacks, adds = sorted(reference - found), sorted(found - reference)
            detail = "; ".join(
                ([f"lacks {' '.join('{' + n + '}' for n in lacks)}"] if lacks else [])
                + ([f"adds {' '.join('{' + n + '}' for n in adds)}"] if adds else [])
            )
            raise CannedError(
                f"{where}, {lang}: not the placeholders of the English text: {detail}"
            )
    return CannedReply(
        code=code,
        titles={
            lang: _text(titles[lang], f"{where}, title {lang}", MAX_TITLE)
            for lang in TITLE_LANGUAGES
        },
        texts=checked,
        review=frozenset(review),
        placeholders=reference,
        origin=origin,
    )


def parse(text: str, origin: str) -> dict[str, CannedReply | None]:
    """A canned-replies file: code → reply, or None where the file withdraws it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CannedError(f"{origin}: not valid JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("replies"), dict):
        raise CannedError(f'{origin}: must be a JSON object with "replies": {{code: reply}}')
    return {
        code: None if reply is None else parse_reply(code, reply, origin)
        for code, reply in data["replies"].items()
    }


def load_canned(own: Path | None = None) -> CannedReplies:
    """The shipped replies, with the operator's file (LOTSE_CANNED_FILE) applied."""
    replies: dict[str, CannedReply | None] = dict(
        parse(SHIPPED.read_text(encoding="utf-8"), "shipped")
    )
    if own is not None:
        try:
            text = own.read_text(encoding="utf-8")
        except OSError as error:
            raise CannedError(f"LOTSE_CANNED_FILE: cannot read {own}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CannedError(f"LOTSE_CANNED_FILE: {own} is not UTF-8 text") from None
        replies.update(parse(text, str(own)))
    return CannedReplies({code: reply for code, reply in replies.items() if reply is not None})
