"""The office web page in a real headless Chromium: log in, counts and the table, a
status filter, a CSV upload with progress and its per-row report (with and without
JavaScript), an invitation's timeline, and logging out. Any console error (a
Content-Security-Policy violation, say) fails the test."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, FilePayload, Page, expect

from bot.invitations.status import InvitationStatus
from bot.kernel.types import Channel
from bot.runtime.services import Services
from tests.support.office_page import (
    BAD_ROW,
    EMAIL,
    GOOD_ROW,
    LOGIN_FAILED,
    NAME,
    PASSWORD,
    as_csv,
    invite,
    seed_office,
)

pytestmark = pytest.mark.browser


async def open_page(browser: Browser, problems: list[str], **options: Any) -> Page:
    context = await browser.new_context(reduced_motion="reduce", locale="de-DE", **options)
    page = await context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return page


def csv_file(content: bytes) -> FilePayload:
    return {"name": "liste.csv", "mimeType": "text/csv", "buffer": content}


async def log_in(page: Page, base_url: str) -> None:
    await page.goto(base_url + "/office")
    await expect(page).to_have_url(base_url + "/office/login?ended=1")
    await page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await expect(page).to_have_url(base_url + "/office")


async def test_office_page(base_url: str, browser: Browser, services: Services) -> None:
    office_id, _ = await seed_office(services)
    letter = await invite(services, office_id, "AZ-1")
    await invite(services, office_id, "SMS-1", channels=(Channel.SMS,))  # fails: no SMS here
    await invite(services, office_id, "SENT-1", status=InvitationStatus.SENT)
    problems: list[str] = []
    page = await open_page(browser, problems)

    # A wrong password first: the generic message, the e-mail address kept.
    await page.goto(base_url + "/office/login")
    await page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    await page.get_by_label("Passwort").fill("falsch-aber-lang")
    await page.get_by_role("button", name="Anmelden").click()
    await expect(page.locator("#login-error")).to_have_text(LOGIN_FAILED)
    await expect(page.get_by_label("E-Mail-Adresse")).to_have_value(EMAIL)
    assert problems == [
        "Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    ]
    problems.clear()
    await log_in(page, base_url)

    counts = page.locator("nav.counts")
    await expect(counts.locator('[data-status="all"] .count')).to_have_text("3")
    await expect(counts.locator('[data-status="failed"] .count')).to_have_text("1")
    await expect(counts.locator('[data-status="connected"] .count')).to_have_text("0")
    rows = page.locator("#invitations tbody tr")
    await expect(rows).to_have_count(3)
    assert NAME not in await page.content()

    await counts.get_by_role("link", name="Fehlgeschlagen").click()
    await expect(page).to_have_url(base_url + "/office?status=failed")
    await expect(rows).to_have_count(1)
    await expect(rows.first.locator("th")).to_have_text("SMS-1")
    await expect(counts.locator('[data-status="failed"]')).to_have_attribute("aria-current", "true")
    await page.get_by_role("link", name="Alle").click()
    await page.get_by_label("Aktenzeichen suchen").fill("sent")
    await page.get_by_role("button", name="Suchen").click()
    await expect(rows).to_have_count(1)
    await expect(rows.first.locator("th")).to_have_text("SENT-1")

    # The timeline of the letter invitation.
    await page.get_by_role("link", name="Zurücksetzen").click()
    await page.get_by_role("link", name="AZ-1").click()
    await expect(page).to_have_url(base_url + f"/office/invitations/{letter}")
    timeline = page.locator("#timeline li")
    await expect(timeline).to_have_count(2)
    await expect(timeline.first).to_contain_text("Angelegt")
    await expect(timeline.nth(1)).to_contain_text("Versand vorbereitet")

    # Upload with the script: progress shown, the report put in place, focus on it.
    await page.get_by_role("link", name="CSV hochladen").click()
    await page.evaluate(
        """() => { window.sawProgress = false;
        new MutationObserver(() => { const box = document.querySelector('#progress');
          if (box && !box.hidden) window.sawProgress = true; })
        .observe(document.body, {subtree: true, attributes: true, childList: true}); }"""
    )
    await page.get_by_label("CSV-Datei").set_input_files(
        files=[csv_file(as_csv(GOOD_ROW, BAD_ROW))]
    )
    await page.get_by_role("button", name="Hochladen und prüfen").click()
    summary = page.locator("#summary")
    await expect(summary).to_have_text("2 Zeilen: 1 angelegt, 0 schon vorhanden, 1 mit Fehler.")
    assert await page.evaluate("window.sawProgress") is True
    assert await page.evaluate("document.activeElement.id") == "report-title"
    report = page.locator("#report-rows tbody tr")
    await expect(report).to_have_count(2)
    await expect(report.nth(0)).to_have_attribute("data-outcome", "created")
    await expect(report.nth(1)).to_have_attribute("data-outcome", "error")
    await expect(report.nth(1).locator("td").nth(2)).to_have_text("language")

    # The new invitation is in the list; then log out.
    await page.get_by_role("link", name="Einladungen").click()
    await expect(rows).to_have_count(4)
    await page.get_by_role("button", name="Abmelden").click()
    await expect(page).to_have_url(base_url + "/office/login?bye=1")
    await expect(page.get_by_role("status")).to_have_text("Sie sind abgemeldet.")
    await page.goto(base_url + "/office")
    await expect(page).to_have_url(base_url + "/office/login?ended=1")
    assert problems == []


async def test_upload_without_javascript(
    base_url: str, browser: Browser, services: Services
) -> None:
    await seed_office(services)
    problems: list[str] = []
    page = await open_page(browser, problems, java_script_enabled=False)
    await log_in(page, base_url)
    await page.goto(base_url + "/office/upload")
    await page.get_by_label("CSV-Datei").set_input_files(files=[csv_file(as_csv(GOOD_ROW))])
    await page.get_by_role("button", name="Hochladen und prüfen").click()
    await expect(page.locator("#summary")).to_have_text(
        "1 Zeile: 1 angelegt, 0 schon vorhanden, 0 mit Fehler."
    )
    await expect(page.locator("#report-rows tbody tr")).to_have_count(1)
    assert problems == []
