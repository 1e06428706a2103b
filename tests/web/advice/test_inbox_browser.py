"""The inbox and a case page in real Chromium, German and English: axe-core finds no
violation (list, case page with thread and forms, not found), the skip link is the first
stop of the keyboard and leads into the content, the forms work from the keyboard, and
"overdue" is a word, not only a colour."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import update

from bot.cases import Field, person_wrote
from bot.db.models import Case
from bot.runtime.services import Services
from tests.support.axe import assert_accessible
from tests.support.cases import (
    DESCRIPTION,
    FIRST_NAME,
    PASSWORD,
    handed_off,
    new_person,
    seed_world,
)

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

WORDS = {
    "de": {"email": "E-Mail-Adresse", "password": "Passwort", "login": "Anmelden",
           "overdue": "Überfällig", "note": "Neue Notiz", "add": "Notiz hinzufügen",
           "added": "Die Notiz wurde hinzugefügt."},
    "en": {"email": "E-mail address", "password": "Password", "login": "Log in",
           "overdue": "Overdue", "note": "New note", "add": "Add note",
           "added": "The note was added."},
}  # fmt: skip


async def check(page: Page, where: str, lang: str) -> None:
    assert await page.get_attribute("html", "lang") == lang, where
    await assert_accessible(page, where)


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_the_inbox_in_chromium(
    base_url: str, browser: Browser, services: Services, lang: str
) -> None:
    words = WORDS[lang]
    await seed_world(services)
    person = await new_person(services)
    values = {Field.FIRST_NAME: FIRST_NAME, Field.DESCRIPTION: DESCRIPTION}
    number = await handed_off(services, person, values=values)
    now = services.clock()
    async with services.sessionmaker() as session, session.begin():
        await session.execute(update(Case).where(Case.id == number)
                              .values(first_response_due=now - timedelta(hours=2)))  # fmt: skip
        await person_wrote(session, services.vault, person, number, "مرحبا، عندي سؤال", now)
    problems: list[str] = []
    context = await browser.new_context(locale={"de": "de-DE", "en": "en-GB"}[lang])
    page = await context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    await page.goto(base_url + f"/office/login?lang={lang}")
    await page.get_by_label(words["email"]).fill("advisor@svc-a.example")
    await page.get_by_label(words["password"]).fill(PASSWORD)
    await page.get_by_role("button", name=words["login"]).click()
    await expect(page).to_have_url(base_url + "/advice/inbox")
    await check(page, "the inbox", lang)
    await expect(page.locator("tbody .badge.overdue")).to_contain_text(words["overdue"])

    # The keyboard's first stop is the skip link; it leads into the content.
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.className") == "skip"
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(base_url + "/advice/inbox#main")

    await page.locator(f'a[href="/advice/cases/{number}"]').click()
    await expect(page.locator("h1")).to_contain_text(str(number))
    await check(page, "a case", lang)

    # A note, written and sent from the keyboard alone.
    await page.get_by_label(words["note"]).focus()
    await page.keyboard.type("Rückruf Montag")
    await page.keyboard.press("Tab")  # past the hint to the button
    await page.keyboard.press("Enter")
    await expect(page.locator("p[role=status]")).to_have_text(words["added"])
    await check(page, "a case after a note", lang)

    await page.goto(base_url + "/advice/cases/999999")
    await check(page, "a case not found", lang)
    assert problems == []
