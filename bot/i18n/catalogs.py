"""Catalogs, a translator per language, language negotiation and text direction.

There is no process-wide gettext `install()`: every person has their own
locale, so each rendering asks for the translator of that person's language.
"""

from __future__ import annotations

import io
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from bot.kernel.types import Choice, Keyword, Reply, Text

#: The languages Lotse speaks, in the order the language menu lists them.
LANGUAGES: tuple[str, ...] = (
    "de", "en", "ar", "fa", "ps", "tr", "ku", "ckb", "uk", "ru", "ti", "so", "fr",
)  # fmt: skip
SOURCE_LANGUAGE = "en"
DOMAIN = "messages"
_PLACEHOLDER = re.compile(r"\{(\w+)(?:[^{}]*)\}")


class UnknownLanguage(ValueError):
    pass


def check_language(code: str) -> str:
    if code not in LANGUAGES:
        raise UnknownLanguage(f"unknown language {code!r}; Lotse speaks {', '.join(LANGUAGES)}")
    return code


def native_name(code: str) -> str:
    """The language's name in its own script, as the language menu shows it."""
    name = Locale.parse(code).display_name or code
    return name[:1].upper() + name[1:] if code in {"ku", "uk", "ru", "fr"} else name


def direction(code: str) -> str:
    return "rtl" if Locale.parse(code).text_direction == "rtl" else "ltr"


def placeholders(message: str) -> set[str]:
    return set(_PLACEHOLDER.findall(message))


def compile_po(po_path: Path) -> Translations:
    """Compile a .po file in memory; the .po files are the only source.

    Compiling every catalog takes over a second, and a process builds its `Catalogs`
    more than once (the runtime, the consent records' sentences, tools): each version of
    a file is compiled once per process. Translations are only read after this, so the
    same object may serve them all."""
    stat = po_path.stat()
    return _compiled(str(po_path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=128)
def _compiled(path: str, _mtime_ns: int, _size: int) -> Translations:
    po_path = Path(path)
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=po_path.stem)


class _Formatter(string.Formatter):
    def __init__(self, translator: Translator) -> None:
        self._translator = translator

    def format_field(self, value: Any, format_spec: str) -> str:
        return self._translator.value(value)


@dataclass(frozen=True, slots=True)
class RenderedReply:
    text: str
    choices: tuple[tuple[str, str], ...]
    lang: str
    #: The language of each line of `text` when its lines are in several languages
    #: ("" for none); empty when all of it is in `lang`.
    line_langs: tuple[str, ...] = ()


class Translator:
    """Renders `Text`s in one language."""

    def __init__(self, lang: str, translations: Translations) -> None:
        self.lang = lang
        self._translations = translations
        self._formatter = _Formatter(self)

    @cached_property
    def direction(self) -> str:
        return direction(self.lang)

    def value(self, value: Any) -> str:
        if isinstance(value, Text):
            return self.text(value)
        if isinstance(value, Keyword):
            return upper(self.keywords(value)[0], self.lang)
        if isinstance(value, datetime):
            return format_datetime(value, "medium", locale=self.lang, tzinfo=None)
        if isinstance(value, date):
            return format_date(value, "long", locale=self.lang)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_decimal(value, locale=self.lang)
        return str(value)

    def gettext(self, msgid: str) -> str:
        return self._translations.ugettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ungettext(singular, plural, n)

    def keywords(self, keyword: Keyword) -> list[str]:
        translated = self.gettext(keyword.msgid)
        if translated == keyword.msgid:  # not translated: the English word still works
            return [keyword.name]
        return [w.strip() for w in translated.split("|") if w.strip()] or [keyword.name]

    def text(self, text: Text) -> str:
        if text.plural is not None and text.n is not None:
            pattern = self._translations.ungettext(text.msgid, text.plural, text.n)
        else:
            pattern = self._translations.ugettext(text.msgid)
        return self._formatter.vformat(pattern, (), dict(text.params))

    def label(self, label: Text | str) -> str:
        return label if isinstance(label, str) else self.text(label)

    def reply(self, reply: Reply) -> RenderedReply:
        parts = [self.text(part) for part in reply.texts]
        return RenderedReply(
            text="\n\n".join(parts),
            choices=tuple((c.id, self.label(c.label)) for c in reply.choices),
            lang=self.lang,
            line_langs=self._line_langs(reply.texts, parts),
        )

    def _line_langs(self, texts: Sequence[Text], parts: Sequence[str]) -> tuple[str, ...]:
        """Each line's language, when a part is `multilingual`; the paragraphs' blank
        lines between the parts have none."""
        if not any(text.line_langs for text in texts):
            return ()
        langs: list[str] = []
        for i, (text, shown) in enumerate(zip(texts, parts, strict=True)):
            if i:
                langs.append("")
            count = shown.count("\n") + 1
            own = len(text.line_langs) == count
            langs.extend(text.line_langs if own else (self.lang,) * count)
        return tuple(langs)

    def choice(self, choice: Choice) -> tuple[str, str]:
        return choice.id, self.label(choice.label)


class Catalogs:
    """One domain's translators (by default the person-facing `messages`, in every
    language), loaded once at start from the .po files."""

    def __init__(
        self, locales_dir: Path, languages: Iterable[str] = LANGUAGES, domain: str = DOMAIN
    ) -> None:
        self.domain = domain
        self._translators: dict[str, Translator] = {}
        for lang in languages:
            po = locales_dir / lang / "LC_MESSAGES" / f"{domain}.po"
            if not po.exists():
                raise FileNotFoundError(f"missing catalog {po}; see README: translations")
            self._translators[lang] = Translator(lang, compile_po(po))

    def __getitem__(self, lang: str) -> Translator:
        translator = self._translators.get(check_language(lang))
        if translator is None:
            raise UnknownLanguage(f"no {self.domain} catalog for {lang!r}")
        return translator

    def all(self) -> Mapping[str, Translator]:
        return self._translators

    def keyword_set(self, keyword: Keyword) -> frozenset[str]:
        """A keyword as written in every language (and in English), folded for matching."""
        words = {keyword.name}
        for translator in self._translators.values():
            words.update(translator.keywords(keyword))
        return frozenset(fold(word) for word in words)


_PUNCTUATION = re.compile(r"[\s\.,;:!?؟،؛\"'“”„«»()\[\]/\\#*_\-–—።፣]+")


def fold(text: str) -> str:
    """Normalise a typed answer for matching: case, spacing, punctuation.

    Turkish İ casefolds to "i" plus a combining dot; the dot is dropped so that
    "DİL" typed on a Turkish keyboard matches "dil".
    """
    return _PUNCTUATION.sub(" ", text.casefold().replace("\u0307", "")).strip()


def upper(text: str, lang: str) -> str:
    """Upper case as the language writes it (Turkish: i → İ, ı → I)."""
    if lang == "tr":
        text = text.replace("i", "İ")
    return text.upper()


def _tag(code: str) -> str:
    return code.strip().replace("_", "-").split("-")[0].lower()


def negotiate(hints: Iterable[str], among: Iterable[str] = LANGUAGES) -> str | None:
    """The first hint Lotse speaks, of the languages `among` (`ar-SY` → `ar`; Dari
    `prs`/`fa-AF` → `fa`)."""
    aliases = {"prs": "fa", "kmr": "ku", "sor": "ckb", "tir": "ti", "pus": "ps"}
    spoken = set(among)
    for hint in hints:
        code = aliases.get(_tag(hint), _tag(hint))
        if code in spoken:
            return code
    return None


def parse_accept_language(header: str | None) -> list[str]:
    """Languages from an Accept-Language header, best first."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]
