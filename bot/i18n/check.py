"""Checks a catalog set for what breaks people's messages: gaps, placeholders, plurals."""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n.catalogs import placeholders
from bot.i18n.domains import DOMAINS, MESSAGES, STAFF_SOURCES, Domain, Keywords
from bot.i18n.keyword_check import KeywordUses, check_keywords, keyword_uses
from bot.i18n.plurals import PLURALS, same_formula


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
    languages: tuple[str, ...] | None = None,
    *,
    domain: Domain = MESSAGES,
    keywords: KeywordUses | None = None,
) -> list[str]:
    """Every problem as one line; an empty list means every catalog of the domain (in
    `languages`, by default all the domain has) is complete.

    `keywords` says which placeholders of the messages domain are keywords (msgid →
    {name: keyword msgid}); by default it is read from the source (keyword_check.py)."""
    if keywords is None and domain is MESSAGES:
        keywords = _source_keywords()
    template = _read(locales_dir / domain.template)
    problems: list[str] = []
    for lang in domain.languages if languages is None else languages:
        path = locales_dir / domain.catalog(lang)
        if not path.exists():
            problems.append(f"{lang}: missing {path}")
            continue
        prefix = lang if domain is MESSAGES else f"{domain.name} {lang}"
        header = check_plural_header(lang, path)
        problems.extend(p if domain is MESSAGES else f"{domain.name} {p}" for p in header)
        catalog = _read(path, lang)
        problems.extend(_check_one(prefix, lang, template, catalog, domain))
        if keywords:
            problems.extend(check_keywords(lang, catalog, keywords))
    return problems


#: The source tree of the packages (the repository, or site-packages when installed).
SOURCE_ROOT = Path(__file__).resolve().parents[2]


def _source_keywords() -> KeywordUses:
    if all((SOURCE_ROOT / package).is_dir() for package in MESSAGES.sources):
        return keyword_uses(SOURCE_ROOT, MESSAGES.sources)
    return {}


#: Where the person-facing strings live, and how they are marked (as in locales/extract.sh).
SOURCE_PACKAGES = MESSAGES.sources
KEYWORDS = MESSAGES.keywords


#: As locales/babel.cfg: Python sources, and the data-holder catalog's plain texts
#: (a method Babel imports by name, so this layer does not import the catalog).
METHODS = [("**.py", "python"), ("holders/data/**.json", "bot.holders.extract:extract_holders")]


def _extract(root: Path, folders: tuple[str, ...], keywords: Keywords) -> dict[str, str]:
    """msgid → where it is first marked ("folder/file.py:line")."""
    found: dict[str, str] = {}
    for folder in folders:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            root / folder, method_map=METHODS, keywords=keywords
        ):
            found.setdefault(_first(message), f"{folder}/{filename}:{lineno}")
    return found


def check_template(root: Path, locales_dir: Path, *, domain: Domain = MESSAGES) -> list[str]:
    """The domain's .pot against the source: a string added in code but never extracted
    would reach its readers untranslated (English) while every catalog still looks complete."""
    pot = domain.template
    template = _read(locales_dir / pot)
    in_pot = {_first(m.id) for m in template if m.id}
    in_source = _extract(root, domain.sources, domain.keywords)
    problems = [
        f"source: {_short(msgid)} ({where}) is not in {pot}; run locales/extract.sh"
        for msgid, where in sorted(in_source.items(), key=lambda item: item[1])
        if msgid not in in_pot
    ]
    problems.extend(
        f"{pot}: {_short(msgid)} is no longer in the source; run locales/extract.sh"
        for msgid in sorted(in_pot - in_source.keys())
    )
    return problems


def check_separation(root: Path) -> list[str]:
    """No string is marked for a domain outside its sources: a person's text in the staff
    pages would be missing from 11 catalogs' reviews, a staff text among people's
    sources would never be extracted."""
    staff_marks = {k: v for d in DOMAINS if d is not MESSAGES for k, v in d.keywords.items()}
    problems = [
        f"source: {_short(msgid)} ({where}) is marked for the messages domain in the "
        "staff pages; use _() there"
        for msgid, where in _extract(root, STAFF_SOURCES, MESSAGES.keywords).items()
    ]
    staff_dirs = tuple(f"{folder}/" for folder in STAFF_SOURCES)
    problems.extend(
        f"source: {_short(msgid)} ({where}) is marked as a staff string outside "
        f"{', '.join(STAFF_SOURCES)}; use t() for what people read"
        for msgid, where in _extract(root, MESSAGES.sources, staff_marks).items()
        if not where.startswith(staff_dirs)
    )
    return problems


def check_fstrings(root: Path) -> list[str]:
    """A marker called inside an f-string's braces: Python 3.11's tokenizer hands the
    f-string to pybabel as one string, so the text would never be extracted."""
    problems: list[str] = []
    for domain in DOMAINS:
        marker = re.compile(rf"(?<![\w.])({'|'.join(map(re.escape, domain.keywords))})\(")
        for folder in domain.sources:
            for path in sorted((root / folder).rglob("*.py")):
                problems.extend(
                    f"source: {path.relative_to(root)}:{line} calls {found}() inside an "
                    "f-string; pybabel cannot extract it there, assign it first"
                    for line, found in _fstring_calls(path, marker)
                )
    return sorted(set(problems))


_FIELD = re.compile(r"\{([^{}]*)\}")


def _fstring_calls(path: Path, marker: re.Pattern[str]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    with path.open("rb") as handle:
        for token in tokenize.tokenize(handle.readline):
            prefix = token.string[:3].lower().split('"')[0].split("'")[0]
            if token.type == tokenize.STRING and "f" in prefix:
                for field in _FIELD.findall(token.string):
                    found.extend((token.start[0], m[1]) for m in marker.finditer(field))
    return found


def check_all(root: Path, locales_dir: Path, *, with_source: bool = True) -> list[str]:
    """`lotse i18n check`: every domain's catalogs, and (in a source checkout) its
    template against the code and the domains' separation."""
    problems: list[str] = []
    for domain in DOMAINS:
        if with_source:
            problems.extend(check_template(root, locales_dir, domain=domain))
        problems.extend(check_catalogs(locales_dir, domain=domain))
    if with_source:
        problems = check_separation(root) + check_fstrings(root) + problems
    return problems


def _first(msgid: object) -> str:
    return str(msgid[0]) if isinstance(msgid, tuple | list) else str(msgid)


def _check_one(
    prefix: str, lang: str, template: Catalog, catalog: Catalog, domain: Domain
) -> list[str]:
    """Problems of one catalog, each line starting with `prefix` (its language)."""
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        if translated is None or translated.fuzzy or not any(_forms(translated.string)):
            problems.append(f"{prefix}: missing translation of {_short(message.id)}")
            continue
        sources = _forms(message.id)
        wanted: set[str] = set().union(*(placeholders(s) for s in sources))
        strings = _forms(translated.string)
        if len(sources) > 1 and len(strings) != _plural_count(lang, catalog):
            problems.append(f"{prefix}: {_short(message.id)} has {len(strings)} plural forms")
        for form in strings:
            if not form:
                problems.append(f"{prefix}: empty translation of {_short(message.id)}")
            elif placeholders(form) != wanted and not _plural_n_dropped(message.id, form, wanted):
                problems.append(
                    f"{prefix}: placeholders {sorted(placeholders(form))} differ from "
                    f"{sorted(wanted)} in {_short(message.id)}"
                )
    for message in catalog:
        if message.id and message.id not in template:
            problems.append(
                f"{prefix}: entry {_short(message.id)} is not in {domain.template}; "
                "run locales/extract.sh"
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
