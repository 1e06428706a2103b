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


# -- folding typography to GSM-7 ------------------------------------------------------


def test_german_and_french_typography_folds_to_gsm7_only_when_that_makes_all_gsm7() -> None:
    german = "Schreiben Sie „MENÜ“ – jederzeit… Danke!"
    folded = sms.gsm_folded(german)
    assert folded == 'Schreiben Sie "MENÜ" - jederzeit... Danke!'
    assert sms.is_gsm7(folded) and not sms.is_gsm7(german)
    french = "Écrivez «\u00a0MENU\u00a0» à tout moment\u202f! C’est gratuit."
    # The guillemets' inner spaces go with them: "MENU", not " MENU ".
    assert sms.gsm_folded(french) == 'Écrivez "MENU" à tout moment ! C\'est gratuit.'
    assert sms.gsm_folded("« Paramètres » ou « MENU »") == '"Paramètres" ou "MENU"'
    # A circumflex stays UCS-2 whatever we fold: the typography is kept then.
    still = "Écrivez «\u00a0MENU\u00a0» quand même."
    assert sms.gsm_folded(still) == still
    assert sms.gsm_folded("Привет – «мир»") == "Привет – «мир»"
    assert sms.gsm_folded("plain") == "plain"


# -- what SMS steps cost (bot.i18n.sms_cost) ------------------------------------------


def test_a_step_is_costed_as_a_whole_and_its_culprits_named() -> None:
    from bot.i18n.sms_cost import step_cost

    step = step_cost("de", "receipt", "Bestätigung – gespeichert.")
    assert (step.encoding, step.segments, step.non_gsm) == ("UCS-2", 1, "–")
    long = step_cost("ru", "notice", "Ж" * 202)
    assert (long.units, long.segments) == (202, 4)


def test_the_report_lists_steps_in_order_and_sums_up() -> None:
    from bot.i18n.sms_cost import SmsCost, format_report

    costs = [
        SmsCost("de", "welcome", "GSM-7", 5, 1, "", "Hallo"),
        SmsCost("de", "notice", "UCS-2", 280, 5, "…", "Lotse ist"),
        SmsCost("ar", "welcome", "UCS-2", 4, 1, "نعم", "مرحبا"),
    ]
    report = format_report(costs, over=3)
    de, ar, total = report.rstrip("\n").split("\n\n")
    lines = de.splitlines()
    assert lines[0] == "== de (Deutsch) =="
    assert lines[2].startswith("       1  GSM-7") and "welcome: Hallo" in lines[2]
    assert lines[3].startswith("  >>   5  UCS-2") and "(UCS-2 because of … U+2026)" in lines[3]
    summary = "de: 2 SMS steps, 6 segments in total, 1 over 3; costliest: notice (5 segments)"
    assert lines[-1] == summary
    assert ar.splitlines()[0] == "== ar (العربية) =="
    assert total.splitlines()[:2] == ["== summary ==", summary]
    assert format_report([]) == ""
