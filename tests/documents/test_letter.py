"""Postal letters read back the way a print shop and a post office would: the text
(pdftotext), where the address sits (pdftotext -bbox), what the QR code says
(pdftoppm + zbarimg), and which fonts are embedded (pdffonts).

pdftotext prints a full page's right-to-left text in logical (reading) order, but
-bbox gives each right-to-left word in visual order, that is reversed.

The poppler and zbar tools and the Noto fonts are Debian packages (poppler-utils,
zbar-tools, fonts-noto-core, fonts-noto-mono); without them these tests skip, unless
LOTSE_TEST_STRICT=1, when they fail.
"""

from __future__ import annotations

import gc
import html
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from bot.config import REPO_ROOT
from bot.documents import fonts as letter_fonts
from bot.documents import letter
from bot.documents import pdf as letter_pdf
from bot.documents.letter import Letterhead
from bot.i18n.catalogs import LANGUAGES, Catalogs, direction
from bot.invitations import letter as invitation_letter
from bot.invitations.letter import LetterContent, render_batch, render_letter
from bot.kernel.postal import PostalAddress
from bot.kernel.types import t
from tests.support.settings import STRICT

PT_TO_MM = 25.4 / 72
NAMES = {
    "ar": "فاطمة الأحمد",
    "fa": "زهرا احمدی",
    "ps": "احمد ګل وردک",
    "ckb": "ڕێزان عەلی",
    "ti": "ተስፋይ ገብረሚካኤል",
    "ru": "Ольга Иванова",
    "uk": "Олена Коваль",
    "tr": "Ayşe Yılmaz",
    "ku": "Rojda Baran",
    "so": "Cabdi Maxamed",
    "fr": "Marie Dubois",
    "de": "Anna Schmidt",
}
LANGS = tuple(NAMES)
EXPIRES = date(2026, 12, 31)
DECEMBER = {"ar": "ديسمبر", "fa": "دسامبر", "ru": "декабря", "ti": "ታሕሳስ"}
# pdftotext marks right-to-left runs with embedding controls; the letter itself uses
# isolates around Latin codes. Neither is part of what a reader sees.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
SUBJECT = "Invitation to free advice in your language"
SMS_STEP = "Or send the code {code} by SMS to {number}."


def make_letter(*, language: str, code: str = "K7QF-9M2X", **changes: object) -> LetterContent:
    content = LetterContent(
        language=language,
        recipient=PostalAddress(
            name=NAMES[language], street="Seestraße 12", postcode="10115", city="Berlin",
            extra="Zimmer 4",
        ),
        sender=Letterhead(
            office_name="Bürgeramt Mitte", street="Karl-Marx-Allee 31", postcode="10178",
            city="Berlin", contact="030 901820",
        ),
        code=code,
        qr_url=f"https://t.me/lotse_bot?start={code.replace('-', '')}",
        chat_url="https://lotse.example/chat",
        sms_number="+49 30 1234567",
        expires_on=EXPIRES,
    )  # fmt: skip
    return replace(content, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Word:
    text: str
    left: float  # millimetres from the page's left edge
    top: float  # millimetres from the page's top edge
    right: float
    bottom: float


# ---------------------------------------------------------------- tools


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is missing (Debian: poppler-utils, zbar-tools)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module", autouse=True)
def noto_fonts() -> None:
    missing = letter_fonts.missing_fonts()
    if missing:
        message = f"fonts missing: {', '.join(missing)} (run deploy/setup.sh)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)


def run(*args: str | Path, stdin: bytes | None = None) -> str:
    result = subprocess.run(args, input=stdin, capture_output=True, check=True)
    return _BIDI_CONTROLS.sub("", result.stdout.decode())


def text_of(pdf: bytes, page: int | None = None) -> str:
    pages = ("-f", str(page), "-l", str(page)) if page else ()
    return run(tool("pdftotext"), *pages, "-", "-", stdin=pdf)


def words(pdf: bytes, page: int = 1) -> list[Word]:
    xhtml = run(tool("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), "-", "-",
                stdin=pdf)  # fmt: skip
    return [
        Word(html.unescape(m[5]), *(float(v) * PT_TO_MM for v in m.groups()[:4]))
        for m in _WORD.finditer(xhtml)
    ]


def pages_of(pdf: bytes) -> list[str]:
    """Each page's text, whitespace runs (line breaks too) folded into one space."""
    return [" ".join(page.split()) for page in text_of(pdf).split("\f")[:-1]]


def letter_msgids() -> list[str]:
    """Every message id in bot/invitations/letter.py, found the way pybabel extracts them."""
    found = extract_from_file("python", invitation_letter.__file__, keywords={"t": None})
    return [str(msgid) for _, msgid, _, _ in found]


def qr_payloads(pdf: bytes, tmp_path: Path) -> list[str]:
    (tmp_path / "letter.pdf").write_bytes(pdf)
    run(tool("pdftoppm"), "-r", "150", "-png", "-f", "1", "-l", "1",
        tmp_path / "letter.pdf", tmp_path / "page")  # fmt: skip
    (png,) = tmp_path.glob("page*.png")
    # zbarimg complains on stderr about a missing D-Bus; only stdout matters.
    return run(tool("zbarimg"), "-q", "--raw", png).splitlines()


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs(REPO_ROOT / "locales")


@pytest.fixture(scope="module")
def pdfs(catalogs: Catalogs) -> dict[str, bytes]:
    return {lang: render_letter(make_letter(language=lang), catalogs) for lang in LANGS}


# ---------------------------------------------------------------- one letter


@pytest.mark.parametrize("lang", LANGS)
def test_the_letter_carries_the_address_and_the_code(pdfs: dict[str, bytes], lang: str) -> None:
    text = text_of(pdfs[lang])
    for expected in (NAMES[lang], "Zimmer 4", "Seestraße 12", "10115 Berlin", "K7QF-9M2X",
                     "https://lotse.example/chat", "Bürgeramt Mitte", "Karl-Marx-Allee 31",
                     "030 901820"):  # fmt: skip
        assert expected in text, f"{expected!r} missing from the {lang} letter"


@pytest.mark.parametrize("lang", LANGS)
def test_the_address_sits_in_the_envelope_window(pdfs: dict[str, bytes], lang: str) -> None:
    # Everything printed left of the information block and above the subject line is
    # what the window shows: the return line and the address.
    head = [w for w in words(pdfs[lang]) if w.bottom < letter.BODY_TOP and w.left < 110]
    assert head
    for word in head:
        assert word.left >= 20 and word.right <= 105, word
        assert word.top >= 45 and word.bottom <= 90, word
    return_line = [w for w in head if w.text == "Karl-Marx-Allee"]
    assert len(return_line) == 1
    address_words = {*NAMES[lang].split(), "Zimmer", "4", "Seestraße", "12", "10115", "Berlin"}
    # pdftotext -bbox gives right-to-left words in visual order, that is reversed.
    below = [w for w in head if w.top >= return_line[0].bottom]
    address = [w for w in below if {w.text, w.text[::-1]} & address_words]
    assert {w.text if w.text in address_words else w.text[::-1] for w in address} == address_words
    assert len(address) == len(below)  # nothing else shows in the window
    assert return_line[0].top >= letter.WINDOW_TOP  # in the window's top zone
    assert return_line[0].bottom <= letter.WINDOW_TOP + letter.RETURN_ZONE_HEIGHT


def test_the_sender_block_is_right_of_the_window(pdfs: dict[str, bytes]) -> None:
    info = [w for w in words(pdfs["de"]) if w.text == "Karl-Marx-Allee" and w.left > 110]
    assert len(info) == 1
    assert info[0].left == pytest.approx(letter.INFO_LEFT, abs=0.5)


@pytest.mark.parametrize("lang", ["ar", "ti", "de"])
def test_the_qr_code_carries_the_link(pdfs: dict[str, bytes], lang: str, tmp_path: Path) -> None:
    assert qr_payloads(pdfs[lang], tmp_path) == ["https://t.me/lotse_bot?start=K7QF9M2X"]


@pytest.mark.parametrize("lang", ["ar", "fa", "ps", "ckb", "ti", "ru", "de"])
def test_the_persons_language_is_laid_out_in_its_direction(
    pdfs: dict[str, bytes], lang: str
) -> None:
    # The subject line is the first line below the window and shorter than the line
    # width: it hugs the right margin in a right-to-left letter, the left one otherwise.
    body = [w for w in words(pdfs[lang]) if w.top >= letter.BODY_TOP - 1]
    top = min(w.top for w in body)
    first_line = [w for w in body if w.top - top < 1]
    right_edge = letter.PAGE_WIDTH - letter.MARGIN_RIGHT
    if lang in {"ar", "fa", "ps", "ckb"}:
        assert max(w.right for w in first_line) == pytest.approx(right_edge, abs=1)
        assert min(w.left for w in first_line) > letter.MARGIN_LEFT + 10
    else:
        assert min(w.left for w in first_line) == pytest.approx(letter.MARGIN_LEFT, abs=0.5)


@pytest.mark.parametrize("lang", LANGS)
def test_german_follows_on_its_own_page(pdfs: dict[str, bytes], lang: str) -> None:
    pages = text_of(pdfs[lang]).split("\f")[:-1]
    german = pages[-1]
    assert "31. Dezember 2026" in german  # the date as Germans write it
    assert len(pages) == (1 if lang == "de" else 2)
    if lang in DECEMBER:  # the person's part writes the date in their language
        assert "31. Dezember 2026" not in pages[0]
        assert DECEMBER[lang] in pages[0]


@pytest.mark.parametrize(
    ("lang", "font"),
    [("ar", "+Noto-Naskh-Arabic"), ("ckb", "+Noto-Naskh-Arabic"), ("ti", "+Noto-Sans-Ethiopic"),
     ("ru", "+Noto-Sans "), ("de", "+Noto-Sans-Mono")],
)  # fmt: skip
def test_each_script_is_set_in_a_noto_font_that_has_it(
    pdfs: dict[str, bytes], lang: str, font: str
) -> None:
    fonts = run(tool("pdffonts"), "-", stdin=pdfs[lang])
    assert font in fonts
    assert "DejaVu" not in fonts  # the fallback when a Noto family is missing


# ---------------------------------------------------------------- the person's language


def test_the_letter_texts_are_extracted_into_every_catalog(catalogs: Catalogs) -> None:
    msgids = letter_msgids()
    assert SUBJECT in msgids and SMS_STEP in msgids
    for lang in LANGUAGES:
        if lang == "en":
            continue
        untranslated = [m for m in msgids if catalogs[lang].gettext(m) == m]
        assert not untranslated, f"{lang}: not translated: {untranslated}"


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "de"])
def test_the_persons_part_is_in_their_language(
    pdfs: dict[str, bytes], catalogs: Catalogs, lang: str
) -> None:
    first, german = pages_of(pdfs[lang])
    # Short texts without placeholders, each on a line of its own: the subject, the
    # heading above the steps and the closing.
    for msgid in (SUBJECT, "How to start", "Kind regards"):
        own = catalogs[lang].text(t(msgid))
        assert own != msgid
        assert own in first, f"{own!r} missing from the {lang} part"
        assert catalogs["de"].text(t(msgid)) in german
    # Nothing of the English source shows: the start of every text between placeholders.
    for msgid in letter_msgids():
        for fragment in re.split(r"\{\w+\}", msgid):
            start = fragment.strip(" .,:!?")[:16]
            if len(start) >= 4:
                assert start not in first, f"English {start!r} in the {lang} part"
    assert catalogs["de"].text(t(SUBJECT)) not in first


@pytest.mark.parametrize("lang", ["de", "ru", "fr", "ti"])
def test_the_sms_step_says_to_send_the_code(pdfs: dict[str, bytes], catalogs: Catalogs,
                                             lang: str) -> None:  # fmt: skip
    step = catalogs[lang].text(t(SMS_STEP, code="K7QF-9M2X", number="+49 30 1234567"))
    assert step in pages_of(pdfs[lang])[0]


# (Not Arabic-script letters: pdftotext moves the Latin "QR" inside their sentence.)
@pytest.mark.parametrize("lang", ["ti", "ru", "tr"])
def test_the_german_part_points_to_the_qr_code_in_the_first_part(
    pdfs: dict[str, bytes], catalogs: Catalogs, lang: str
) -> None:
    first, german = pages_of(pdfs[lang])
    here = "Scan the code with your phone's camera."
    there = "Scan the QR code in the first part of this letter with your phone's camera."
    assert catalogs[lang].gettext(here) in first
    assert catalogs["de"].gettext(there) in german
    assert catalogs["de"].gettext(here) not in german


def test_a_reminder_letter_says_so_in_both_languages(catalogs: Catalogs) -> None:
    pdf = render_letter(make_letter(language="uk", reminder=True), catalogs)
    first, german = pages_of(pdf)
    subject = "Reminder: invitation to free advice in your language"
    again = "We sent you this invitation recently. In case it got lost, here it is again."
    for catalog, part in ((catalogs["uk"], first), (catalogs["de"], german)):
        assert catalog.gettext(subject) in part and catalog.gettext(again) in part
        assert catalog.gettext(SUBJECT) not in part.replace(catalog.gettext(subject), "")


def test_without_sms_the_sms_step_is_left_out(catalogs: Catalogs) -> None:
    pdf = render_letter(make_letter(language="de", sms_number=None), catalogs)
    text = " ".join(text_of(pdf).split())
    before_code = catalogs["de"].gettext(SMS_STEP).split("{code}")[0]
    assert before_code.strip() and before_code not in text
    assert "+49 30 1234567" not in text
    assert "K7QF-9M2X" in text


def test_the_rtl_languages_are_the_ones_babel_knows() -> None:
    assert {lang for lang in LANGS if direction(lang) == "rtl"} == letter.RTL_LANGUAGES


def test_letters_fetch_nothing_from_the_network_or_disk() -> None:
    fetcher = letter_pdf._fetcher()
    for url in ("https://example.com/font.woff2", "file:///etc/hostname"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


# ---------------------------------------------------------------- batches


def test_a_batch_starts_each_letter_on_a_new_page(catalogs: Catalogs) -> None:
    langs = ["de", "ar", "ti", "de", "ru"]
    contents = [make_letter(language=lang, code=f"CODE-{i}") for i, lang in enumerate(langs)]
    pdf, counts = render_batch(contents, catalogs)
    assert counts == [1, 2, 2, 1, 2]
    pages = text_of(pdf).split("\f")[:-1]
    assert len(pages) == sum(counts)
    first_pages = [sum(counts[:i]) for i in range(len(counts))]
    for i, (lang, first) in enumerate(zip(langs, first_pages, strict=True)):
        assert NAMES[lang] in pages[first] and f"CODE-{i}" in pages[first]
        assert "Karl-Marx-Allee" in pages[first]  # each first page has its own head
    assert all("Karl-Marx-Allee" not in pages[p] for p in set(range(len(pages))) - set(first_pages))


def test_a_duplex_batch_starts_each_letter_on_a_front_page(catalogs: Catalogs) -> None:
    langs = ["de", "ar", "de", "de"]
    contents = [make_letter(language=lang, code=f"CODE-{i}") for i, lang in enumerate(langs)]
    pdf, counts = render_batch(contents, catalogs, duplex=True)
    assert counts == [2, 2, 2, 1]  # a blank back page after each German-only letter
    pages = text_of(pdf).split("\f")[:-1]
    assert len(pages) == sum(counts)
    assert pages[1].strip() == "" and f"{NAMES['ar']}" in pages[2]


def test_back_to_back_renders_leave_no_dead_document_behind(catalogs: Catalogs) -> None:
    # Rendering pauses the cycle collector. A finished document must be collected when
    # it is switched back on, not promoted to an older generation while still in use
    # and left there as garbage (some 90 MB per batch of 100 letters).
    def weasyprint_objects() -> int:
        return sum(
            str(getattr(type(o), "__module__", "")).startswith("weasyprint.")
            for o in gc.get_objects()
        )

    contents = [make_letter(language="ar"), make_letter(language="de")]
    render_batch(contents, catalogs)  # font caches and the like fill up once
    before = weasyprint_objects()
    for _ in range(3):
        render_batch(contents, catalogs)
    assert weasyprint_objects() - before < 100  # one dead document is over 1,000


def test_an_empty_batch_is_refused(catalogs: Catalogs) -> None:
    with pytest.raises(ValueError, match="at least one letter"):
        render_batch([], catalogs)
