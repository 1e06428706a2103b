"""HTML to PDF with WeasyPrint, fetching nothing, with each letter's page count.

WeasyPrint is imported when a document is rendered: loading it takes about 0.4 s,
which every `lotse` command and the server's start would pay otherwise.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

#: Each letter's first element carries the id `letter-<i>` (its index in the document).
LETTER_ANCHOR = "letter-"


def render_pdf(page: str, letters: int) -> tuple[bytes, list[int]]:
    """The document as a PDF, and the page count of each of its `letters` letters."""
    with _cycle_collector_paused():
        return _render(page, letters)


def _render(page: str, letters: int) -> tuple[bytes, list[int]]:
    """The PDF and the page counts; the laid-out document is garbage once this returns."""
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
            if anchor.startswith(LETTER_ANCHOR):
                starts.setdefault(int(anchor.removeprefix(LETTER_ANCHOR)), number)
    if sorted(starts) != list(range(letters)):
        raise RuntimeError(f"lost track of letters in the batch: {sorted(starts)}")
    bounds = [starts[i] for i in range(letters)] + [len(pages)]
    return [bounds[i + 1] - bounds[i] for i in range(letters)]
