"""The charts as drawn: well-formed SVG named and described, bars and points where the
figures put them, hidden counts hidden in picture and table, names escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.cases.charts import (
    LANGUAGES_TITLE,
    TOPICS_TITLE,
    Breakdown,
    Category,
    FirstResponse,
    OpenCases,
    WeekCount,
    WeekResponse,
    breakdown_chart,
    first_response_chart,
    language_categories,
    open_cases_chart,
)
from bot.cases.charts.svg import FSI, PDI
from bot.i18n import STAFF, Catalogs, Translator

SVG = "{http://www.w3.org/2000/svg}"
LOCALES = Path(__file__).resolve().parents[2] / "locales"
WEEKS = tuple(date(2026, 10, 5) + timedelta(weeks=i) for i in range(6))


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs(LOCALES, STAFF.languages, STAFF.name)


@pytest.fixture
def en(catalogs: Catalogs) -> Translator:
    return catalogs["en"]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert title.text and desc.text
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert (
        "<script" not in svg
        and "style=" not in svg
        and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    )
    return root


class Table(HTMLParser):
    """The table's caption, header cells (with scope) and rows of cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.caption = ""
        self.scopes: list[str | None] = []
        self.rows: list[list[str]] = []
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        if tag in ("th", "td", "caption"):
            self._in = tag
            if tag == "th":
                self.scopes.append(dict(attrs).get("scope"))
            if tag != "caption":
                self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td", "caption"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "caption":
            self.caption += data
        elif self._in:
            self.rows[-1][-1] += data


def test_open_cases_bars_are_as_tall_as_their_figures(en: Translator) -> None:
    counts = [12, 3, 0, 18, 25, 7]
    chart = open_cases_chart(OpenCases(tuple(map(WeekCount, WEEKS, counts))), en)
    root = parse(chart.svg)
    assert root[0].text == "Open cases per week"
    bars = {b.get("data-week"): b for b in root.iter(f"{SVG}rect") if b.get("class") == "bar"}
    assert {w: int(b.get("data-value", "")) for w, b in bars.items()} == {
        WEEKS[0].isoformat(): 12,
        WEEKS[2].isoformat(): 0,
        WEEKS[3].isoformat(): 18,
        WEEKS[4].isoformat(): 25,
        WEEKS[5].isoformat(): 7,
    }
    scale = {
        float(b.get("height", "")) / int(b.get("data-value", ""))
        for b in bars.values()
        if b.get("data-value") != "0"
    }
    assert max(scale) - min(scale) < 0.01  # one scale for all
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<5" in texts and "3" not in texts
    table = Table(chart.table)
    assert table.caption == "Open cases per week"
    assert set(table.scopes) == {"col", "row"}
    assert [row[1] for row in table.rows[1:]] == ["12", "<5", "0", "18", "25", "7"]
    assert "fewer than 5" in chart.note and "fewer than 5" in (root[1].text or "")


def test_first_response_points_stand_against_the_target(en: Translator) -> None:
    answered = [6, 2, 0, 9, 10, 7]
    medians = [300, 100, None, 500, 700, 200]
    figures = FirstResponse(tuple(map(WeekResponse, WEEKS, answered, medians)), 480)
    root = parse(first_response_chart(figures, en).svg)
    points = {p.get("data-week"): p for p in root.iter() if p.get("class") == "point"}
    assert {w: int(p.get("data-value", "")) for w, p in points.items()} == {
        WEEKS[0].isoformat(): 300,
        WEEKS[3].isoformat(): 500,
        WEEKS[4].isoformat(): 700,
        WEEKS[5].isoformat(): 200,
    }
    target = next(e for e in root.iter() if e.get("class") == "target")
    ty = float(target.get("y1", ""))

    def y(point: ET.Element) -> float:
        return float(point.get("cy") or float(point.get("y", "")) + 5)

    for point in points.values():
        late = int(point.get("data-value", "")) > 480
        # Over the target: above the line and a square, not a circle.
        assert (y(point) < ty) is late
        assert point.tag == (f"{SVG}rect" if late else f"{SVG}circle")
    # Weeks 1 and 2 have no point: the line breaks there instead of bridging the gap.
    lines = [p.get("points", "").split() for p in root.iter(f"{SVG}polyline")]
    assert [len(line) for line in lines] == [3]
    table = Table(first_response_chart(figures, en).table)
    assert table.rows[2][1:] == ["<5", "<5"] and table.rows[3][1:] == ["0", "–"]
    assert table.rows[1][1:] == ["6", "5.0 h"]


def test_a_breakdown_stacks_the_shown_counts_and_one_hidden_part(en: Translator) -> None:
    cats = (Category("housing", "Housing"), Category("work", "Work"), Category("health", "Health"))
    counts = ((10, 3, 7), (6, 0, 8), (1, 2, 0), (0, 0, 0), (2, 3, 9), (5, 5, 5))
    chart = breakdown_chart(Breakdown(WEEKS, cats, counts), en, TOPICS_TITLE)
    root = parse(chart.svg)
    segments: dict[str, dict[str, int]] = {}
    for s in root.iter(f"{SVG}rect"):
        if s.get("class") == "segment":
            week = segments.setdefault(s.get("data-week", ""), {})
            week[s.get("data-category", "")] = int(s.get("data-value", ""))
    assert segments[WEEKS[0].isoformat()] == {"housing": 10, "hidden": 10}
    assert segments[WEEKS[1].isoformat()] == {"housing": 6, "health": 8}
    assert WEEKS[2].isoformat() not in segments  # 3 people that week: no bar
    assert segments[WEEKS[4].isoformat()] == {"health": 9, "hidden": 5}
    table = Table(chart.table)
    # Largest over the whole time first.
    assert table.rows[0] == ["Week", "Health", "Housing", "Work", "Total"]
    assert [row[1:] for row in table.rows[1:]] == [
        ["hidden", "10", "hidden", "20"],
        ["8", "6", "0", "14"],
        ["0", "<5", "<5", "<5"],
        ["0", "0", "0", "0"],
        ["9", "hidden", "hidden", "14"],
        ["5", "5", "5", "15"],
    ]
    # The stack is as tall as the week's total, on the same scale as the others.
    heights: dict[str, float] = {}
    for s in root.iter(f"{SVG}rect"):
        if s.get("class") == "segment":
            day = s.get("data-week", "")
            heights[day] = heights.get(day, 0) + float(s.get("height", ""))
    assert heights[WEEKS[0].isoformat()] / 20 == pytest.approx(
        heights[WEEKS[5].isoformat()] / 15, abs=0.01
    )


def test_names_are_escaped_everywhere(en: Translator) -> None:
    cats = (Category("x", '<script>alert("x")</script> & Co'), Category("y", "Work"))
    chart = breakdown_chart(Breakdown(WEEKS[:1], cats, ((9, 6),)), en, TOPICS_TITLE)
    root = parse(chart.svg)
    assert "<script>" not in chart.html()
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "legend"]
    assert '<script>alert("x")</script> & Co' in legend
    assert Table(chart.table).rows[0][1] == '<script>alert("x")</script> & Co'


def test_languages_carry_their_own_name_isolated(en: Translator) -> None:
    cats = language_categories(en, ["fa", "uk", "en"])
    chart = breakdown_chart(Breakdown(WEEKS[:1], cats, ((9, 6, 5),)), en, LANGUAGES_TITLE)
    root = parse(chart.svg)
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "legend"]
    assert f"Persian ({FSI}فارسی{PDI})" in legend and "English" in legend
    assert '<bdi lang="fa">فارسی</bdi>' in chart.table
    assert "English <bdi" not in chart.table  # no second name where it is the same


def test_the_charts_speak_german(catalogs: Catalogs) -> None:
    de = catalogs["de"]
    figures = FirstResponse(tuple(map(WeekResponse, WEEKS, [6] * 6, [90] * 6)), 480)
    chart = first_response_chart(figures, de)
    root = parse(chart.svg)
    assert root[0].text == "Zeit bis zur ersten Antwort pro Woche"
    assert "Ziel: 8,0 Std." in chart.svg and "1,5 Std." in chart.svg
    assert "5. Okt." in chart.svg
    assert re.search(r"in 6 von 6 Wochen innerhalb des Ziels", root[1].text or "")
    cats = language_categories(de, ["ar"])
    table = breakdown_chart(Breakdown(WEEKS[:1], cats, ((7,),)), de, LANGUAGES_TITLE).table
    assert "Neue Fälle pro Sprache und Woche" in table and "Arabisch" in table


def test_two_charts_on_one_page_keep_their_own_patterns(en: Translator) -> None:
    cats = (Category("a", "A"), Category("b", "B"))
    one = breakdown_chart(Breakdown(WEEKS[:1], cats, ((9, 6),)), en, TOPICS_TITLE, key="topics")
    two = breakdown_chart(Breakdown(WEEKS[:1], cats, ((9, 6),)), en, LANGUAGES_TITLE, key="langs")
    ids = re.findall(r'id="([^"]+)"', one.html() + two.html())
    assert len(ids) == len(set(ids))


def test_the_legend_names_the_hidden_part_only_where_one_is_drawn(en: Translator) -> None:
    cats = (Category("a", "A"), Category("b", "B"))
    small_week = breakdown_chart(Breakdown(WEEKS[:2], cats, ((9, 6), (1, 2))), en, TOPICS_TITLE)
    legend = [
        t.text for t in parse(small_week.svg).iter(f"{SVG}text") if t.get("class") == "legend"
    ]
    assert legend == ["A", "B"] and "<5" in small_week.note
    complement = breakdown_chart(Breakdown(WEEKS[:1], cats, ((9, 2),)), en, TOPICS_TITLE)
    legend = [
        t.text for t in parse(complement.svg).iter(f"{SVG}text") if t.get("class") == "legend"
    ]
    assert legend == ["A", "B", "hidden"]
