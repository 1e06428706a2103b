"""SMS segments: GSM-7 or UCS-2, what a text costs, and splitting it without losing a word."""

from __future__ import annotations

import pytest

from bot.kernel import sms


def words(text: str) -> str:
    """The text without its whitespace: what splitting must keep, in order."""
    return "".join(text.split())


@pytest.mark.parametrize(
    ("text", "gsm"),
    [
        ("Hallo! Wie geht es Ihnen? Straße, Größe, Ärger.", True),
        ("Café à Paris, ¿qué tal? Ça va: ÄÖÜ äöü ñ ß @ £ $ ¥", True),
        ("Price: 5 € [really] {yes} ~ ^ | \\", True),  # extension table, still GSM-7
        ("Ça coûte 5 €", False),  # û is not in GSM-7
        ("مرحبا", False),
        ("Привет", False),
        ("ሰላም", False),  # Ethiopic (Tigrinya)
        ("Hello 😀", False),
        ("Türkçe: ğ ş ı", False),  # ü is GSM-7, ğ ş ı are not
    ],
)
def test_encoding(text: str, gsm: bool) -> None:
    assert sms.is_gsm7(text) is gsm
    assert sms.encoding(text) == ("GSM-7" if gsm else "UCS-2")


def test_extension_characters_count_two_septets() -> None:
    assert sms.units("€") == (2, True)
    assert sms.units("a{b}c") == (7, True)
    assert sms.segments("€" * 80) == 1  # 160 septets
    assert sms.segments("€" * 81) == 2  # 162 septets
    assert sms.segments("a" * 159 + "€") == 2  # 161 septets


@pytest.mark.parametrize(
    ("length", "expected"), [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3)]
)
def test_gsm_segment_boundaries(length: int, expected: int) -> None:
    assert sms.segments("a" * length) == expected


@pytest.mark.parametrize(
    ("length", "expected"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_ucs2_segment_boundaries(length: int, expected: int) -> None:
    assert sms.segments("ж" * length) == expected
    assert sms.segments("ب" * length) == expected


def test_one_non_gsm_character_makes_the_whole_text_ucs2() -> None:
    text = "a" * 100
    assert sms.segments(text) == 1
    assert sms.segments(text + "ж") == 2  # 101 UCS-2 units


def test_emoji_outside_the_bmp_count_two_units() -> None:
    assert sms.units("😀") == (2, False)
    assert sms.segments("😀" * 35) == 1  # 70 units
    assert sms.segments("😀" * 36) == 2  # 72 units
    assert sms.segments("✓" * 70) == 1  # inside the BMP: one unit each


def test_a_text_that_fits_is_not_split() -> None:
    text = "Short. Very short."
    assert sms.split(text, 1) == [text]


def test_splits_at_sentence_ends() -> None:
    sentences = [
        f"Sentence number {i} is here and it is not short at all, really." for i in "123456"
    ]
    text = " ".join(sentences)
    parts = sms.split(text, 1)
    assert len(parts) > 1
    assert all(sms.segments(part) <= 1 for part in parts)
    assert all(part.endswith(".") for part in parts)
    assert words("".join(parts)) == words(text)


@pytest.mark.parametrize("max_segments", [1, 2, 3])
def test_splitting_never_loses_text(max_segments: int) -> None:
    text = "\n\n".join(
        [
            "مرحبا! أنا لوتسه. سأكتب لك بالعربية؟ " * 6,
            "Привет. Это длинное сообщение без точек " * 8,
            "A mixed line: € and [brackets] and 😀 emoji!",
            "x" * 700,
        ]
    )
    parts = sms.split(text, max_segments)
    assert all(0 < sms.segments(part) <= max_segments for part in parts)
    assert words("".join(parts)) == words(text)


def test_a_single_giant_word_is_cut_hard() -> None:
    word = "Donaudampfschifffahrtsgesellschaft" * 30  # 1020 characters, no space
    parts = sms.split(word, 1)
    assert "".join(parts) == word
    assert [len(p) for p in parts] == [160] * 6 + [60]
    ucs2 = "ሰላም" * 70  # 210 Ethiopic characters
    parts = sms.split(ucs2, 1)
    assert "".join(parts) == ucs2
    assert [len(p) for p in parts] == [70, 70, 70]


def test_numbered_choices_stay_whole_when_a_reply_is_split() -> None:
    choices = "\n".join(f"{i}. Choice number {i}" for i in range(1, 14))
    text = "Long introduction. " * 20 + "\n\n" + choices
    parts = sms.split(text, 1)
    joined = "\n".join(parts)
    assert all(f"{i}. Choice number {i}" in joined for i in range(1, 14))


# -- what catalog messages cost (bot.i18n.sms_cost) ------------------------------------


def test_sms_costs_cover_every_language_and_plural_form() -> None:
    from bot.config import REPO_ROOT
    from bot.i18n.catalogs import LANGUAGES, Catalogs
    from bot.i18n.sms_cost import SAMPLE_OPERATOR, sms_costs

    catalogs = Catalogs(REPO_ROOT / "locales")
    costs = sms_costs(catalogs)
    assert {c.lang for c in costs} == set(LANGUAGES)
    assert not any(c.msgid.startswith("keyword-") for c in costs)
    plural = [c for c in costs if c.lang == "ar" and c.n is not None]
    assert plural and {c.n for c in plural} == {1, 30}
    about = next(c for c in costs if c.lang == "de" and c.msgid.startswith("Lotse is a free"))
    german = catalogs["de"].gettext(about.msgid).replace("{operator}", SAMPLE_OPERATOR)
    assert about.units == sms.units(german)[0] and about.segments == sms.segments(german)
    arabic = next(c for c in costs if c.lang == "ar" and c.msgid == about.msgid)
    assert arabic.encoding == "UCS-2" and arabic.segments > about.segments
    assert len(SAMPLE_OPERATOR) == 35


def test_the_report_shows_the_costliest_first_and_sums_up() -> None:
    from bot.i18n.sms_cost import SmsCost, format_report

    costs = [
        SmsCost("de", "Short", None, "GSM-7", 5, 1),
        SmsCost("de", "Long {n} day", 30, "UCS-2", 140, 3, "…"),
        SmsCost("ar", "Short", None, "UCS-2", 4, 1, "نعم"),
    ]
    report = format_report(costs, over=2)
    de, ar = report.split("\n\n")
    lines = de.splitlines()
    assert lines[0] == "== de (Deutsch) =="
    assert lines[2].startswith("  >>   3  UCS-2") and "Long {n} day [n=30]" in lines[2]
    assert "(UCS-2 because of … U+2026)" in lines[2]
    assert lines[3].startswith("       1  GSM-7")
    assert lines[-1] == (
        "de: 2 messages, 4 segments in total, 1 over 2; costliest: Long {n} day [n=30] (3 segments)"
    )
    assert ar.splitlines()[0] == "== ar (العربية) =="
    assert format_report([]) == ""
