"""Checks a catalog set for what breaks people's messages: gaps, placeholders, plurals."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n.catalogs import DOMAIN, LANGUAGES, placeholders
from bot.i18n.keyword_check import KeywordUses, check_keywords, keyword_uses
from bot.i18n.plurals import PLURALS, same_formula

#: Where translatable strings live, and how they are marked (as in locales/extract.sh).
SOURCE_PACKAGES = ("bot", "flows", "adapters")
#: The source tree these packages are in (the repository, or site-packages when installed).
SOURCE_ROOT = Path(__file__).resolve().parents[2]


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


_PLURAL_FORMS = re.compile(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$")


def header_plurals(path: Path) -> tuple[int, str] | None:
    """The (count, formula) of a catalog's own Plural-Forms header, None without one.

    Read from the file itself: Babel fills a missing header from its own table, which
    changes between releases."""
    for line in header_text(path.read_text(encoding="utf-8")).split("\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "plural-forms" and (match := _PLURAL_FORMS.match(value.strip())):
            return int(match[1]), match[2].strip()
    return None


def header_text(po: str) -> str:
    """The msgstr of the header entry (msgid ""), its quoted pieces joined."""
    match = re.search(r'^msgid ""\s*\nmsgstr ((?:"(?:[^"\\]|\\.)*"\s*\n?)+)', po, re.M)
    pieces = re.findall(r'"((?:[^"\\]|\\.)*)"', match[1]) if match else []
    return "".join(pieces).replace("\\n", "\n").replace('\\"', '"')


def check_plural_header(lang: str, path: Path) -> list[str]:
    """The catalog's Plural-Forms header against Lotse's own table (bot/i18n/plurals.py)."""
    rule = PLURALS.get(lang)
    if rule is None:
        return [f"{lang}: not in Lotse's plural table (bot/i18n/plurals.py); add it there"]
    found = header_plurals(path)
    if found is None:
        return [f'{lang}: no Plural-Forms header; add "Plural-Forms: {rule.header}\\n"']
    count, formula = found
    if count != rule.count or not same_formula(formula, rule.formula):
        return [
            f"{lang}: Plural-Forms is 'nplurals={count}; plural={formula};', Lotse's table "
            f"(bot/i18n/plurals.py) has '{rule.header}'; the header and the order of the "
            "translated forms must follow the table"
        ]
    return []


def check_catalogs(
    locales_dir: Path,
    languages: tuple[str, ...] = LANGUAGES,
    *,
    keywords: KeywordUses | None = None,
) -> list[str]:
    """Every problem as one line; an empty list means every catalog is complete.

    `keywords` says which placeholders are keywords (msgid → {name: keyword msgid});
    by default it is read from the source (bot/i18n/keyword_check.py)."""
    if keywords is None:
        keywords = _source_keywords()
    template = _read(locales_dir / f"{DOMAIN}.pot")
    problems: list[str] = []
    for lang in languages:
        path = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not path.exists():
            problems.append(f"{lang}: missing {path}")
            continue
        problems.extend(check_plural_header(lang, path))
        catalog = _read(path, lang)
        problems.extend(_check_one(lang, template, catalog))
        problems.extend(check_keywords(lang, catalog, keywords))
    return problems


def _source_keywords() -> KeywordUses:
    if all((SOURCE_ROOT / package).is_dir() for package in SOURCE_PACKAGES):
        return keyword_uses(SOURCE_ROOT, SOURCE_PACKAGES)
    return {}


KEYWORDS = {"t": None, "tn": (1, 2), "Keyword": None}


def check_template(root: Path, locales_dir: Path) -> list[str]:
    """messages.pot against the source: a string added in code but never extracted would
    reach people untranslated (English) while every catalog still looks complete."""
    template = _read(locales_dir / f"{DOMAIN}.pot")
    in_pot = {_first(m.id) for m in template if m.id}
    in_source: dict[str, str] = {}
    for package in SOURCE_PACKAGES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            root / package, keywords=KEYWORDS
        ):
            in_source.setdefault(_first(message), f"{package}/{filename}:{lineno}")
    problems = [
        f"source: {_short(msgid)} ({where}) is not in messages.pot; run locales/extract.sh"
        for msgid, where in sorted(in_source.items(), key=lambda item: item[1])
        if msgid not in in_pot
    ]
    problems.extend(
        f"messages.pot: {_short(msgid)} is no longer in the source; run locales/extract.sh"
        for msgid in sorted(in_pot - in_source.keys())
    )
    return problems


def _first(msgid: object) -> str:
    return str(msgid[0]) if isinstance(msgid, tuple | list) else str(msgid)


def _check_one(lang: str, template: Catalog, catalog: Catalog) -> list[str]:
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        if translated is None or translated.fuzzy or not any(_forms(translated.string)):
            problems.append(f"{lang}: missing translation of {_short(message.id)}")
            continue
        sources = _forms(message.id)
        wanted: set[str] = set().union(*(placeholders(s) for s in sources))
        strings = _forms(translated.string)
        if len(sources) > 1 and len(strings) != _plural_count(lang, catalog):
            problems.append(f"{lang}: {_short(message.id)} has {len(strings)} plural forms")
        for form in strings:
            if not form:
                problems.append(f"{lang}: empty translation of {_short(message.id)}")
            elif placeholders(form) != wanted and not _plural_n_dropped(message.id, form, wanted):
                problems.append(
                    f"{lang}: placeholders {sorted(placeholders(form))} differ from "
                    f"{sorted(wanted)} in {_short(message.id)}"
                )
    for message in catalog:
        if message.id and message.id not in template:
            problems.append(
                f"{lang}: entry {_short(message.id)} is not in messages.pot; run locales/extract.sh"
            )
    return problems


def _plural_count(lang: str, catalog: Catalog) -> int:
    rule = PLURALS.get(lang)
    return rule.count if rule else catalog.num_plurals


def _forms(string: object) -> tuple[str, ...]:
    """A message's forms: one for a plain message, several for a plural one."""
    if isinstance(string, tuple | list):
        return tuple(str(form or "") for form in string)
    return (str(string or ""),)


def _plural_n_dropped(msgid: object, form: str, wanted: set[str]) -> bool:
    """A singular form may say "one day" in words instead of "{n}" (common in many languages)."""
    return len(_forms(msgid)) > 1 and placeholders(form) == wanted - {"n"}


def _short(msgid: object) -> str:
    text = msgid[0] if isinstance(msgid, tuple) else str(msgid)
    return repr(text if len(text) < 50 else text[:47] + "...")
