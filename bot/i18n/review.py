"""Which catalogs still wait for a native speaker: those with a `# review:` note."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from bot.i18n.catalogs import SOURCE_LANGUAGE
from bot.i18n.domains import MESSAGES, Domain


def awaiting_review(locales_dir: Path, domain: Domain = MESSAGES) -> tuple[str, ...]:
    """The domain's languages (in its order) whose catalog has at least one translation
    marked `# review:` — written by the Lotse team, not yet checked by a native speaker.
    English is the source text, never under review."""
    pending = []
    for lang in domain.languages:
        path = locales_dir / domain.catalog(lang)
        if lang == SOURCE_LANGUAGE or not path.exists():
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        if any(c.startswith("review:") for m in catalog if m.id for c in m.user_comments):
            pending.append(lang)
    return tuple(pending)
