"""The overview's charts in real Chromium: axe-core finds nothing on a page holding them
and their tables, in German and English, and each chart is one named image."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser

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
from bot.i18n import STAFF, Catalogs
from tests.support.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

LOCALES = Path(__file__).resolve().parents[2] / "locales"
WEEKS = tuple(date(2026, 9, 28) + timedelta(weeks=i) for i in range(9))


def page_html(lang: str) -> str:
    words = Catalogs(LOCALES, STAFF.languages, STAFF.name)[lang]
    codes = ["ar", "fa", "uk", "ti", "ps", "so", "tr", "ckb"]
    counts = tuple(tuple((w * 3 + c * 5) % 11 for c in range(len(codes))) for w in range(9))
    topics = (Category("housing", "Wohnen & Miete"), Category("work", "Arbeit <Job>"))
    charts = [
        open_cases_chart(
            OpenCases(tuple(map(WeekCount, WEEKS, [12, 3, 0, 18, 25, 7, 5, 4, 30]))), words
        ),
        first_response_chart(
            FirstResponse(
                tuple(
                    map(
                        WeekResponse,
                        WEEKS,
                        [6, 2, 0, 9, 10, 7, 5, 12, 8],
                        [300, 100, None, 500, 700, 200, 260, 800, 400],
                    )
                ),
                480,
            ),
            words,
        ),
        breakdown_chart(
            Breakdown(WEEKS, language_categories(words, codes), counts),
            words,
            LANGUAGES_TITLE,
            key="languages",
        ),
        breakdown_chart(
            Breakdown(WEEKS, topics, tuple((w + 4, 9 - w) for w in range(9))),
            words,
            TOPICS_TITLE,
            key="topics",
        ),
    ]
    body = "".join(chart.html() for chart in charts)
    return (
        f'<!doctype html><html lang="{lang}" dir="ltr"><head><meta charset="utf-8">'
        f"<title>Lotse</title></head><body><main><h1>Lotse</h1>{body}</main></body></html>"
    )


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_the_charts_and_their_tables_pass_axe(browser: Browser, lang: str) -> None:
    page = await browser.new_page()
    await page.set_content(page_html(lang))
    await assert_accessible(page, f"the overview charts ({lang})")
    images = page.get_by_role("img")
    assert await images.count() == 4
    first = images.first
    assert await first.get_attribute("aria-labelledby") == "open-cases-title"
    title = "Offene Fälle pro Woche" if lang == "de" else "Open cases per week"
    assert await page.get_by_role("img", name=title, exact=True).count() == 1
    assert await page.get_by_role("table").count() == 4
    # Each chart is one image to assistive technology: its marks are not read one by one.
    snapshot = await page.locator("svg").first.aria_snapshot()
    assert len(snapshot.splitlines()) == 1 and "img" in snapshot
    await page.close()
