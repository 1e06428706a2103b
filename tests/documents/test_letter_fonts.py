"""Every font the letters name is installed, and a missing one stops rendering loudly.

Asks fontconfig (`fc-match`), which WeasyPrint uses to pick fonts: a family that is not
installed resolves to another one, and the letter would silently look different.
"""

from __future__ import annotations

import re

import pytest

from bot.documents import fonts, letter
from bot.documents.fonts import LETTER_FONTS, LetterFontsMissing, missing_fonts
from tests.support.settings import STRICT

GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}


def stylesheet_families() -> set[str]:
    declarations = re.findall(r"font-family:\s*([^;}]+)", letter._CSS)
    names = {name.strip().strip('"') for d in declarations for name in d.split(",")}
    return names - GENERIC


def test_the_table_names_every_family_the_stylesheet_uses() -> None:
    assert stylesheet_families() == set(LETTER_FONTS)


@pytest.mark.parametrize("family", sorted(LETTER_FONTS))
def test_fontconfig_resolves_each_family_to_itself(family: str) -> None:
    if missing_fonts([family]) and not STRICT:
        pytest.skip(f"{family} not installed (Debian: {LETTER_FONTS[family]})")
    assert missing_fonts([family]) == []


def test_a_family_that_is_not_installed_is_reported() -> None:
    assert missing_fonts(["Noto Sans Nonexistent", "Noto Sans"]) == ["Noto Sans Nonexistent"]


def test_rendering_refuses_to_start_without_a_letter_font(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The table, not Lotse's code, is changed: a family no machine has.
    monkeypatch.setitem(LETTER_FONTS, "Noto Sans Nonexistent", "fonts-noto-extra")
    monkeypatch.setattr(fonts, "_fonts_checked", False)
    expected = r"Noto Sans Nonexistent \(Debian: fonts-noto-extra\)"
    with pytest.raises(LetterFontsMissing, match=expected):
        fonts.require_fonts()
