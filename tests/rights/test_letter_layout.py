"""Where the request letter's parts sit on the page (pdftotext -bbox, millimetres): the
recipient in the DIN 5008 window, the person's return line above it, the working
translation right to left in Arabic and in Ethiopic script in Tigrinya, and a long
correction wrapped inside the page."""

from __future__ import annotations

import pytest

from bot.config import REPO_ROOT
from bot.documents.letter import (
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_WIDTH,
    RETURN_ZONE_HEIGHT,
    WINDOW_HEIGHT,
    WINDOW_LEFT,
    WINDOW_TOP,
    WINDOW_WIDTH,
)
from bot.holders import RequestKind
from bot.i18n import Catalogs
from bot.rights import DETAIL_MAX, Details, render_request_letter
from tests.rights.holders import JOBCENTER, letter_request
from tests.rights.pdf import Word, letters, lines, pages, require_tools, words

TEXT_RIGHT = PAGE_WIDTH - MARGIN_RIGHT
NOT_BINDING = "Translation — not binding. Send only the German pages."


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    require_tools()
    return Catalogs(REPO_ROOT / "locales")


def inside_window(word: Word, top: float, bottom: float) -> bool:
    # A word's box includes half the line's leading: half a millimetre of slack.
    return (word.left >= WINDOW_LEFT and word.right <= WINDOW_LEFT + WINDOW_WIDTH
            and top - 0.5 <= word.top and word.bottom <= bottom)  # fmt: skip


def test_recipient_in_the_window_and_return_line_above(catalogs: Catalogs) -> None:
    pdf = render_request_letter(letter_request(), catalogs["de"])
    first = words(pdf, 1)
    address_top = WINDOW_TOP + RETURN_ZONE_HEIGHT
    window_bottom = WINDOW_TOP + WINDOW_HEIGHT
    recipient = [w for w in first if w.text in ("Bundesverwaltungsamt",
                                                "Ausländerzentralregister", "50728")]  # fmt: skip
    assert len(recipient) == 3
    assert all(inside_window(w, address_top, window_bottom) for w in recipient)
    # The return line: small, in the window's top zone, the person's own address.
    returned = [
        w
        for w in first
        if w.top < address_top
        and w.text in ("Venloer", "50672")
        and w.left < WINDOW_LEFT + WINDOW_WIDTH
    ]  # not the information block's
    assert returned and all(inside_window(w, WINDOW_TOP, address_top) for w in returned)
    assert all(w.bottom - w.top < 3.5 < recipient[0].bottom - recipient[0].top for w in returned)
    # The subject line starts below the window.
    subject = next(w for w in first if w.text == "Antrag")
    assert subject.top > window_bottom


def test_arabic_translation_runs_right_to_left(catalogs: Catalogs) -> None:
    details = Details(wrong="اسمي مكتوب خطأ", right="Amal Al-Haddad")
    request = letter_request(kind=RequestKind.CORRECTION, lang="ar", details=details)
    pdf = render_request_letter(request, catalogs["ar"])
    texts = pages(pdf)
    ar = catalogs["ar"]
    marker = letters(ar.gettext(NOT_BINDING))
    translation = next(i for i, text in enumerate(texts) if marker in letters(text))
    assert translation > 1 and marker != letters(NOT_BINDING)
    assert letters(ar.gettext("How to send this letter")) in letters(texts[translation - 1])
    # The German pages come first and carry no Arabic but the person's words.
    assert "Antrag auf Berichtigung" in texts[0]
    page = words(pdf, translation + 1)
    # Words with a width: pdftotext gives some combining marks a word of their own.
    arabic = [w for w in page if any("\u0600" <= c <= "\u06ff" for c in w.text)
              and w.right - w.left > 0.5]  # fmt: skip
    assert len(arabic) > 50
    # Right to left: the lines end at the right margin (the person's own words 4 mm in,
    # beside their rule), and start at varying places.
    rows = [row for row in lines(arabic)]
    rights = [max(w.right for w in row) for row in rows]
    lefts = [min(w.left for w in row) for row in rows]
    assert all(TEXT_RIGHT - 6 < r < TEXT_RIGHT + 0.5 for r in rights), rights
    assert sum(1 for r in rights if abs(r - TEXT_RIGHT) < 1) >= 0.8 * len(rows), rights
    assert sum(1 for x in lefts if x < MARGIN_LEFT + 2) < len(rows) / 2


def test_tigrinya_translation_keeps_ethiopic_glyphs(catalogs: Catalogs) -> None:
    reasons = "ቤተሰበይ ኣብ ሃገረይ ኣደጋ ክበጽሖም ይኽእል እዩ።"
    request = letter_request(kind=RequestKind.TRANSFER_BLOCK, lang="ti",
                             details=Details(reasons=reasons))  # fmt: skip
    texts = pages(render_request_letter(request, catalogs["ti"]))
    ti = catalogs["ti"]
    marker = letters(ti.gettext(NOT_BINDING))
    translation = next(text for text in texts if marker in letters(text))
    ethiopic = [c for c in translation if "\u1200" <= c <= "\u137f"]
    assert len(ethiopic) > 200
    assert reasons in translation
    assert letters(ti.gettext("My reasons (to show that this is credible)")) in letters(translation)
    # The German letter carries the words as written, and says a translation can follow.
    assert reasons in texts[0] and "Übersetzung wird auf Wunsch nachgereicht" in texts[0]


def test_a_1000_character_correction_wraps_inside_the_page(catalogs: Catalogs) -> None:
    unbroken = "Falsch" * 40  # one 240-character word: it must break, not overflow
    wrong = unbroken + " " + "Mein Familienname ist im Register falsch geschrieben. " * 20
    wrong = wrong[:DETAIL_MAX]
    assert len(wrong) == DETAIL_MAX
    request = letter_request(JOBCENTER, RequestKind.CORRECTION, lang="ar",
                             details=Details(wrong=wrong, right="Haddad"))  # fmt: skip
    pdf = render_request_letter(request, catalogs["ar"])
    count = len(pages(pdf))
    assert count <= 7
    for page in range(1, count + 1):
        found = words(pdf, page)
        assert all(w.left >= MARGIN_LEFT - 0.5 and w.right <= TEXT_RIGHT + 0.5
                   for w in found if w.top > WINDOW_TOP + WINDOW_HEIGHT), page  # fmt: skip
    # Nothing lost: every character of the words is in the German pages.
    texts = pages(pdf)
    how = letters(catalogs["ar"].gettext("How to send this letter"))
    guide = next(i for i, text in enumerate(texts) if how in letters(text))
    german = "".join(" ".join(texts[:guide]).split())
    assert "".join(wrong.split()) in german
