"""Unicode bidirectional isolates (UAX #9), for text shown without markup: a number,
code, address or URL inside a right-to-left sentence stays whole and in its place, and a
numbered line keeps its number at the right. One home for letters, messages and flows."""

from __future__ import annotations

LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"


def isolated(value: str) -> str:
    """`value` as an isolated left-to-right run inside a sentence of any direction."""
    return f"{LRI}{value}{PDI}"
