"""Lotse's plural table against CLDR, and every plural message rendered in every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.config import REPO_ROOT
from bot.i18n.catalogs import DOMAIN, LANGUAGES, Catalogs
from bot.i18n.check import check_plural_header, header_plurals
from bot.i18n.plurals import PLURALS, Category, same_formula
from bot.kernel.types import Text, tn

LOCALES = REPO_ROOT / "locales"
SAMPLES = (0, 1, 2, 3, 11, 100, 101, 1_000_000)


def cldr(lang: str, n: int) -> Category:
    return Category(Locale.parse(lang).plural_form(n))


def po(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs(LOCALES)


def test_the_table_covers_every_language_lotse_speaks() -> None:
    assert set(PLURALS) == set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_cldr_category_has_exactly_one_form(lang: str) -> None:
    rule = PLURALS[lang]
    named = [category for forms in rule.forms for category in forms]
    assert len(named) == len(set(named)), f"{lang}: a category stands for two forms"
    assert set(named) == set(Locale.parse(lang).plural_form.tags) | {Category.OTHER}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("n", SAMPLES)
def test_the_formula_picks_the_form_of_the_cldr_category(lang: str, n: int) -> None:
    rule = PLURALS[lang]
    assert rule.index(n) == rule.form_for(cldr(lang, n)), (lang, n, cldr(lang, n))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalog_header_is_the_tables(lang: str) -> None:
    assert check_plural_header(lang, po(lang)) == []
    count, formula = header_plurals(po(lang)) or (0, "")
    assert count == PLURALS[lang].count and same_formula(formula, PLURALS[lang].formula)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_message_renders_the_form_of_its_category(
    catalogs: Catalogs, lang: str
) -> None:
    translator = catalogs[lang]
    rule = PLURALS[lang]
    catalog = read(po(lang), lang)
    plural_ids = [m.id for m in read(LOCALES / f"{DOMAIN}.pot") if isinstance(m.id, tuple)]
    assert plural_ids, "messages.pot has no plural message"
    for singular, plural in plural_ids:
        forms = catalog[singular].string
        assert isinstance(forms, tuple) and len(forms) == rule.count
        for n in SAMPLES:
            form = forms[rule.form_for(cldr(lang, n))]
            rendered = translator.text(tn(singular, plural, n))
            assert rendered == translator.text(Text(form, {"n": n})), (lang, n, singular)


def test_arabic_forms_are_told_apart_by_their_grammar(catalogs: Catalogs) -> None:
    """Index 4 is "other" (100 يوم, genitive), index 5 "many" (11 يومًا, accusative)."""

    def days(n: int) -> str:
        return catalogs["ar"].text(
            tn(
                "We delete the text of our messages after {n} day.",
                "We delete the text of our messages after {n} days.",
                n,
            )
        )

    assert "يومًا" in days(11) and "يومًا" in days(99)
    assert "يومًا" not in days(100) and "يوم" in days(100) and "يوم" in days(102)
    assert "أيام" in days(3) and "يومين" in days(2) and "يوم واحد" in days(1)


def test_french_counts_a_million_in_the_plural_form(catalogs: Catalogs) -> None:
    rendered = catalogs["fr"].text(
        tn("If you do not write to us for {n} day, we delete everything.",
           "If you do not write to us for {n} days, we delete everything.", 1_000_000)
    )  # fmt: skip
    assert "jours" in rendered


def test_the_check_names_a_header_that_differs_from_the_table(tmp_path: Path) -> None:
    catalog = tmp_path / "fr.po"
    catalog.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Plural-Forms: nplurals=3; plural=(n == 0 || '
        'n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\\n"\n',
        encoding="utf-8",
    )
    (problem,) = check_plural_header("fr", catalog)
    assert "nplurals=3" in problem and "'nplurals=2; plural=(n > 1);'" in problem
    catalog.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n', encoding="utf-8")
    assert check_plural_header("fr", catalog) == [
        'fr: no Plural-Forms header; add "Plural-Forms: nplurals=2; plural=(n > 1);\\n"'
    ]
