"""Bar charts: open cases per week, and new cases per week stacked by language or topic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from bot.cases.charts.figures import (
    OTHER,
    Breakdown,
    Category,
    OpenCases,
    grouped,
    protect,
    shown,
)
from bot.cases.charts.svg import (
    HIDDEN_COLOUR,
    INK,
    OTHER_COLOUR,
    PALETTE,
    PATTERNS,
    Axis,
    esc,
    isolated,
    label,
    num,
    open_svg,
    pattern_defs,
    under_mark,
    value_axis,
)
from bot.cases.charts.table import Chart, table
from bot.cases.charts.words import (
    NOT_SHOWN,
    OTHER_LABEL,
    UNDER,
    Words,
    long_week,
    number,
    own_name,
    short_week,
)


@dataclass(frozen=True, slots=True)
class Frame:
    """The plot area: one slot per week, left to right, the value axis at the left."""

    weeks: int
    left: float = 56
    top: float = 24
    slot: float = 56
    plot: float = 200

    @property
    def right(self) -> float:
        return self.left + self.weeks * self.slot

    @property
    def width(self) -> float:
        return max(self.right + 16, 320)

    @property
    def base(self) -> float:
        return self.top + self.plot

    def centre(self, i: int) -> float:
        return self.left + (i + 0.5) * self.slot

    def y(self, value: float, axis: Axis) -> float:
        return self.base - value / axis.top * self.plot


BAR: Final = 32
#: A legend entry's width.
LEGEND: Final = 200


def week_labels(frame: Frame, weeks: tuple[date, ...], words: Words) -> str:
    return "".join(
        f'<text x="{num(frame.centre(i))}" y="{num(frame.base + 18)}" text-anchor="middle">'
        f"{esc(short_week(words, week))}</text>"
        for i, week in enumerate(weeks)
    )


def week_header(words: Words, week: date) -> str:
    return f'<time datetime="{week.isoformat()}">{esc(long_week(words, week))}</time>'


def span(words: Words, weeks: tuple[date, ...]) -> dict[str, str]:
    return {
        "weeks": number(words, len(weeks)),
        "start": short_week(words, weeks[0]) if weeks else "",
        "end": short_week(words, weeks[-1]) if weeks else "",
    }


def open_cases_chart(figures: OpenCases, words: Words, key: str = "open-cases") -> Chart:
    """One bar per week: the cases still open at its end; 1 to 4 show "<5" and no bar."""
    _ = words.gettext
    weeks = tuple(w.week for w in figures.weeks)
    values = [shown(w.count) for w in figures.weeks]
    axis = Axis.to(max((v for v in values if v is not None), default=0))
    frame = Frame(len(weeks))
    title = _("Open cases per week")
    desc = _(
        "Bar chart of the cases still open at the end of each week, {weeks} weeks "
        "from {start} to {end}."
    ).format(**span(words, weeks))
    known = [(v, w) for v, w in zip(values, weeks, strict=True) if v is not None]
    if known:
        most, when = max(known, key=lambda item: item[0])
        desc += " " + _("Most: {count} in the week of {week}.").format(
            count=number(words, most), week=short_week(words, when)
        )
    hidden = any(v is None for v in values)
    note = (
        _("“<5”: fewer than 5 cases, not shown to protect the people concerned.") if hidden else ""
    )
    if note:
        desc += " " + note
    parts = [open_svg(key, frame.width, frame.base + 32, title, desc)]
    parts.append(
        value_axis(
            axis, frame.left, frame.right, frame.base, frame.plot, lambda v: number(words, v)
        )
    )
    for i, (week, value) in enumerate(zip(weeks, values, strict=True)):
        x = frame.centre(i)
        if value is None:
            parts.append(under_mark(x, frame.base, UNDER))
            continue
        y = frame.y(value, axis)
        tip = f"{short_week(words, week)}: {number(words, value)}"
        parts.append(
            f'<rect class="bar" data-week="{week.isoformat()}" data-value="{value}" '
            f'x="{num(x - BAR / 2)}" y="{num(y)}" width="{BAR}" height="{num(frame.base - y)}" '
            f'fill="{PALETTE[0]}" stroke="{INK}" stroke-width="1"><title>{esc(tip)}</title></rect>'
            + label(x, y - 5, number(words, value))
        )
    parts.append(week_labels(frame, weeks, words))
    parts.append("</svg>")
    rows = [
        (week_header(words, week), [UNDER if v is None else number(words, v)])
        for week, v in zip(weeks, values, strict=True)
    ]
    html = table(key, title, [esc(_("Week")), esc(_("Open cases at the end of the week"))], rows)
    return Chart(key, "".join(parts), html, note)


def category_header(category: Category, words: Words) -> str:
    """A column's name: a language also in its own script, isolated in its direction."""
    own = own_name(category, words)
    if own is None or category.lang is None:
        return esc(category.label)
    return f'{esc(category.label)} <bdi lang="{esc(category.lang)}">{esc(own)}</bdi>'


def category_text(category: Category, words: Words) -> str:
    own = own_name(category, words)
    return category.label if own is None else f"{category.label} ({isolated(own)})"


def breakdown_chart(figures: Breakdown, words: Words, title: str, key: str = "breakdown") -> Chart:
    """New cases per week, one stacked bar each: the largest categories in the palette's
    colours and patterns, the rest as "Other"; hidden counts as one "hidden" segment
    (the total is shown, so their sum is no secret), and a week under 5 not at all.
    `title` is the staff msgid (LANGUAGES_TITLE, TOPICS_TITLE), translated here."""
    _ = words.gettext
    data = grouped(figures, _(OTHER_LABEL))
    rows = protect(data)
    frame = Frame(len(data.weeks))
    axis = Axis.to(max((r.total for r in rows if r.total is not None), default=0))
    count = len(data.categories)
    colours = tuple(
        OTHER_COLOUR if c.key == OTHER and c.lang is None else PALETTE[i % len(PALETTE)]
        for i, c in enumerate(data.categories)
    )
    kinds = tuple(PATTERNS[i % len(PATTERNS)] for i in range(count))
    desc = _(
        "Stacked bar chart of the new cases per week, {weeks} weeks from {start} to "
        "{end}, in {groups} groups."
    ).format(groups=number(words, count), **span(words, data.weeks))
    if data.categories:
        desc += " " + _("Most cases over the whole time: {name}.").format(
            name=category_text(data.categories[0], words)
        )
    hidden = any(r.total is None or None in r.cells for r in rows)
    note = (
        _(
            "“<5”: fewer than 5 cases; “hidden”: fewer than 5 cases, or a number from "
            "which such a small number could be worked out. Not shown to protect the "
            "people concerned."
        )
        if hidden
        else ""
    )
    if note:
        desc += " " + note
    per_row = max(1, int((frame.width - frame.left) // LEGEND))
    # The legend names the "hidden" segment only where one is drawn.
    segment = any(r.hidden for r in rows)
    legend_rows = -(-(count + (1 if segment else 0)) // per_row)
    height = frame.base + 32 + legend_rows * 20
    parts = [open_svg(key, frame.width, height, _(title), desc)]
    parts.append(pattern_defs(key, (*colours, HIDDEN_COLOUR), (*kinds, "hidden")))
    parts.append(
        value_axis(
            axis, frame.left, frame.right, frame.base, frame.plot, lambda v: number(words, v)
        )
    )
    for i, row in enumerate(rows):
        x = frame.centre(i) - BAR / 2
        if row.total is None:
            parts.append(under_mark(frame.centre(i), frame.base, UNDER))
            continue
        level = 0.0
        segments = [(c, n) for c, n in enumerate(row.cells) if n]
        if row.hidden:
            segments.append((count, row.hidden))
        for c, n in segments:
            assert n is not None
            bottom, top = frame.y(level, axis), frame.y(level + n, axis)
            name = _(NOT_SHOWN) if c == count else category_text(data.categories[c], words)
            what = "hidden" if c == count else esc(data.categories[c].key)
            tip = f"{short_week(words, row.week)}, {name}: {number(words, n)}"
            parts.append(
                f'<rect class="segment" data-week="{row.week.isoformat()}" data-category="{what}" '
                f'data-value="{n}" x="{num(x)}" y="{num(top)}" width="{BAR}" '
                f'height="{num(bottom - top)}" fill="url(#{key}-p{c})" stroke="{INK}" '
                f'stroke-width="1"><title>{esc(tip)}</title></rect>'
            )
            level += n
        parts.append(label(frame.centre(i), frame.y(level, axis) - 5, number(words, row.total)))
    parts.append(week_labels(frame, data.weeks, words))
    names = [category_text(c, words) for c in data.categories] + ([_(NOT_SHOWN)] if segment else [])
    for n, name in enumerate(names):
        lx = frame.left + (n % per_row) * LEGEND
        ly = frame.base + 36 + (n // per_row) * 20
        parts.append(
            f'<rect x="{num(lx)}" y="{num(ly)}" width="14" height="14" '
            f'fill="url(#{key}-p{n})" stroke="{INK}" stroke-width="1"/>'
            f'<text x="{num(lx + 20)}" y="{num(ly + 11)}" class="legend">{esc(name)}</text>'
        )
    parts.append("</svg>")
    columns = (
        [esc(_("Week"))] + [category_header(c, words) for c in data.categories] + [esc(_("Total"))]
    )
    table_rows = [
        (
            week_header(words, row.week),
            [
                (UNDER if row.total is None else _(NOT_SHOWN)) if n is None else number(words, n)
                for n in row.cells
            ]
            + [UNDER if row.total is None else number(words, row.total)],
        )
        for row in rows
    ]
    return Chart(key, "".join(parts), table(key, _(title), columns, table_rows), note)
