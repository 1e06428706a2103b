"""A plain A4 report for one person in their language: a title, a few lines under it,
and sections of entries. Used for the export of a person's data; the wording comes
from the feature, as for letters.

The whole document is laid out in the language's direction (right to left for ar, fa,
ps, ckb) and set in the letter fonts (Arabic script in Noto Naskh Arabic, Ethiopic in
Noto Sans Ethiopic). Values that may be in another script than the document (a text
the person wrote) take the direction of their first strong character; numbers, addresses and
links are isolated left to right where they sit inside a sentence (`bot.kernel.bidi.isolated`).
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.documents.fonts import require_fonts
from bot.documents.letter import RTL_LANGUAGES
from bot.documents.pdf import render_pdf
from bot.i18n import direction


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a section: an optional label, then its lines."""

    lines: tuple[str, ...]
    label: str = ""
    #: The lines may be in any language and script (a text the person wrote).
    foreign: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Report:
    lang: str
    title: str
    intro: tuple[str, ...]
    sections: tuple[Section, ...]


def render_report(report: Report) -> bytes:
    """The report as a PDF. Raises LetterFontsMissing when a font is not installed."""
    require_fonts()
    pdf, _ = render_pdf(report_html(report), 0)
    return pdf


def report_html(report: Report) -> str:
    lang = _esc(report.lang)
    way = "rtl" if report.lang in RTL_LANGUAGES else direction(report.lang)
    intro = "".join(f"<p>{_esc(line)}</p>" for line in report.intro)
    sections = "".join(_section(section) for section in report.sections)
    return (
        f'<!DOCTYPE html><html lang="{lang}" dir="{way}"><head><meta charset="utf-8">'
        f"<title>{_esc(report.title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_esc(report.title)}</h1>{intro}{sections}</body></html>"
    )


def _section(section: Section) -> str:
    entries = "".join(_entry(entry) for entry in section.entries)
    return f"<section><h2>{_esc(section.heading)}</h2>{entries}</section>"


def _entry(entry: Entry) -> str:
    label = f'<div class="label">{_esc(entry.label)}</div>' if entry.label else ""
    foreign = f' dir="{first_strong(entry.lines)}" lang=""' if entry.foreign else ""
    return (
        f'<div class="entry">{label}<div class="lines"{foreign}>{_lines(entry.lines)}</div></div>'
    )


def first_strong(lines: Sequence[str]) -> str:
    """The direction of text in an unknown language, by its first strong character (the
    Unicode bidirectional algorithm's rule P2): WeasyPrint does not resolve dir="auto"."""
    for line in lines:
        for char in line:
            kind = unicodedata.bidirectional(char)
            if kind == "L":
                return "ltr"
            if kind in ("R", "AL"):
                return "rtl"
    return "ltr"


def _lines(lines: Sequence[str]) -> str:
    return "<br>".join(_esc(line) for line in lines)


def _esc(value: str) -> str:
    return html.escape(value, quote=True)


_CSS = """
@page { size: A4; margin: 18mm 18mm 20mm;
  @bottom-center { content: counter(page); font-size: 8pt; } }
html { font-family: "Noto Sans", "Noto Naskh Arabic", "Noto Sans Ethiopic", sans-serif;
  font-size: 10pt; line-height: 1.4; color: #000; }
:lang(ar), :lang(fa), :lang(ps), :lang(ckb) {
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Noto Sans", sans-serif; }
:lang(ti) { font-family: "Noto Sans Ethiopic", "Noto Sans", sans-serif; }
/* Naskh letters look smaller than Latin ones at the same size. */
html[dir=rtl] { font-size: 11.5pt; }
body { margin: 0; }
h1 { font-size: 1.4em; margin: 0 0 3mm; }
h2 { font-size: 1.1em; margin: 6mm 0 2mm; border-bottom: 0.5pt solid #000; }
p { margin: 0 0 1.5mm; }
.entry { margin: 0 0 2mm; break-inside: avoid; }
.label { font-weight: bold; }
.lines { white-space: pre-wrap; overflow-wrap: anywhere; }
"""
