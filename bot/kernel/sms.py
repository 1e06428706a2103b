"""SMS segments: GSM-7 or UCS-2, how many parts a text costs, and splitting it kindly."""

from __future__ import annotations

import re

# GSM 03.38 basic character set, and the extension table (each costs two septets).
_GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = "^{}\\[~]|€\f"
GSM_BASIC = frozenset(_GSM_BASIC)
GSM_EXTENDED = frozenset(_GSM_EXTENDED)

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENDED for c in text)


def units(text: str) -> tuple[int, bool]:
    """Length in segment units and whether the text fits GSM-7.

    GSM-7 counts septets (extension characters count two); UCS-2 counts UTF-16
    code units, so an emoji outside the BMP counts two.
    """
    if is_gsm7(text):
        return sum(2 if c in GSM_EXTENDED else 1 for c in text), True
    return len(text.encode("utf-16-le")) // 2, False


def segments(text: str) -> int:
    """How many SMS parts the text costs (0 for an empty text)."""
    length, gsm = units(text)
    single, part = (GSM_SINGLE, GSM_PART) if gsm else (UCS2_SINGLE, UCS2_PART)
    if length == 0:
        return 0
    if length <= single:
        return 1
    return -(-length // part)


def encoding(text: str) -> str:
    return "GSM-7" if is_gsm7(text) else "UCS-2"


# A sentence ends after . ! ? (not after a choice number such as "1. "), or at a line break.
_SENTENCE_END = re.compile(r"(?<=[^\d\s][.!?。؟።])\s+|\n+")


def split(text: str, max_segments: int) -> list[str]:
    """Split into messages of at most `max_segments` parts each, at sentence ends.

    A sentence longer than a message is cut at a word boundary, and a word longer
    than that at the limit, so nothing is ever lost.
    """
    if segments(text) <= max_segments:
        return [text]
    pieces = [p for p in _SENTENCE_END.split(text) if p.strip()]
    messages: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}\n{piece}" if current else piece
        if segments(candidate) <= max_segments:
            current = candidate
            continue
        if current:
            messages.append(current)
        current = ""
        for chunk in _cut(piece, max_segments):
            if current and segments(f"{current} {chunk}") <= max_segments:
                current = f"{current} {chunk}"
            else:
                if current:
                    messages.append(current)
                current = chunk
    if current:
        messages.append(current)
    return messages


def _cut(sentence: str, max_segments: int) -> list[str]:
    if segments(sentence) <= max_segments:
        return [sentence]
    out: list[str] = []
    current = ""
    for word in sentence.split(" "):
        candidate = f"{current} {word}" if current else word
        if segments(candidate) <= max_segments:
            current = candidate
            continue
        if current:
            out.append(current)
        while segments(word) > max_segments:  # one enormous word: cut it hard
            cut = len(word)
            while segments(word[:cut]) > max_segments:
                cut -= 1
            out.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        out.append(current)
    return out


# Typographic characters with a plain GSM-7 equivalent (what Twilio calls smart
# encoding): one „quote“ or dash would otherwise make a whole German text UCS-2.
_FOLDS = str.maketrans(
    {
        "„": '"', "“": '"', "”": '"', "«": '"', "»": '"', "‟": '"', "″": '"',
        "‚": "'", "‘": "'", "’": "'", "‹": "'", "›": "'", "‛": "'", "′": "'",
        "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "−": "-",
        "…": "...", "•": "-", "·": "-",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2002": " ",
        "\u2003": " ", "\u200a": " ", "\u00ad": "", "\u200b": "", "\u2060": "",
    }
)  # fmt: skip


_SPACES = " \u00a0\u202f\u2009"
_GUILLEMET_SPACES = re.compile(f"«[{_SPACES}]+|[{_SPACES}]+»")


def gsm_folded(text: str) -> str:
    """The text with typographic quotes, dashes, ellipses and special spaces replaced by
    their GSM-7 equivalents, if that makes the whole text GSM-7; else the text unchanged
    (a text that is UCS-2 anyway keeps its typography: folding would save nothing)."""
    if is_gsm7(text):
        return text
    # French « MENU » keeps its inner spaces in guillemets; as "MENU" they go.
    folded = _GUILLEMET_SPACES.sub(lambda m: m[0].strip(_SPACES), text).translate(_FOLDS)
    return folded if is_gsm7(folded) else text
