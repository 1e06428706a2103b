"""A request letter in the chat page (real Chromium, in Arabic): from "Who holds my data"
to the AZR, each part typed in the page's text field, the letter's link under the last
message, its PDF downloaded and read back; the page stays accessible."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from bot.runtime.services import Services
from tests.support.axe import assert_accessible
from tests.support.chat_page import open_chat
from tests.support.rights_channels import TO_AZR, TYPED, in_letter, pdf_text
from tests.web.chat.test_page import onboard

pytestmark = [pytest.mark.browser, pytest.mark.one_database]


async def click(page: Page, choice: str) -> None:
    """Click a choice and wait until the next buttons replaced the old ones."""
    old = await page.locator(".choices").element_handle()
    await page.click(f"button[data-choice='{choice}']")
    await page.wait_for_function("box => !box.isConnected", arg=old)
    await expect(page.locator(".choices button").first).to_be_visible()


async def write(page: Page, text: str) -> None:
    """Type into the chat's text field and send; wait for the next buttons."""
    old = await page.locator(".choices").element_handle()
    await page.fill("#text", text)
    await page.press("#text", "Enter")
    await page.wait_for_function("box => !box.isConnected", arg=old)
    await expect(page.locator(".choices button").first).to_be_visible()


async def test_the_letter_link_in_the_chat_page_downloads_the_pdf(
    base_url: str, browser: Browser, services: Services
) -> None:
    problems: list[str] = []
    page = await open_chat(browser, base_url + "?lang=ar", problems, locale="ar")
    await onboard(page)
    for choice in (*TO_AZR, "access", "agree"):
        await click(page, choice)
    for _, text in TYPED:
        await write(page, text)

    links = page.locator(".msg.bot .files a")
    await expect(links).to_have_count(1)
    bubble = page.locator(".msg.bot:has(.files)")
    assert await bubble.get_attribute("lang") == "ar"
    ar = services.catalogs["ar"]
    ready = ar.gettext("Your letter is ready. Open it with the link below. It works only in "
                       "this chat, until {time}.").split("{time}")[0].strip()  # fmt: skip
    await expect(bubble).to_contain_text(ready)
    async with page.expect_download() as info:
        await links.first.click()
    download = await info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = await asyncio.to_thread(Path(await download.path()).read_bytes)
    assert pdf.startswith(b"%PDF")
    in_letter(await asyncio.to_thread(pdf_text, pdf))

    await assert_accessible(page, "the chat with a request letter's link (ar)")
    assert problems == []
