from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.i18n.catalogs import (
    LANGUAGES,
    Catalogs,
    direction,
    native_name,
    negotiate,
    parse_accept_language,
    placeholders,
)
from bot.i18n.check import check_catalogs, check_template
from bot.kernel.types import Keyword, Text, t, tn

LOCALES = REPO_ROOT / "locales"


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs(LOCALES)


def test_every_catalog_is_complete_with_matching_placeholders() -> None:
    assert check_catalogs(LOCALES) == []


def test_messages_pot_matches_the_source() -> None:
    assert check_template(REPO_ROOT, LOCALES) == []


def test_the_template_check_finds_strings_added_or_removed_in_code(tmp_path: Path) -> None:
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "messages.pot").write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "Old text"\nmsgstr ""\n', encoding="utf-8"
    )
    for package in ("bot", "flows", "adapters"):
        (tmp_path / package).mkdir()
    (tmp_path / "flows" / "new.py").write_text(
        'from bot.kernel.types import t\n\nGREETING = t("New text, never extracted")\n',
        encoding="utf-8",
    )
    problems = check_template(tmp_path, tmp_path / "locales")
    assert problems == [
        "source: 'New text, never extracted' (flows/new.py:3) is not in messages.pot; "
        "run locales/extract.sh",
        "messages.pot: 'Old text' is no longer in the source; run locales/extract.sh",
    ]


def test_the_check_finds_a_gap_and_a_placeholder_mismatch(tmp_path: Path) -> None:
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "messages.pot").write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "Hello {name}"\nmsgstr ""\n\nmsgid "Bye"\nmsgstr ""\n'
    )
    (tmp_path / "de" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Hello {name}"\nmsgstr "Hallo {nmae}"\n\nmsgid "Bye"\nmsgstr ""\n'
    )
    problems = check_catalogs(tmp_path, ("de",))
    assert any("placeholders" in p and "Hello" in p for p in problems)
    assert any("missing translation of 'Bye'" in p for p in problems)


def test_arabic_and_russian_plurals_choose_different_forms(catalogs: Catalogs) -> None:
    def days(lang: str, n: int) -> str:
        return catalogs[lang].text(
            tn(
                "We delete the text of our messages after {n} day.",
                "We delete the text of our messages after {n} days.",
                n,
            )
        )

    arabic = {days("ar", n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(arabic) == 6, arabic
    russian = {days("ru", n) for n in (1, 3, 5)}
    assert len(russian) == 3, russian
    assert days("ru", 21) == days("ru", 1).replace("1", "21")


def test_numbers_and_dates_follow_the_locale(catalogs: Catalogs) -> None:
    assert catalogs["de"].value(date(2026, 11, 23)) == "23. November 2026"
    assert (catalogs["de"].value(1234), catalogs["en"].value(1234)) == ("1.234", "1,234")
    assert "365" in catalogs["de"].text(
        tn(
            "If you do not write to us for {n} day, we delete everything.",
            "If you do not write to us for {n} days, we delete everything.",
            365,
        )
    )


def test_keywords_show_the_first_word_upper_cased(catalogs: Catalogs) -> None:
    words = catalogs.keyword_set(Keyword("keyword-menu"))
    assert "menu" in words and len(words) >= 5
    rendered = catalogs["en"].text(
        t(
            "Write “{menu}” at any time for the main menu, or “{language}” to change the language.",
            menu=Keyword("keyword-menu"),
            language=Keyword("keyword-language"),
        )
    )
    assert rendered.startswith("Write “MENU” at any time")


def test_keywords_do_not_collide_between_commands(catalogs: Catalogs) -> None:
    sets = [catalogs.keyword_set(Keyword.named(k)) for k in ("menu", "language", "help")]
    assert not (sets[0] & sets[1]) and not (sets[0] & sets[2]) and not (sets[1] & sets[2])


def test_language_names_in_their_own_script() -> None:
    names = {code: native_name(code) for code in LANGUAGES}
    assert names["ar"] == "العربية" and names["ti"] == "ትግርኛ" and names["uk"] == "Українська"
    assert len(set(names.values())) == len(LANGUAGES)


def test_right_to_left_languages() -> None:
    assert [c for c in LANGUAGES if direction(c) == "rtl"] == ["ar", "fa", "ps", "ckb"]


def test_negotiation() -> None:
    assert negotiate(["ar-SY"]) == "ar"
    assert negotiate(["prs"]) == "fa"
    assert negotiate(["xx", "fr_CA"]) == "fr"
    assert negotiate(["xx"]) is None
    assert parse_accept_language("de;q=0.5, ar-SY, en;q=0.8, *;q=0.1, bad;q=x") == [
        "ar-SY",
        "en",
        "de",
    ]


def test_placeholders_and_nested_texts(catalogs: Catalogs) -> None:
    assert placeholders("{a} and {b:>3}") == {"a", "b"}
    inner = t("letter by post")
    text = Text("{x}!", {"x": inner})
    assert catalogs["en"].text(text) == "letter by post!"
