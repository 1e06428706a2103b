"""The sentence splitter: sentences in, line breaks kept (bot.translation.sentences)."""

from __future__ import annotations

from bot.translation.sentences import split_lines, split_sentences


def test_latin_arabic_and_ethiopic_ends() -> None:
    assert split_sentences("Hallo. Wie geht es? Gut! Danke…  Tschüss") == [
        "Hallo.", "Wie geht es?", "Gut!", "Danke…", "Tschüss",
    ]  # fmt: skip
    assert split_sentences("سلام. حالت چطوره؟ خوبم") == ["سلام.", "حالت چطوره؟", "خوبم"]
    assert split_sentences("کتاب ۔ قلم") == ["کتاب ۔", "قلم"]
    assert split_sentences("ሰላም።እንዴት ነህ፧ ደህና") == ["ሰላም።", "እንዴት ነህ፧", "ደህና"]


def test_abbreviations_numbers_and_quotes_do_not_end_a_sentence() -> None:
    assert split_sentences("Bring z. B. den Pass mit. Dr. Weber hilft.") == [
        "Bring z. B. den Pass mit.", "Dr. Weber hilft.",
    ]  # fmt: skip
    assert split_sentences("Zimmer Nr. 5 ist offen. es geht") == ["Zimmer Nr. 5 ist offen. es geht"]
    assert split_sentences('Er sagte: "Ja." Dann ging er.') == ['Er sagte: "Ja."', "Dann ging er."]


def test_lines_and_their_breaks_alternate() -> None:
    assert split_lines("a\nb\r\n\nc") == ["a", "\n", "b", "\r\n", "", "\n", "c"]
    assert split_sentences("   ") == []
