"""axe-core on every office page and on the accessibility statement, in real Chromium:
any violation fails. The office pages in German and English (login, a failed login, the
list, an invitation, not found, the CSV upload with its report, the letters with an
earlier print file, a refused form); the statement and the privacy notice in German,
Arabic and Tigrinya."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, FilePayload, Page, expect

from bot.kernel.types import Channel
from bot.runtime.services import Services
from tests.support.axe import assert_accessible
from tests.support.office_page import (
    BAD_ROW,
    EMAIL,
    GOOD_ROW,
    PASSWORD,
    as_csv,
    invite,
    seed_office,
)

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

#: The words the test clicks on, per language.
WORDS = {
    "de": {"email": "E-Mail-Adresse", "password": "Passwort", "login": "Anmelden",
           "upload": "Hochladen und prüfen", "download": "Druckdatei herunterladen"},
    "en": {"email": "E-mail address", "password": "Password", "login": "Log in",
           "upload": "Upload and check", "download": "Download the print file"},
}  # fmt: skip


async def open_page(browser: Browser, locale: str, problems: list[str]) -> Page:
    context = await browser.new_context(locale=locale, accept_downloads=True)
    page = await context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return page


async def check(page: Page, where: str, lang: str) -> None:
    assert await page.get_attribute("html", "lang") == lang, where
    await assert_accessible(page, where)


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_every_office_page(
    base_url: str, browser: Browser, services: Services, lang: str
) -> None:
    words = WORDS[lang]
    office_id, _ = await seed_office(services)
    letter = await invite(services, office_id, "AZ-1")
    await invite(services, office_id, "SMS-1", channels=(Channel.SMS,))  # fails: no SMS
    problems: list[str] = []
    page = await open_page(browser, {"de": "de-DE", "en": "en-GB"}[lang], problems)

    await page.goto(base_url + "/office/login")
    await check(page, "the login page", lang)
    await page.get_by_label(words["email"]).fill(EMAIL)
    await page.get_by_label(words["password"]).fill("falsch-aber-lang")
    await page.get_by_role("button", name=words["login"]).click()
    await expect(page.locator("#login-error")).to_be_visible()
    await check(page, "the login page after a wrong password", lang)
    await page.get_by_label(words["password"]).fill(PASSWORD)
    await page.get_by_role("button", name=words["login"]).click()
    await expect(page).to_have_url(base_url + "/office")
    await check(page, "the list", lang)

    await page.goto(base_url + f"/office/invitations/{letter}")
    await check(page, "an invitation", lang)
    await page.goto(base_url + "/office/invitations/nothing-here")
    await check(page, "an invitation not found", lang)

    await page.goto(base_url + "/office/upload")
    await check(page, "the upload form", lang)
    upload: FilePayload = {
        "name": "liste.csv", "mimeType": "text/csv", "buffer": as_csv(GOOD_ROW, BAD_ROW),
    }  # fmt: skip
    await page.locator("#file").set_input_files(files=[upload])
    await page.get_by_role("button", name=words["upload"]).click()
    await expect(page.locator("#report-rows tbody tr")).to_have_count(2)
    await check(page, "the upload report", lang)

    await page.goto(base_url + "/office/letters")
    await check(page, "the letters waiting for print", lang)
    async with page.expect_download():
        await page.get_by_role("button", name=words["download"]).click()
    await page.goto(base_url + "/office/letters")
    await expect(page.locator("#batches")).to_be_visible()
    await check(page, "the letters with an earlier print file", lang)

    # A form whose CSRF token is wrong: the refusal page.
    await page.evaluate(
        """() => { const form = document.querySelector('form[action="/office/letters/reprint"]');
        form.querySelector('[name=csrf]').value = 'wrong'; form.submit(); }"""
    )
    await expect(page.locator("p[role=alert]")).to_be_visible()
    await check(page, "the refused form", lang)
    assert problems == []


@pytest.mark.parametrize("lang", ["de", "ar", "ti"])
@pytest.mark.parametrize("path", ["/accessibility", "/privacy"])
async def test_the_public_pages(base_url: str, browser: Browser, path: str, lang: str) -> None:
    """The accessibility statement and the full privacy notice (which SMS link to)."""
    problems: list[str] = []
    page = await open_page(browser, "de-DE", problems)
    await page.goto(base_url + f"{path}?lang={lang}")
    await check(page, f"{path} ({lang})", lang)
    assert problems == []


async def test_the_statement_at_phone_size(base_url: str, browser: Browser) -> None:
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await page.goto(base_url + "/accessibility?lang=ar")
    await assert_accessible(page, "the accessibility statement (ar) at phone size")
    width: Any = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the screen
