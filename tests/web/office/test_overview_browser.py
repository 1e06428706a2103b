"""The service admins' overview in real Chromium: axe-core finds nothing (German and
English, a table opened too), each chart is one named image, and the page works with
the keyboard alone: the service picker, and each chart's table behind its disclosure."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from bot.runtime.services import Services
from bot.staff import StaffRole, create_advisor
from tests.support.axe import assert_accessible
from tests.support.cases import PASSWORD
from tests.support.clock import Clock
from tests.support.overview import casework

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

WORDS = {
    "de": {"email": "E-Mail-Adresse", "password": "Passwort", "login": "Anmelden",
           "table": "Die Zahlen als Tabelle", "service": "Beratungsstelle",
           "open": "Offene Fälle pro Woche"},
    "en": {"email": "E-mail address", "password": "Password", "login": "Log in",
           "table": "The figures as a table", "service": "Service",
           "open": "Open cases per week"},
}  # fmt: skip


async def _login(page: Page, base_url: str, lang: str, email: str) -> None:
    words = WORDS[lang]
    await page.goto(base_url + "/office/login")
    await page.get_by_label(words["email"]).fill(email)
    await page.get_by_label(words["password"]).fill(PASSWORD)
    await page.get_by_role("button", name=words["login"]).click()
    await page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_the_overview_passes_axe_and_works_by_keyboard(
    base_url: str, browser: Browser, services: Services, clock: Clock, lang: str
) -> None:
    words = WORDS[lang]
    work = await casework(services, clock)
    async with services.sessionmaker() as session, session.begin():
        await create_advisor(session, "leitung@example.org", PASSWORD,
                             role=StaffRole.SERVICE_ADMIN, services=["svc-a", "svc-b"],
                             languages=["de"])  # fmt: skip
    context = await browser.new_context(locale={"de": "de-DE", "en": "en-GB"}[lang])
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(request.url))
    await _login(page, base_url, lang, "leitung@example.org")
    await page.goto(base_url + f"/advice/overview?service={work.service_id}")
    assert await page.get_attribute("html", "lang") == lang
    await assert_accessible(page, f"the overview ({lang})")
    assert await page.get_by_role("img").count() == 4
    assert await page.get_by_role("img", name=words["open"], exact=True).count() == 1
    # Only the status table shows at first; the charts' tables wait behind disclosures.
    tables = page.locator("table.chart-table")
    await expect(tables.first).to_be_visible()
    await expect(page.locator("#open-cases-table")).to_be_hidden()
    # By keyboard: focus the first disclosure and open it.
    summary = page.get_by_text(words["table"]).first
    await summary.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#open-cases-table")).to_be_visible()
    await assert_accessible(page, f"the overview with a table open ({lang})")
    # The picker, by keyboard: choose the other service and submit.
    picker = page.get_by_label(words["service"], exact=True)
    await picker.focus()
    await page.keyboard.press("Home")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await page.wait_for_load_state()
    await expect(page.locator("h1")).to_contain_text("Beispiel-Flüchtlingsberatung B")
    await assert_accessible(page, f"the overview of a quiet service ({lang})")
    assert problems == []
    await context.close()
