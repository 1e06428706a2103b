"""Lotse's plural table: for each language, the gettext formula its catalog's header
carries and the CLDR category each form index stands for.

The table is Lotse's own, so a catalog's check never depends on which Babel is
installed (Babel 2.19 changed its table: fa and tr 1 → 2 forms, fr 2 → 3, and Arabic's
forms 4 and 5 swapped places). At run time gettext uses the header of the catalog, so
this table, the header and the order of the translated forms must agree; `lotse i18n
check` compares the headers with the table, and tests/bot/test_plurals.py renders
every plural message for sample numbers and compares the chosen form with CLDR.

Choices written down:
- **fr: two forms** (`n > 1`), as GNU gettext, Weblate and Poedit use. CLDR's third
  category, `many`, covers exact multiples of a million ("1 000 000 de jours"); Lotse
  never counts that high, and translators' tools offer two fields, so form 1 stands
  for both `many` and `other`.
- **fa and tr: two forms**, matching CLDR (fa: one for 0 and 1; tr: one for 1) and the
  tools; where the noun does not change after a number, both forms say the same.
- **ar: six forms in GNU gettext's classic order**: index 4 is `other` (100–102,
  200…: "١٠٠ يوم") and index 5 is `many` (11–99: "١١ يومًا"). CLDR's own formula puts
  them the other way round; whichever a header uses, this table says what each index
  means and the test holds the translations to it.
- **uk, ru: three forms**; `other` is CLDR's category for fractions only, so form 2
  (`many`) stands for it too.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property


class Category(StrEnum):
    """CLDR plural categories."""

    ZERO = "zero"
    ONE = "one"
    TWO = "two"
    FEW = "few"
    MANY = "many"
    OTHER = "other"


@dataclass(frozen=True)
class PluralRule:
    formula: str  # a C expression of n, as in the catalog's Plural-Forms header
    forms: tuple[frozenset[Category], ...]  # the CLDR categories each form index stands for

    @property
    def count(self) -> int:
        return len(self.forms)

    @property
    def header(self) -> str:
        return f"nplurals={self.count}; plural={self.formula};"

    @cached_property
    def index(self) -> Callable[[int], int]:
        """The form index gettext picks for n under this formula."""
        return gettext.c2py(self.formula)

    def form_for(self, category: Category) -> int:
        """The one form index that stands for `category`."""
        return next(i for i, categories in enumerate(self.forms) if category in categories)


def _forms(*indices: str) -> tuple[frozenset[Category], ...]:
    return tuple(frozenset(Category(c) for c in index.split("+")) for index in indices)


_ONE_OTHER = PluralRule("(n != 1)", _forms("one", "other"))
_ZERO_ONE_OTHER = PluralRule("(n > 1)", _forms("one", "other"))
_SLAVIC = PluralRule(
    "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)",
    _forms("one", "few", "many+other"),
)

PLURALS: Mapping[str, PluralRule] = {
    "de": _ONE_OTHER,
    "en": _ONE_OTHER,
    "ar": PluralRule(
        "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=0 && n%100<=2 ? 4 : 5)",
        _forms("zero", "one", "two", "few", "other", "many"),
    ),
    "fa": _ZERO_ONE_OTHER,
    "ps": _ONE_OTHER,
    "tr": _ONE_OTHER,
    "ku": _ONE_OTHER,
    "ckb": _ONE_OTHER,
    "uk": _SLAVIC,
    "ru": _SLAVIC,
    "ti": _ZERO_ONE_OTHER,
    "so": _ONE_OTHER,
    "fr": PluralRule("(n > 1)", _forms("one", "many+other")),
}

_SPACE = re.compile(r"\s+")


def same_formula(a: str, b: str) -> bool:
    """Formulas equal up to spaces and one pair of outer brackets."""

    def norm(formula: str) -> str:
        formula = _SPACE.sub("", formula).rstrip(";")
        return formula[1:-1] if formula.startswith("(") and formula.endswith(")") else formula

    return norm(a) == norm(b)
