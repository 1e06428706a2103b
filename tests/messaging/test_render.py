"""Rendering for a channel: choices written in, a question kept with its choices when a
text must be split, typography folded to GSM-7 by SMS only, the language list's hint."""

from __future__ import annotations

import pytest

from bot.config import REPO_ROOT
from bot.i18n import Catalogs
from bot.kernel import sms
from bot.kernel.types import Capabilities, Channel, OutboundMessage, RenderedChoice
from bot.messaging.render import render, rendered_text

SMS = Capabilities(buttons=False, max_length=None, needs_rtl_marks=True, max_sms_segments=1)
CHAT = Capabilities(buttons=True, max_length=None)


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs(REPO_ROOT / "locales", ("de", "en", "fr", "fa"))


def message(text: str, lang: str = "en", choices: tuple[str, ...] = ()) -> OutboundMessage:
    rendered = tuple(RenderedChoice(f"c{i}", label) for i, label in enumerate(choices))
    return OutboundMessage(1, Channel.SMS, "+4915100000000", text, rendered, lang)


def test_a_long_operator_text_keeps_its_question_with_the_choices(catalogs: Catalogs) -> None:
    intro = " ".join(f"Sentence number {i} tells something." for i in range(12))
    text = f"{intro}\n\nDo you want to come to the meeting on Monday?"
    parts = render(message(text, choices=("Yes", "No", "Later")), SMS, catalogs)
    assert len(parts) > 1 and all(sms.segments(p.text) <= 1 for p in parts)
    last = parts[-1].text
    assert "Monday?\n\n1. Yes\n2. No\n3. Later\n\nReply with a number." in last
    assert all("1. Yes" not in p.text for p in parts[:-1])
    joined = " ".join(" ".join(p.text.split()) for p in parts)
    assert " ".join(intro.split()) in joined  # nothing lost


def test_a_question_sentence_inside_a_paragraph_stays_with_its_choices(
    catalogs: Catalogs,
) -> None:
    text = "Word " * 40 + "end. Which day suits you?"
    parts = render(message(text, choices=("Monday", "Friday")), SMS, catalogs)
    assert "Which day suits you?\n\n1. Monday\n2. Friday" in parts[-1].text
    assert "Which day" not in parts[0].text


def test_a_text_that_fits_is_one_message(catalogs: Catalogs) -> None:
    [part] = render(message("Continue?", choices=("Yes", "No")), SMS, catalogs)
    assert part.text == "Continue?\n\n1. Yes\n2. No\n\nReply with a number."  # short by SMS


def test_buttons_need_no_written_choices(catalogs: Catalogs) -> None:
    [part] = render(message("Continue?", choices=("Yes", "No")), CHAT, catalogs)
    assert part.text == "Continue?" and [c.label for c in part.choices] == ["Yes", "No"]


def test_german_typography_folds_by_sms_only_when_all_of_it_becomes_gsm7(
    catalogs: Catalogs,
) -> None:
    german = "Schreiben Sie „MENÜ“ – jederzeit."
    text = rendered_text(message(german, "de", ("Ja", "Nein")), SMS, catalogs)
    assert text.startswith('Schreiben Sie "MENÜ" - jederzeit.') and sms.is_gsm7(text)
    # The web chat keeps the typography.
    assert render(message(german, "de"), CHAT, catalogs)[0].text == german


def test_french_typography_folds_unless_a_letter_needs_ucs2(catalogs: Catalogs) -> None:
    french = "Écrivez «\u00a0MENU\u00a0» à tout moment."
    assert rendered_text(message(french, "fr"), SMS, catalogs) == 'Écrivez "MENU" à tout moment.'
    kept = "Écrivez «\u00a0MENU\u00a0» quand même."
    assert rendered_text(message(kept, "fr"), SMS, catalogs) == kept


def test_a_language_list_has_a_hint_without_words(catalogs: Catalogs) -> None:
    languages = OutboundMessage(
        1,
        Channel.SMS,
        "+4915100000000",
        "🌐 Lotse",
        (RenderedChoice("lang:de", "Deutsch"), RenderedChoice("lang:fa", "فارسی")),
        "de",
    )
    text = rendered_text(languages, SMS, catalogs)
    assert text == "🌐 Lotse\n\n1. Deutsch\n2. فارسی\n\n🌐 1–2"
    assert "Bitte" not in text
