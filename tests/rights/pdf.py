"""Reading request letters back the way a post office and a reader would: each page's
text (pdftotext) and where each word sits (pdftotext -bbox), in millimetres."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest

from bot.documents import missing_fonts
from tests.support.settings import STRICT

PT_TO_MM = 25.4 / 72
# pdftotext marks right-to-left runs with embedding controls, the letter isolates Latin
# runs: neither is part of what a reader sees.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


@dataclass(frozen=True)
class Word:
    text: str
    left: float  # millimetres from the page's left edge
    top: float  # millimetres from the page's top edge
    right: float
    bottom: float


def _missing(message: str) -> None:
    if STRICT:
        pytest.fail(message)
    pytest.skip(message)


def require_tools() -> None:
    if shutil.which("pdftotext") is None:
        _missing("pdftotext is missing (Debian: poppler-utils)")
    if missing := missing_fonts():
        _missing(f"fonts missing: {', '.join(missing)} (run deploy/setup.sh)")


def _run(*args: str, pdf: bytes) -> str:
    result = subprocess.run(args, input=pdf, capture_output=True, check=True)
    return _BIDI_CONTROLS.sub("", result.stdout.decode())


def pages(pdf: bytes) -> list[str]:
    """Each page's text (-layout), whitespace runs folded into one space."""
    return [" ".join(page.split()) for page in _run("pdftotext", "-layout", "-", "-",
                                                    pdf=pdf).split("\f")[:-1]]  # fmt: skip


def words(pdf: bytes, page: int) -> list[Word]:
    xhtml = _run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-", pdf=pdf)
    return [
        Word(html.unescape(m[5]), *(float(v) * PT_TO_MM for v in m.groups()[:4]))
        for m in _WORD.finditer(xhtml)
    ]


def lines(found: list[Word]) -> list[list[Word]]:
    """Words grouped into lines by their top edge."""
    rows: dict[int, list[Word]] = {}
    for word in found:
        rows.setdefault(round(word.top * 2), []).append(word)
    return [rows[key] for key in sorted(rows)]


def letters(text: str) -> str:
    """Only the letters: pdftotext splits right-to-left punctuation and marks from the
    words they belong to."""
    return "".join(c for c in text if c.isalpha())
