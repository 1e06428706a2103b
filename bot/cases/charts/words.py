"""The charts' words: staff words (the `staff` gettext domain, German and English),
marked `_`/`N_` here and extracted with the office pages' (locales/extract.sh); dates
and numbers as the staff member's language writes them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Final, Protocol

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal

from bot.cases.charts.figures import Category, week_end
from bot.i18n import native_name


class Words(Protocol):
    """What the charts need of a staff language (a bot.i18n Translator has it)."""

    lang: str

    def gettext(self, msgid: str) -> str: ...


def N_(msgid: str) -> str:
    """Marks a staff string for extraction; it is translated where it is shown."""
    return msgid


#: Titles for the two breakdowns (the caller picks one).
LANGUAGES_TITLE: Final = N_("New cases per language and week")
TOPICS_TITLE: Final = N_("New cases per topic and week")
OTHER_LABEL: Final = N_("Other")
#: What a hidden count shows: "<5" where it stands alone; in a breakdown every hidden
#: cell shows the same mark, so nobody can tell the small one from its complement.
UNDER: Final = "<5"
NOT_SHOWN: Final = N_("hidden")


def number(words: Words, value: float, digits: int = 0) -> str:
    pattern = "#,##0" if not digits else "#,##0." + "0" * digits
    return format_decimal(value, pattern, locale=words.lang)


def short_week(words: Words, week: date) -> str:
    """The week by its Monday, short: "23. Nov." / "Nov 23"."""
    return format_skeleton("MMMd", week, locale=words.lang)


def long_week(words: Words, week: date) -> str:
    """The week Monday to Sunday: "23.11.2026–29.11.2026"."""
    first = format_skeleton("yMd", week, locale=words.lang)
    last = format_skeleton("yMd", week_end(week), locale=words.lang)
    return f"{first}–{last}"


def hours(words: Words, minutes: float) -> str:
    """Business minutes as hours: "1,5 Std." / "1.5 h"."""
    _ = words.gettext
    return _("{hours} h").format(hours=number(words, minutes / 60, 1))


def language_categories(words: Words, codes: Iterable[str]) -> tuple[Category, ...]:
    """Languages as categories: named in the staff member's language, and in their own
    script beside it where that differs ("Persisch" and "فارسی")."""
    out = []
    for code in codes:
        try:
            name = Locale.parse(code).get_display_name(words.lang) or code
        except (ValueError, TypeError):
            name = code
        out.append(Category(code, name, code))
    return tuple(out)


def own_name(category: Category, words: Words) -> str | None:
    """The language's own name when it is not the staff member's name for it."""
    if category.lang is None:
        return None
    try:
        own = native_name(category.lang)
    except (ValueError, TypeError):
        return None
    return None if own.casefold() == category.label.casefold() else own
