"""A chart's figures as an HTML table: the same numbers, for screen readers, for
copying, and for whoever would rather read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.cases.charts.svg import esc


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart and a table of its figures; `note` explains hidden figures."""

    key: str
    svg: str
    table: str
    note: str = ""

    def html(self) -> str:
        """Both in one <figure>: the picture first, then the table and the note."""
        note = f'<p class="chart-note">{esc(self.note)}</p>' if self.note else ""
        return f'<figure class="chart" id="{self.key}-figure">{self.svg}{self.table}{note}</figure>'


def table(
    key: str,
    caption: str,
    columns: Sequence[str],
    rows: Sequence[tuple[str, Sequence[str]]],
) -> str:
    """`columns` and each row's header are HTML (escaped by the caller: they may hold a
    <time> or a <bdi>); cells are plain text."""
    head = "".join(f'<th scope="col">{column}</th>' for column in columns)
    body = "".join(
        f'<tr><th scope="row">{header}</th>{"".join(f"<td>{esc(c)}</td>" for c in cells)}</tr>'
        for header, cells in rows
    )
    return (
        f'<table class="chart-table" id="{key}-table"><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
