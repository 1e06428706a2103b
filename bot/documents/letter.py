"""Postal invitation letters: A4 PDFs laid out to DIN 5008 form B.

The person's language comes first (right to left for ar, fa, ps, ckb), German
second, so that anyone who helps the person can read the letter too. A print
batch is rendered as ONE WeasyPrint document: layout and font set-up are paid
once per batch, not once per letter, which is what makes batches fast.

Geometry is in millimetres from the page's top-left corner and lives in Python
constants, so that the CSS and the tests share one source of truth.
"""

from __future__ import annotations

import gc
import html
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import quote

import segno

from bot.i18n import Catalogs, Translator, direction
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Text, t

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

# DIN 5008 form B (window envelopes DL, C5/6, C4).
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
WINDOW_LEFT, WINDOW_TOP, WINDOW_WIDTH, WINDOW_HEIGHT = 20.0, 45.0, 85.0, 45.0
#: The window's top zone (return address and postal notes); the address zone follows.
RETURN_ZONE_HEIGHT = 17.7
#: Text inside the window starts 5 mm in from its left edge (25 mm from the page edge).
WINDOW_INSET = 5.0
INFO_LEFT, INFO_TOP, INFO_WIDTH = 125.0, 50.0, 75.0
#: The subject line sits two blank lines below the window.
BODY_TOP = 98.5
MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT = 20.0, 20.0, 20.0, 25.0
FOLD_MARKS = (105.0, 210.0)
HOLE_MARK = 148.5
QR_SIZE = 34.0

#: Languages whose letters are laid out right to left (kept explicit: the layout
#: depends on it, and Babel's answer is checked against it in the tests).
RTL_LANGUAGES = frozenset({"ar", "fa", "ps", "ckb"})
SECOND_LANGUAGE = "de"

#: Every font family the letter stylesheet names, with the Debian package that has it
#: (deploy/setup.sh installs them). A letter never falls back to another font silently:
#: rendering refuses to start while fontconfig resolves one of them to something else.
LETTER_FONTS: dict[str, str] = {
    "Noto Sans": "fonts-noto-core",
    "Noto Naskh Arabic": "fonts-noto-core",
    "Noto Sans Arabic": "fonts-noto-core",
    "Noto Sans Ethiopic": "fonts-noto-core",
    "Noto Sans Mono": "fonts-noto-mono",
}


class LetterFontsMissing(RuntimeError):
    pass


def missing_fonts(families: Iterable[str] = LETTER_FONTS) -> list[str]:
    """The families fontconfig (which WeasyPrint uses) resolves to another font."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise LetterFontsMissing("fc-match is missing (Debian: fontconfig); run deploy/setup.sh")
    missing = []
    for family in families:
        found = subprocess.run(
            [fc_match, "--format=%{family}", family], capture_output=True, text=True, check=True
        ).stdout
        if family not in (name.strip() for name in found.split(",")):
            missing.append(family)
    return missing


_fonts_checked = False


def require_fonts() -> None:
    """Raises, naming the Debian packages, unless every letter font is installed (checked
    once per process: a font is not uninstalled under a running service)."""
    global _fonts_checked
    if _fonts_checked:
        return
    if missing := missing_fonts():
        packages = sorted({LETTER_FONTS[family] for family in missing})
        raise LetterFontsMissing(
            f"letter fonts missing: {', '.join(missing)} (Debian: {' '.join(packages)}); "
            "run deploy/setup.sh"
        )
    _fonts_checked = True


# Isolates keep a Latin code, URL or number intact inside a right-to-left sentence.
_LRI, _PDI = "\u2066", "\u2069"


@dataclass(frozen=True, slots=True)
class Letterhead:
    office_name: str
    street: str
    postcode: str
    city: str
    #: How to reach the office: a phone number, an e-mail address, opening hours.
    contact: str

    def return_line(self) -> str:
        return f"{self.office_name} · {self.street} · {self.postcode} {self.city}"


@dataclass(frozen=True, slots=True)
class LetterContent:
    language: str
    recipient: PostalAddress
    sender: Letterhead
    code: str
    #: What the QR code carries: the Telegram deep link, or the web chat link with the code.
    qr_url: str
    chat_url: str
    #: Lotse's SMS number people text the code to; None leaves the SMS step out.
    sms_number: str | None
    expires_on: date
    #: The one reminder (same code, same ways in) rather than the first invitation.
    reminder: bool = False


def render_letter(content: LetterContent, catalogs: Catalogs) -> bytes:
    """One letter as a PDF."""
    pdf, _ = render_batch([content], catalogs)
    return pdf


def render_batch(
    contents: Sequence[LetterContent], catalogs: Catalogs, *, duplex: bool = False
) -> tuple[bytes, list[int]]:
    """A print batch as one PDF, each letter starting on a new page, and each letter's
    page count in order: 1 for a German letter, 2 for others (their German part is on
    the second page), more if a translation runs long.

    `duplex`: for printing on both sides, each letter starts on a front page; a blank
    back page is added where needed and counted with the letter before it.
    """
    if not contents:
        raise ValueError("a print batch needs at least one letter")
    require_fonts()
    letters = "".join(_letter(i, c, catalogs) for i, c in enumerate(contents))
    with _cycle_collector_paused():
        return _render(_page(letters, duplex), len(contents))


def _render(page: str, letters: int) -> tuple[bytes, list[int]]:
    """The PDF and the page counts; the laid-out document is garbage once this returns."""
    # WeasyPrint is imported when a letter is rendered: loading it takes about 0.4 s,
    # which every `lotse` command and the server's start would pay otherwise.
    from weasyprint import HTML  # type: ignore[import-untyped]

    document = HTML(string=page, url_fetcher=_fetcher()).render(font_config=_font_config())
    return document.write_pdf(), _page_counts(document.pages, letters)


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, kept between documents: a fresh one reloads
    every font through Pango, which costs a single letter about a third of its time.
    Per thread, because Pango's font map is not safe to share between threads."""
    if not hasattr(_local, "fonts"):
        from weasyprint.text.fonts import FontConfiguration

        _local.fonts = FontConfiguration()
    fonts: FontConfiguration = _local.fonts
    return fonts


def _fetcher() -> URLFetcher:
    """Letters carry personal data: they fetch nothing from anywhere. Fonts come from
    fontconfig and the QR code and fold marks are inline `data:` URIs."""
    if not hasattr(_local, "fetcher"):
        from weasyprint.urls import URLFetcher

        _local.fetcher = URLFetcher(allowed_protocols=("data",))
    fetcher: URLFetcher = _local.fetcher
    return fetcher


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """While WeasyPrint lays out a document it builds a large graph of live objects
    (boxes, styles, glyph runs) that Python's cycle collector walks again and again
    although none of it is garbage yet. Pausing the collector makes a batch about 20 %
    faster; peak memory is the same (measured: about 1.2 MB per letter either way).

    The document must be garbage by the time the collector is switched back on (hence
    `_render`), and it is collected right then. Had the first collection after the
    pause run while the document was still referenced, it would have moved the whole
    graph to an older generation, and back-to-back renders would pile up one dead
    document each (measured: about 90 MB per batch of 100 letters) until that
    generation's turn came. The collection mostly walks garbage that has to be freed
    anyway.

    Only re-enabled if it was enabled, so nested or concurrent renders are harmless."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(1)


def _page_counts(pages: Sequence[object], letters: int) -> list[int]:
    """Each letter's first element carries the anchor `letter-<i>`; pages between two
    anchors belong to the earlier letter."""
    starts: dict[int, int] = {}
    for number, page in enumerate(pages):
        for anchor in getattr(page, "anchors", {}):
            if anchor.startswith("letter-"):
                starts.setdefault(int(anchor.removeprefix("letter-")), number)
    if sorted(starts) != list(range(letters)):
        raise RuntimeError(f"lost track of letters in the batch: {sorted(starts)}")
    bounds = [starts[i] for i in range(letters)] + [len(pages)]
    return [bounds[i + 1] - bounds[i] for i in range(letters)]


# ---------------------------------------------------------------- the texts


def _body_texts(c: LetterContent) -> list[Text]:
    office = c.sender.office_name
    return [
        # TRANSLATORS: Postal invitation letter, greeting; {name} is the recipient's full name.
        t("Hello {name},", name=_isolated(c.recipient.name)),
        *_reminder_texts(c),
        # TRANSLATORS: Postal invitation letter; {city} is where the person now lives.
        t("Welcome to {city}! You are invited to free advice in your language: about "
          "living, work, school, health and papers in Germany.", city=c.recipient.city),
        # TRANSLATORS: Postal invitation letter; {office} is e.g. "Bürgeramt Mitte".
        t("Lotse is a service of {office}. With Lotse, advice services can reach you "
          "in your language, by chat, SMS or letter. Taking part is voluntary, and you "
          "can stop at any time.", office=office),
    ]  # fmt: skip


def _reminder_texts(c: LetterContent) -> list[Text]:
    if not c.reminder:
        return []
    # TRANSLATORS: Postal reminder letter, after the greeting; the first invitation may
    # have come by letter or by SMS.
    return [t("We sent you this invitation recently. In case it got lost, here it is "
              "again.")]  # fmt: skip


def _way_texts(c: LetterContent, *, qr_here: bool) -> list[Text]:
    ways = [
        # TRANSLATORS: Postal invitation letter: the QR code printed below the steps.
        t("Scan the code with your phone's camera.")
        if qr_here
        # TRANSLATORS: Postal invitation letter, German part: the QR code is printed only
        # once, in the part in the person's language that comes first.
        else t("Scan the QR code in the first part of this letter with your phone's camera."),
        t("Or open {url} and enter the code {code}.",
          url=_isolated(c.chat_url), code=_isolated(c.code)),
    ]  # fmt: skip
    if c.sms_number:
        # TRANSLATORS: Postal invitation letter: people text the code itself, e.g.
        # "K7QF-9M2X", to Lotse's number {number}.
        ways.append(t("Or send the code {code} by SMS to {number}.",
                      code=_isolated(c.code), number=_isolated(c.sms_number)))  # fmt: skip
    return ways


def _closing_texts(c: LetterContent) -> list[Text]:
    return [
        t("The code is valid until {date}.", date=c.expires_on),
        t("Questions? {office} is happy to help: {contact}",
          office=c.sender.office_name, contact=_isolated(c.sender.contact)),
    ]  # fmt: skip


def _isolated(value: str) -> str:
    return f"{_LRI}{value}{_PDI}"


# ---------------------------------------------------------------- the markup
# Few elements, no flex, tables or positioned boxes beyond the head: layout time in
# WeasyPrint grows with the number of boxes, and batches are meant to be fast.


def _letter(index: int, c: LetterContent, catalogs: Catalogs) -> str:
    # The QR code sits in the first part, below the steps that point to it; the
    # German part refers to the same code.
    parts = [_section(catalogs[c.language], c, _access(c))]
    if c.language != SECOND_LANGUAGE:
        parts.append(_section(catalogs[SECOND_LANGUAGE], c, None))
    return f'<article class="letter" id="letter-{index}">{_head(c)}{"".join(parts)}</article>'


def _head(c: LetterContent) -> str:
    s = c.sender
    info = _lines(s.office_name, s.street, f"{s.postcode} {s.city}", s.contact)
    return (
        '<div class="head"><div class="window">'
        f'<div class="return">{_esc(s.return_line())}</div>'
        f'<div class="address">{_lines(*c.recipient.lines())}</div></div>'
        f'<div class="info">{info}</div></div>'
    )


def _section(tr: Translator, c: LetterContent, access: str | None) -> str:
    """One language's part; `access` is the QR block, in the first part only."""
    subject = tr.text(
        # TRANSLATORS: Postal reminder letter: its subject line.
        t("Reminder: invitation to free advice in your language")
        if c.reminder
        # TRANSLATORS: Postal invitation letter: its subject line.
        else t("Invitation to free advice in your language")
    )
    how = tr.text(t("How to start"))
    ways = "".join(
        f"<li>{_esc(tr.text(way))}</li>" for way in _way_texts(c, qr_here=access is not None)
    )
    closing = _lines(tr.text(t("Kind regards")), c.sender.office_name)
    return (
        f'<section class="part" lang="{tr.lang}" dir="{_direction(tr.lang)}">'
        f"<h1>{_esc(subject)}</h1>{_paragraphs(tr, _body_texts(c))}"
        f"<h2>{_esc(how)}</h2><ol>{ways}</ol>{access or ''}"
        f'{_paragraphs(tr, _closing_texts(c))}<p class="closing">{closing}</p></section>'
    )


def _access(c: LetterContent) -> str:
    """The QR code and the code written out, always left to right."""
    # One pixel per module: the smallest image to embed, drawn without smoothing
    # (image-rendering), so the modules stay sharp at any print resolution. An inline
    # SVG looks the same but costs a third more rendering time.
    qr = segno.make(c.qr_url, error="m").png_data_uri(scale=1, border=4)
    return (
        f'<div class="access" dir="ltr"><img class="qr" src="{qr}" alt="">'
        f'<div class="code">{_esc(c.code)}</div><div class="url">{_esc(c.chat_url)}</div></div>'
    )


def _direction(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else direction(lang)


def _paragraphs(tr: Translator, texts: Iterable[Text]) -> str:
    return "".join(f"<p>{_esc(tr.text(text))}</p>" for text in texts)


def _lines(*lines: str) -> str:
    """Lines of one block (an address): one box with line breaks, not a box per line."""
    return "<br>".join(_esc(line) for line in lines)


def _esc(value: str) -> str:
    return html.escape(value, quote=True)


def _page(letters: str, duplex: bool) -> str:
    css = _CSS + (".letter { break-before: recto; }" if duplex else "")
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><style>{css}</style>'
        f"</head><body>{letters}</body></html>"
    )


def _mm(value: float) -> str:
    return f"{value:.2f}mm"


def _marks() -> str:
    """Fold and hole marks as the page background: drawn on every page without being
    laid out again for each page (fixed-position boxes would be)."""
    lines = "".join(f"M5 {y}H{x}" for y, x in ((FOLD_MARKS[0], 10), (HOLE_MARK, 13),
                                               (FOLD_MARKS[1], 10)))  # fmt: skip
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_WIDTH}mm" '
        f'height="{PAGE_HEIGHT}mm" viewBox="0 0 {PAGE_WIDTH} {PAGE_HEIGHT}">'
        f'<path d="{lines}" stroke="#000" stroke-width="0.15"/></svg>'
    )
    return "data:image/svg+xml," + quote(svg)


# The head's boxes are positioned relative to the page area (which starts at
# MARGIN_LEFT, MARGIN_TOP), so every page coordinate is shifted by the margins.
_CSS = f"""
@page {{ size: A4; margin: {_mm(MARGIN_TOP)} {_mm(MARGIN_RIGHT)} {_mm(MARGIN_BOTTOM)}
  {_mm(MARGIN_LEFT)}; background: url("{_marks()}") no-repeat;
  background-origin: border-box; background-size: {_mm(PAGE_WIDTH)} {_mm(PAGE_HEIGHT)};
  background-position: {_mm(-MARGIN_LEFT)} {_mm(-MARGIN_TOP)}; }}
html {{ font-family: "Noto Sans", "Noto Naskh Arabic", "Noto Sans Ethiopic", sans-serif;
  font-size: 10pt; line-height: 1.35; color: #000; }}
:lang(ar), :lang(fa), :lang(ps), :lang(ckb) {{
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Noto Sans", sans-serif; }}
:lang(ti) {{ font-family: "Noto Sans Ethiopic", "Noto Sans", sans-serif; }}
body {{ margin: 0; }}
.letter {{ break-before: page; }}
.head {{ position: relative; height: {_mm(BODY_TOP - MARGIN_TOP)}; }}
.window {{ position: absolute; left: {_mm(WINDOW_LEFT - MARGIN_LEFT)};
  top: {_mm(WINDOW_TOP - MARGIN_TOP)}; width: {_mm(WINDOW_WIDTH)};
  height: {_mm(WINDOW_HEIGHT)}; overflow: hidden; }}
.return {{ position: absolute; left: {_mm(WINDOW_INSET)}; right: {_mm(WINDOW_INSET)};
  bottom: {_mm(WINDOW_HEIGHT - RETURN_ZONE_HEIGHT + 1)}; font-size: 6.5pt;
  line-height: 1.2; border-bottom: 0.3pt solid #000; padding-bottom: 0.5mm; }}
.address {{ position: absolute; left: {_mm(WINDOW_INSET)}; right: {_mm(WINDOW_INSET)};
  top: {_mm(RETURN_ZONE_HEIGHT)}; line-height: 1.2; }}
.info {{ position: absolute; left: {_mm(INFO_LEFT - MARGIN_LEFT)};
  top: {_mm(INFO_TOP - MARGIN_TOP)}; width: {_mm(INFO_WIDTH)}; font-size: 8.5pt; }}
.info::first-line {{ font-weight: bold; }}
/* The German part starts a page of its own (the back of the sheet when printed on
   both sides): it never fits below a translated part, and a fixed shape keeps print
   batches predictable. */
.part + .part {{ break-before: page; }}
/* Naskh letters look smaller than Latin ones at the same size. */
.part[dir=rtl] {{ font-size: 11.5pt; }}
h1 {{ font-size: 1.1em; margin: 0 0 3mm; }}
h2 {{ font-size: 1em; margin: 3mm 0 1mm; }}
p {{ margin: 0 0 1.8mm; }}
ol {{ margin: 0 0 2mm; padding-inline-start: 6mm; }}
li {{ margin-bottom: 0.8mm; }}
.access {{ display: flow-root; margin: 3mm 0; padding: 1mm; border: 0.5pt solid #000;
  break-inside: avoid; }}
.qr {{ float: left; width: {_mm(QR_SIZE)}; height: {_mm(QR_SIZE)};
  image-rendering: pixelated; margin-right: 8mm; }}
.code {{ font-family: "Noto Sans Mono", monospace; font-size: 22pt;
  font-weight: bold; letter-spacing: 0.15em; line-height: 1.2; padding-top: 9mm; }}
.url {{ margin-top: 2mm; }}
"""
