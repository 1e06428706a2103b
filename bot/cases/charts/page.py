"""The service admins' overview as HTML sections: each chart with its note and its
table (behind a disclosure), the open cases by status now, and the first responses
against the target with the share within it. Pure; the page frame is the web's."""

from __future__ import annotations

from typing import Final

from bot.cases.charts.bars import breakdown_chart, open_cases_chart, week_header
from bot.cases.charts.figures import Breakdown, Category, grouped
from bot.cases.charts.line import first_response_chart
from bot.cases.charts.svg import esc as e
from bot.cases.charts.table import Chart, table
from bot.cases.charts.words import (
    LANGUAGES_TITLE,
    N_,
    OTHER_LABEL,
    TOPICS_TITLE,
    UNDER,
    Words,
    hours,
    language_categories,
    number,
)
from bot.cases.overview import NO_TOPIC, OPEN_STATUSES, Figures, within_share

STATUS: Final = {
    "new": N_("New"),
    "open": N_("In progress"),
    "waiting": N_("Waiting for the person"),
}
TOPICS: Final = {
    "asylum": N_("Asylum procedure"),
    "residence": N_("Residence and papers"),
    "work": N_("Work"),
    "german": N_("German courses"),
    "housing": N_("Housing"),
    "health": N_("Health"),
    "family": N_("Family reunification"),
    "school": N_("School and children"),
    "money": N_("Money and benefits"),
    "violence": N_("Violence and protection"),
    NO_TOPIC: N_("No topic given"),
}


def overview_sections(words: Words, figures: Figures) -> str:
    """Every section of the overview, in reading order."""
    _ = words.gettext
    weeks = len(figures.weeks)
    intro = _(
        "Figures of the last {weeks} weeks. Fewer than 5 cases are never shown, so that no "
        "figure points at a person."
    ).format(weeks=number(words, weeks))
    parts = [f'<p class="note" id="overview-intro">{e(intro)}</p>']
    parts.append(_section("now", _("Open cases now"), _status_table(words, figures)))
    parts.append(_section("open", _("Open cases per week"),
                          _figure(words, open_cases_chart(figures.open_cases, words))))  # fmt: skip
    parts.append(_section("response", _("First response"), _response(words, figures)))
    languages = Breakdown(
        figures.weeks,
        language_categories(words, [c.key for c in figures.languages.categories]),
        figures.languages.counts,
    )
    topics = Breakdown(
        figures.weeks,
        tuple(Category(c.key, _topic(words, c.key)) for c in figures.topics.categories),
        figures.topics.counts,
    )
    other = _(OTHER_LABEL)
    parts.append(_section("languages", _(LANGUAGES_TITLE), _figure(words, breakdown_chart(
        grouped(languages, other), words, _(LANGUAGES_TITLE), key="languages"))))  # fmt: skip
    parts.append(_section("topics", _(TOPICS_TITLE), _figure(words, breakdown_chart(
        grouped(topics, other), words, _(TOPICS_TITLE), key="topics"))))  # fmt: skip
    return "".join(parts)


def _topic(words: Words, key: str) -> str:
    return words.gettext(TOPICS[key]) if key in TOPICS else key


def _section(key: str, heading: str, body: str) -> str:
    return (
        f'<section class="overview" id="{key}" aria-labelledby="{key}-heading">'
        f'<h2 id="{key}-heading">{e(heading)}</h2>{body}</section>'
    )


def _figure(words: Words, chart: Chart) -> str:
    """The picture, its note, and its table behind a disclosure (one keystroke away)."""
    note = f'<p class="chart-note">{e(chart.note)}</p>' if chart.note else ""
    _ = words.gettext
    summary = _("The figures as a table")
    return (
        f'<figure class="chart" id="{chart.key}-figure">{chart.svg}{note}'
        f"<details><summary>{e(summary)}</summary>{chart.table}</details></figure>"
    )


def _status_table(words: Words, figures: Figures) -> str:
    _ = words.gettext
    row = figures.by_status
    cells = [UNDER if n is None else number(words, n) for n in row.cells]
    total = UNDER if row.total is None else number(words, row.total)
    rows = [(e(_(STATUS[s.value])), [cell]) for s, cell in zip(OPEN_STATUSES, cells, strict=True)]
    rows.append((e(_("All open cases")), [total]))
    columns = [e(_("Status")), e(_("Cases"))]
    body = table("status-now", _("Open cases now by status"), columns, rows)
    note = ""
    if row.total is None or None in row.cells:
        note = _("“<5”: fewer than 5 cases, or a figure that would give such a number away.")
        note = f'<p class="chart-note">{e(note)}</p>'
    return body + note


def _response(words: Words, figures: Figures) -> str:
    _ = words.gettext
    chart = figures.first_response()
    if chart is None:
        text = _("This service has set no first-response target, so no time can be set "
                 "against one. The median times are in the table.")  # fmt: skip
        parts = [f'<p class="note" id="no-target">{e(text)}</p>']
    else:
        target = _("Target: {time} within business hours.").format(
            time=hours(words, chart.target_minutes)
        )
        parts = [
            f'<p id="target">{e(target)}</p>',
            _figure(words, first_response_chart(chart, words)),
        ]
    rows = []
    for week in figures.responses:
        hidden = 0 < week.answered < 5
        median = "–" if week.median_minutes is None else hours(words, week.median_minutes)
        share = within_share(week)
        if figures.target_minutes is None:
            shown_share = _("no target")
        else:
            shown_share = (
                UNDER
                if share is None and week.answered
                else ("–" if share is None else f"{number(words, share)} %")
            )
        rows.append((week_header(words, week.week), [
            UNDER if hidden else number(words, week.answered),
            UNDER if hidden else median, shown_share]))  # fmt: skip
    columns = [e(_("Week")), e(_("Cases answered")), e(_("Median time to first response")),
               e(_("Share within the target"))]  # fmt: skip
    parts.append(table("within", _("First responses within the target per week"), columns, rows))
    return "".join(parts)
