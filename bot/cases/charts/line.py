"""A line chart: the median time to a first response per week against the target."""

from __future__ import annotations

from bot.cases.charts.bars import Frame, span, week_header, week_labels
from bot.cases.charts.figures import FirstResponse, small
from bot.cases.charts.svg import (
    INK,
    PALETTE,
    Axis,
    esc,
    label,
    num,
    open_svg,
    under_mark,
    value_axis,
)
from bot.cases.charts.table import Chart, table
from bot.cases.charts.words import UNDER, Words, hours, number, short_week

LINE = PALETTE[0]
TARGET = PALETTE[5]


def legend(frame: Frame, target: str, within: str, over: str) -> str:
    """Below the weeks, one entry a line: the target's dashed line, the two marks."""
    x, y = frame.left, frame.base + 40
    return (
        f'<line x1="{num(x)}" x2="{num(x + 24)}" y1="{num(y)}" y2="{num(y)}" stroke="{TARGET}" '
        f'stroke-width="2.5" stroke-dasharray="8 4"/>'
        f'<text x="{num(x + 32)}" y="{num(y + 4)}" class="legend">{esc(target)}</text>'
        f'<circle cx="{num(x + 12)}" cy="{num(y + 20)}" r="5" fill="{LINE}" stroke="{INK}"/>'
        f'<text x="{num(x + 32)}" y="{num(y + 24)}" class="legend">{esc(within)}</text>'
        f'<rect x="{num(x + 7)}" y="{num(y + 35)}" width="10" height="10" fill="{LINE}" '
        f'stroke="{INK}"/>'
        f'<text x="{num(x + 32)}" y="{num(y + 44)}" class="legend">{esc(over)}</text>'
    )


def first_response_chart(
    figures: FirstResponse, words: Words, key: str = "first-response"
) -> Chart:
    """One point per week (the median, in business hours), joined where weeks follow
    each other; a dashed line at the target. A week with 1 to 4 answered cases has no
    point: a median of so few is nearly one person's figure."""
    _ = words.gettext
    weeks = tuple(w.week for w in figures.weeks)
    points = [
        None if small(w.answered) or w.median_minutes is None else w.median_minutes
        for w in figures.weeks
    ]
    largest = max([p for p in points if p is not None] + [figures.target_minutes])
    axis = Axis.to(largest / 60)
    frame = Frame(len(weeks))
    target = hours(words, figures.target_minutes)
    title = _("Time to first response per week")
    desc = _(
        "Line chart of the median time to a first response in business hours, {weeks} "
        "weeks from {start} to {end}, against the target of {target}."
    ).format(target=target, **span(words, weeks))
    known = [p for p in points if p is not None]
    if known:
        within = sum(1 for p in known if p <= figures.target_minutes)
        desc += " " + _("The median was within the target in {within} of {weeks} weeks.").format(
            within=number(words, within), weeks=number(words, len(known))
        )
    hidden = any(small(w.answered) for w in figures.weeks)
    note = (
        _(
            "“<5”: fewer than 5 cases answered; their time is not shown to protect the "
            "people concerned."
        )
        if hidden
        else ""
    )
    if note:
        desc += " " + note
    parts = [open_svg(key, frame.width, frame.base + 96, title, desc)]
    parts.append(
        value_axis(
            axis, frame.left, frame.right, frame.base, frame.plot, lambda v: hours(words, v * 60)
        )
    )
    ty = frame.y(figures.target_minutes / 60, axis)
    parts.append(
        f'<line class="target" data-value="{figures.target_minutes}" x1="{num(frame.left)}" '
        f'x2="{num(frame.right)}" y1="{num(ty)}" y2="{num(ty)}" stroke="{TARGET}" '
        f'stroke-width="2.5" stroke-dasharray="8 4"/>'
    )
    run: list[str] = []
    runs: list[list[str]] = [run]
    for i, value in enumerate(points):
        if value is None:
            run = []
            runs.append(run)
            if small(figures.weeks[i].answered):
                parts.append(under_mark(frame.centre(i), frame.base, UNDER))
            continue
        run.append(f"{num(frame.centre(i))},{num(frame.y(value / 60, axis))}")
    parts.extend(
        f'<polyline points="{" ".join(r)}" fill="none" stroke="{LINE}" stroke-width="2.5"/>'
        for r in runs
        if len(r) > 1
    )
    for i, (week, value) in enumerate(zip(weeks, points, strict=True)):
        if value is None:
            continue
        x, y = frame.centre(i), frame.y(value / 60, axis)
        shown = hours(words, value)
        late = value > figures.target_minutes
        # Over the target: a square, not only another position, so it reads without colour.
        mark = (
            f'<rect x="{num(x - 5)}" y="{num(y - 5)}" width="10" height="10"'
            if late
            else f'<circle cx="{num(x)}" cy="{num(y)}" r="5"'
        )
        parts.append(
            f'{mark} class="point" data-week="{week.isoformat()}" data-value="{value}" '
            f'fill="{LINE}" stroke="{INK}" stroke-width="1">'
            f"<title>{esc(short_week(words, week))}: {esc(shown)}</title>"
            f"{'</rect>' if late else '</circle>'}" + label(x, y - 9, shown)
        )
    parts.append(week_labels(frame, weeks, words))
    parts.append(
        legend(
            frame,
            _("Target: {time}").format(time=target),
            _("Median within the target"),
            _("Median over the target"),
        )
    )
    parts.append("</svg>")
    rows = []
    for w in figures.weeks:
        if small(w.answered):
            cells = [UNDER, UNDER]
        else:
            median = "–" if w.median_minutes is None else hours(words, w.median_minutes)
            cells = [number(words, w.answered), median]
        rows.append((week_header(words, w.week), cells))
    columns = [esc(_("Week")), esc(_("Cases answered")), esc(_("Median time to first response"))]
    return Chart(key, "".join(parts), table(key, title, columns, rows), note)
