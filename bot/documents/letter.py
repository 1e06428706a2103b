"""The postal letter's layout: A4 PDFs to DIN 5008 form B, whatever the letter says.

The caller gives the recipient, the letterhead and the letter's parts, one per
language, each already worded (a feature's letter module does that). Each part
starts on a page of its own and is laid out in its language's direction (right to
left for ar, fa, ps, ckb). A print batch is rendered as ONE WeasyPrint document:
layout and font set-up are paid once per batch, not once per letter, which is what
makes batches fast.

Geometry is in millimetres from the page's top-left corner and lives in Python
constants, so that the CSS and the tests share one source of truth.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

import segno

from bot.documents.fonts import require_fonts
from bot.documents.pdf import LETTER_ANCHOR, render_pdf
from bot.i18n import direction
from bot.kernel.postal import PostalAddress

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


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The sender: its return line in the window, and the information block beside it."""

    office_name: str
    street: str
    postcode: str
    city: str
    #: How to reach the office: a phone number, an e-mail address, opening hours.
    contact: str
    #: Further lines of the information block: a date, a reference.
    more: tuple[str, ...] = ()

    def return_line(self) -> str:
        return f"{self.office_name} · {self.street} · {self.postcode} {self.city}"


# ---------------------------------------------------------------- what a part holds


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading inside the body (the subject line is the part's own)."""

    text: str


@dataclass(frozen=True, slots=True)
class Steps:
    """A numbered list."""

    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QrBox:
    """A QR code with, beside it, a code and a web address written out: always left to
    right, whatever the part's direction."""

    payload: str
    code: str
    url: str


@dataclass(frozen=True, slots=True)
class Closing:
    """The closing formula and the signature, as lines of one block."""

    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DataBlock:
    """Labels and values, one row each (the details on an official form). A value may be
    in any script (a name as the person wrote it); an empty value is a line to write on."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class OwnWords:
    """Text the person wrote, kept as written: its own direction (by its first strong
    character), its line breaks, and long words broken rather than overflowing."""

    text: str
    #: A line above the text saying whose words they are.
    caption: str = ""


@dataclass(frozen=True, slots=True)
class SignatureLine:
    """Room to sign, a rule, and under it who signs."""

    caption: str


@dataclass(frozen=True, slots=True)
class BlankBox:
    """An empty framed box with a caption (for an official's certification stamp)."""

    caption: str
    height: float = 35.0


Block = (
    Paragraph | Heading | Steps | QrBox | Closing | DataBlock | OwnWords | SignatureLine | BlankBox
)


@dataclass(frozen=True, slots=True)
class AddressLines:
    """A recipient as lines (no postal address type fits, or none is known): blank lines
    are left as rules to write the address on by hand."""

    address: tuple[str, ...]

    def lines(self) -> tuple[str, ...]:
        return self.address


@dataclass(frozen=True, slots=True)
class LetterPart:
    """The letter in one language: its subject line and its body."""

    lang: str
    subject: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class DinLetter:
    """One letter: who it goes to, who sends it, and its parts in order."""

    recipient: PostalAddress | AddressLines
    sender: Letterhead
    parts: tuple[LetterPart, ...]


def render_letters(
    letters: Sequence[DinLetter], *, duplex: bool = False
) -> tuple[bytes, list[int]]:
    """A print batch as one PDF, each letter starting on a new page, and each letter's
    page count in order (each part starts a page of its own; a part that runs long
    takes more).

    `duplex`: for printing on both sides, each letter starts on a front page; a blank
    back page is added where needed and counted with the letter before it.
    """
    if not letters:
        raise ValueError("a print batch needs at least one letter")
    require_fonts()
    markup = "".join(_letter(i, letter) for i, letter in enumerate(letters))
    return render_pdf(_page(markup, duplex), len(letters))


# ---------------------------------------------------------------- the markup
# Few elements, no flex, tables or positioned boxes beyond the head: layout time in
# WeasyPrint grows with the number of boxes, and batches are meant to be fast.


def _letter(index: int, letter: DinLetter) -> str:
    parts = "".join(_part(part) for part in letter.parts)
    return f'<article class="letter" id="{LETTER_ANCHOR}{index}">{_head(letter)}{parts}</article>'


def _head(letter: DinLetter) -> str:
    s = letter.sender
    info = _lines(s.office_name, s.street, f"{s.postcode} {s.city}", s.contact, *s.more)
    return (
        '<div class="head"><div class="window">'
        f'<div class="return">{_esc(s.return_line())}</div>'
        f'<div class="address">{_address(letter.recipient.lines())}</div></div>'
        f'<div class="info">{info}</div></div>'
    )


def _part(part: LetterPart) -> str:
    body = "".join(_block(block) for block in part.blocks)
    return (
        f'<section class="part" lang="{_esc(part.lang)}" dir="{_direction(part.lang)}">'
        f"<h1>{_esc(part.subject)}</h1>{body}</section>"
    )


def _block(block: Block) -> str:
    match block:
        case Paragraph(text):
            return f"<p>{_esc(text)}</p>"
        case Heading(text):
            return f"<h2>{_esc(text)}</h2>"
        case Steps(items):
            return "<ol>" + "".join(f"<li>{_esc(item)}</li>" for item in items) + "</ol>"
        case QrBox():
            return _qr_box(block)
        case Closing(lines):
            return f'<p class="closing">{_lines(*lines)}</p>'
        case DataBlock(rows):
            return '<div class="data">' + "".join(_row(*row) for row in rows) + "</div>"
        case OwnWords(text, caption):
            head = f'<div class="caption">{_esc(caption)}</div>' if caption else ""
            way = first_strong(text)
            return f'{head}<div class="own" dir="{way}" lang="">{_esc(text)}</div>'
        case SignatureLine(caption):
            return f'<div class="signature">{_esc(caption)}</div>'
        case BlankBox(caption, height):
            return f'<div class="box" style="height: {_mm(height)}">{_esc(caption)}</div>'


def _row(label: str, value: str) -> str:
    shown = (
        f'<span class="value" dir="{first_strong(value)}" lang="">{_esc(value)}</span>'
        if value.strip()
        else '<span class="value blank"></span>'
    )
    return f'<div class="row"><span class="label">{_esc(label)}</span>{shown}</div>'


def _address(lines: Sequence[str]) -> str:
    """The recipient's lines; blank ones are rules to write on."""
    return "<br>".join(_esc(line) if line.strip() else '<span class="rule"></span>'
                       for line in lines)  # fmt: skip


def first_strong(text: str) -> str:
    """The direction of text in an unknown language, by its first strong character (the
    Unicode bidirectional algorithm's rule P2): WeasyPrint does not resolve dir="auto"."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"


def _qr_box(box: QrBox) -> str:
    # One pixel per module: the smallest image to embed, drawn without smoothing
    # (image-rendering), so the modules stay sharp at any print resolution. An inline
    # SVG looks the same but costs a third more rendering time.
    qr = segno.make(box.payload, error="m").png_data_uri(scale=1, border=4)
    return (
        f'<div class="access" dir="ltr"><img class="qr" src="{qr}" alt="">'
        f'<div class="code">{_esc(box.code)}</div><div class="url">{_esc(box.url)}</div></div>'
    )


def _direction(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else direction(lang)


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
/* A later part starts a page of its own (the back of the sheet when printed on both
   sides): it never fits below a translated part, and a fixed shape keeps print
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
.rule {{ display: inline-block; width: 70mm; border-bottom: 0.3pt solid #000;
  height: 4.5mm; }}
/* The person's own words and values: any script, so every letter font, in order. */
.own, .value {{ font-family: "Noto Sans", "Noto Naskh Arabic", "Noto Sans Ethiopic",
  sans-serif; }}
.own {{ white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 2mm;
  padding-inline-start: 4mm; border-inline-start: 0.8pt solid #000; }}
.caption {{ font-size: 0.9em; font-style: italic; margin: 1mm 0 0.5mm; }}
.data {{ margin: 1mm 0 2.5mm; }}
.row {{ display: block; margin-bottom: 0.8mm; break-inside: avoid; }}
.label {{ display: inline-block; width: 62mm; vertical-align: top; }}
.value {{ display: inline-block; width: 100mm; overflow-wrap: anywhere; font-weight: bold; }}
.value.blank {{ border-bottom: 0.3pt solid #000; height: 4mm; }}
.signature {{ margin: 14mm 0 3mm; width: 75mm; border-top: 0.3pt solid #000;
  padding-top: 1mm; break-before: avoid; }}
.box {{ border: 0.5pt solid #000; padding: 1.5mm; width: 100mm; font-size: 0.85em;
  break-inside: avoid; margin: 3mm 0; }}
"""
