"""Lotse's gettext domains: which strings each holds, in which languages, marked how.

- `messages`: everything a person reads, in all 13 languages, marked with `t`, `tn`
  and `Keyword` anywhere in bot/, flows/ and adapters/.
- `staff`: the office pages and the advisor inbox that only staff read, in German and
  English, marked with `_`, `N_` and `ngettext` in bot/web/office/, bot/web/advice/,
  bot/cases/digest/ and bot/cases/charts/ only.

A string belongs to one domain: `lotse i18n check` reports a staff marker outside the
staff sources and a person's marker inside them (`check.check_separation`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.i18n.catalogs import DOMAIN, LANGUAGES

#: A marker's name and, for plurals, which arguments are the message (as pybabel's -k).
Keywords = Mapping[str, tuple[int, ...] | None]


@dataclass(frozen=True, slots=True)
class Domain:
    name: str
    languages: tuple[str, ...]
    #: Folders (relative to the repository) whose Python files carry its strings.
    sources: tuple[str, ...]
    keywords: Keywords

    @property
    def template(self) -> str:
        return f"{self.name}.pot"

    def catalog(self, lang: str) -> str:
        return f"{lang}/LC_MESSAGES/{self.name}.po"


#: The office pages, the advisor inbox, the advisors' digest e-mail and the overview charts.
STAFF_SOURCES = ("bot/web/office", "bot/web/advice", "bot/cases/digest", "bot/cases/charts")

MESSAGES = Domain(
    DOMAIN,
    LANGUAGES,
    ("bot", "flows", "adapters"),
    {"t": None, "tn": (1, 2), "Keyword": None},
)
STAFF = Domain("staff", ("de", "en"), STAFF_SOURCES, {"_": None, "N_": None, "ngettext": (1, 2)})
DOMAINS: tuple[Domain, ...] = (MESSAGES, STAFF)
