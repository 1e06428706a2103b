"""The fonts letters are set in, and the check that fontconfig really has each of them."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable

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
