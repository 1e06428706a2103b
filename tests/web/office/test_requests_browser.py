"""The office's requests in real Chromium, in German and English: reached and used with
the keyboard alone (Tab, Enter, Space and the arrow keys; no clicks), an extension and
an answer recorded, a refused form with its problem said, and axe-core on every page
(the list, the empty tab, a request, a refused form, a saved one, not found). Any console
error (a Content-Security-Policy violation, say) fails the test."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from bot.runtime.services import Services
from tests.support.axe import assert_accessible
from tests.support.clock import Clock
from tests.support.office_page import EMAIL, PASSWORD, seed_office
from tests.support.office_requests import link_office, sent_to_office

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

WORDS = {
    "de": {"email": "E-Mail-Adresse", "password": "Passwort", "login": "Anmelden",
           "section": "Anträge", "done": "Beantwortet", "saved": "Die Verlängerung ist "
           "eingetragen. Lotse teilt sie der Person mit.", "answered": "Die Antwort ist "
           "eingetragen. Lotse teilt sie der Person mit.", "no reasons": "Bitte geben Sie "
           "die Gründe für die teilweise Antwort oder die Ablehnung an.",
           "extended": "Verlängert", "refused": "Abgelehnt", "empty": "Hier gibt es keine "
           "Anträge."},
    "en": {"email": "E-mail address", "password": "Password", "login": "Log in",
           "section": "Requests", "done": "Answered", "saved": "The extension is recorded. "
           "Lotse tells the person.", "answered": "The answer is recorded. Lotse tells the "
           "person.", "no reasons": "Please give the reasons for a partial answer or a "
           "refusal.", "extended": "Extended", "refused": "Refused",
           "empty": "No requests here."},
}  # fmt: skip


async def open_page(browser: Browser, locale: str, problems: list[str]) -> Page:
    context = await browser.new_context(locale=locale, reduced_motion="reduce")
    page = await context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return page


async def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Tab (forwards) until the element `selector` has the focus."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


async def check(page: Page, where: str, lang: str) -> None:
    assert await page.get_attribute("html", "lang") == lang, where
    await assert_accessible(page, where)


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_requests_by_keyboard_with_axe(
    base_url: str, browser: Browser, services: Services, clock: Clock, lang: str
) -> None:
    words = WORDS[lang]
    office_id, _ = await seed_office(services)
    link_office(services)
    first = await sent_to_office(services, clock, office_id)
    second = await sent_to_office(services, clock, office_id, kind="correction",
                                  address="+4915199999999")  # fmt: skip
    problems: list[str] = []
    page = await open_page(browser, {"de": "de-DE", "en": "en-GB"}[lang], problems)
    await page.goto(base_url + "/office/login")
    await page.get_by_label(words["email"]).fill(EMAIL)
    await page.get_by_label(words["password"]).fill(PASSWORD)
    await page.get_by_label(words["password"]).press("Enter")
    await expect(page).to_have_url(base_url + "/office")

    # To the section and into the first request, with the keyboard.
    await tab_to(page, 'a[href="/office/requests"]')
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(base_url + "/office/requests")
    await expect(page.locator("#requests tbody tr")).to_have_count(2)
    await check(page, "the list of requests", lang)
    await tab_to(page, f'a[href="/office/requests/{first}"]')
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(base_url + f"/office/requests/{first}")
    await expect(page.locator("#proof li").first).to_be_visible()
    await check(page, "a request", lang)

    # The extension: the date stays today; reasons typed; sent with Enter on the button.
    await tab_to(page, "#extension-reasons")
    await page.keyboard.type("Die Akte liegt beim Gericht.")
    await tab_to(page, 'form[action$="/extension"] button')
    await page.keyboard.press("Enter")
    await expect(page.locator("#saved")).to_have_text(words["saved"])
    await expect(page.locator("#clock")).to_contain_text(words["extended"])
    await check(page, "a request after its extension", lang)

    # The answer: a refusal without reasons is refused and says why, focusable after.
    await tab_to(page, "#outcome-done")
    await page.keyboard.press("ArrowDown")  # done → partly
    await page.keyboard.press("ArrowDown")  # partly → refused
    assert await page.locator("#outcome-refused").is_checked()
    await tab_to(page, 'form[action$="/answer"] button')
    await page.keyboard.press("Enter")
    await expect(page.locator("#answer-error")).to_have_text(words["no reasons"])
    await expect(page.locator("#answer-note")).to_have_attribute("aria-invalid", "true")
    await check(page, "a refused answer", lang)
    assert await page.locator("#outcome-refused").is_checked()  # kept
    await tab_to(page, "#answer-note")
    await page.keyboard.type("Die Daten stammen von der Polizei; § 34 Abs. 3 AZRG.")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await expect(page.locator("#saved")).to_have_text(words["answered"])
    await expect(page.locator("#clock")).to_contain_text(words["refused"])
    await check(page, "a request answered", lang)

    await page.goto(base_url + "/office/requests?show=done")
    await expect(page.locator("#requests tbody tr")).to_have_count(1)
    await check(page, "the answered requests", lang)
    await page.goto(base_url + f"/office/requests/{second}")
    await expect(page.locator('fieldset input[name="named"]')).to_have_count(2)
    await check(page, "a correction", lang)
    await page.goto(base_url + "/office/requests/999999")
    await check(page, "a request not found", lang)
    assert problems == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)",
        "Failed to load resource: the server responded with a status of 404 (Not Found)",
    ]


async def test_the_empty_list(base_url: str, browser: Browser, services: Services) -> None:
    await seed_office(services)
    problems: list[str] = []
    page = await open_page(browser, "de-DE", problems)
    await page.goto(base_url + "/office/login")
    await page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await page.goto(base_url + "/office/requests")
    await expect(page.locator("#empty")).to_have_text(WORDS["de"]["empty"])
    await check(page, "no requests", "de")
    assert problems == []
