"""A small sentence splitter: models translate sentence by sentence, and a chat message
keeps its line breaks. It cuts after . ! ? … and the Arabic-script ؟ ۔, the Ethiopic ። ፧,
when the next sentence does not start in lower case or with a digit ("Nr. 5 ist"), and
not after a single letter or a common abbreviation ("z. B.", "Dr.", "Abs.")."""

from __future__ import annotations

import itertools
import re

_END = re.compile(r"[.!?…؟۔።፧]+[\"'”’»)\]]*(?=\s+(\S))")
_ETHIOPIC_END = re.compile(r"[።፧](?=\S)")
_LINE = re.compile(r"(\r\n|\n|\r)")
_WORD_BEFORE = re.compile(r"(\w+)$")
_ABBREVIATIONS = frozenset(
    ("abs", "art", "bzw", "ca", "dr", "etc", "evtl", "ggf", "hr", "inkl", "mr", "mrs", "ms",
     "nr", "prof", "str", "tel", "usw", "vgl", "vs")
)  # fmt: skip


def split_sentences(line: str) -> list[str]:
    """The sentences of one line, stripped; empty for a blank line."""
    cuts = [0]
    for match in _END.finditer(line):
        following = match.group(1)
        if following.islower() or following.isdigit() or _abbreviation(line, match):
            continue
        cuts.append(match.end())
    cuts.extend(match.end() for match in _ETHIOPIC_END.finditer(line))
    cuts = [*sorted(set(cuts)), len(line)]
    parts = (line[start:end].strip() for start, end in itertools.pairwise(cuts))
    return [part for part in parts if part]


def _abbreviation(line: str, match: re.Match[str]) -> bool:
    if match.group(0) != ".":
        return False
    word = _WORD_BEFORE.search(line, 0, match.start())
    return word is not None and (len(word[1]) == 1 or word[1].lower() in _ABBREVIATIONS)


def split_lines(text: str) -> list[str]:
    """Lines and the breaks between them, alternating: "a\\nb" → ["a", "\\n", "b"]."""
    return _LINE.split(text)
