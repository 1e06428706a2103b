"""Where the follow-up letters' parts sit on the page (pdftotext -bbox, millimetres): the
supervisory authority in the DIN 5008 window, nothing outside the text column, the box
to write in, and the guide and translation right to left in Arabic, Persian, Pashto and
Sorani, in Ethiopic script in Tigrinya."""

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
from bot.i18n import Catalogs
from bot.rights import LetterKind, Outcome, render_followup_letter
from tests.rights.followups import REMINDED, answered, follow_up
from tests.rights.holders import JOBCENTER
from tests.rights.pdf import Word, letters, lines, pages, require_tools, words

TEXT_RIGHT = PAGE_WIDTH - MARGIN_RIGHT
HOW = "How to send this letter"
RTL = ("ar", "fa", "ps", "ckb")


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    require_tools()
    return Catalogs(REPO_ROOT / "locales")


def _arabic_script(word: Word) -> bool:
    return any("\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff" for c in word.text)


def inside_window(word: Word) -> bool:
    return (word.left >= WINDOW_LEFT and word.right <= WINDOW_LEFT + WINDOW_WIDTH
            and word.top >= WINDOW_TOP + RETURN_ZONE_HEIGHT - 0.5
            and word.bottom <= WINDOW_TOP + WINDOW_HEIGHT)  # fmt: skip


def test_the_authority_sits_in_the_window_and_the_text_in_its_column(catalogs: Catalogs) -> None:
    request = follow_up(LetterKind.COMPLAINT, JOBCENTER, lang="ar", clock=REMINDED)
    pdf = render_followup_letter(request, catalogs["ar"])
    first = words(pdf, 1)
    authority = [w for w in first if w.text in ("BfDI", "Graurheindorfer", "53117", "Bonn")]
    assert len(authority) == 4 and all(inside_window(w) for w in authority)
    subject = next(w for w in first if w.text == "Beschwerde")
    assert subject.top > WINDOW_TOP + WINDOW_HEIGHT
    for page in range(1, len(pages(pdf)) + 1):
        found = words(pdf, page)
        assert all(w.left >= MARGIN_LEFT - 0.5 and w.right <= TEXT_RIGHT + 0.5
                   for w in found if w.top > WINDOW_TOP + WINDOW_HEIGHT), page  # fmt: skip


def test_the_box_to_write_in_leaves_room_on_its_page(catalogs: Catalogs) -> None:
    request = follow_up(LetterKind.COMPLAINT, clock=answered(Outcome.PARTLY))
    pdf = render_followup_letter(request, catalogs["de"])
    texts = pages(pdf)
    page = next(i for i, text in enumerate(texts, 1) if "Was in der Antwort fehlt" in text)
    found = words(pdf, page)
    caption = next(w for w in found if w.text == "fehlt")
    below = [w for w in found if w.top > caption.bottom + 1]
    # Some 45 mm of room under the caption: the next text starts well below it.
    assert not below or min(w.top for w in below) > caption.bottom + 30


@pytest.mark.parametrize("lang", RTL)
def test_guide_and_translation_run_right_to_left(catalogs: Catalogs, lang: str) -> None:
    tr = catalogs[lang]
    pdf = render_followup_letter(follow_up(lang=lang), tr)
    texts = pages(pdf)
    how = letters(tr.gettext(HOW))
    assert how != letters(HOW)
    guide = next(i for i, text in enumerate(texts, 1) if how in letters(text))
    assert guide > 1 and "Erinnerung an meinen Antrag" in texts[0]
    for page in range(guide, len(texts) + 1):
        # The lines with words in Arabic script (a line may end in a name or a citation).
        rows = [row for row in lines([w for w in words(pdf, page) if w.right - w.left > 0.5])
                if any(_arabic_script(w) for w in row)]  # fmt: skip
        assert len(rows) > 5, (lang, page)
        rights = [max(w.right for w in row) for row in rows]
        # Right to left: the lines end at the right margin (numbered steps 6 mm in).
        assert all(TEXT_RIGHT - 7 < r < TEXT_RIGHT + 0.5 for r in rights), (lang, rights)
        assert sum(1 for r in rights if abs(r - TEXT_RIGHT) < 1) >= 0.3 * len(rows), rights


def test_tigrinya_keeps_ethiopic_glyphs(catalogs: Catalogs) -> None:
    ti = catalogs["ti"]
    request = follow_up(LetterKind.COMPLAINT, lang="ti", clock=REMINDED)
    texts = pages(render_followup_letter(request, ti))
    rest = " ".join(texts[1:])
    assert sum(1 for c in rest if "\u1200" <= c <= "\u137f") > 400
    assert letters(ti.gettext("Tell Lotse when you sent the complaint.")) in letters(rest)
