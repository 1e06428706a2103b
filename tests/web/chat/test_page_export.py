"""The export of the person's data in the chat page (real Chromium): its links appear
under the message, in the conversation's language, download the two files, and the
page stays accessible."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from bot.runtime.services import Services
from tests.support.axe import assert_accessible
from tests.support.chat_page import MENU, open_chat
from tests.web.chat.test_page import choose, onboard

pytestmark = pytest.mark.browser


async def test_the_export_links_in_the_chat_page(
    base_url: str, browser: Browser, services: Services
) -> None:
    problems: list[str] = []
    page = await open_chat(browser, base_url + "?lang=ar", problems, locale="ar")
    await onboard(page)
    await choose(page, "my_data", ["history", "export", "back"])
    await choose(page, "export", ["yes", "back"])
    await choose(page, "yes", MENU)

    links = page.locator(".msg.bot .files a")
    await expect(links).to_have_count(2)
    ar = services.catalogs["ar"]
    labels = [await link.inner_text() for link in await links.all()]
    assert labels == [ar.gettext("Your data (PDF, to read)"),
                      ar.gettext("Your data (JSON, for other services)")]  # fmt: skip
    bubble = page.locator(".msg.bot:has(.files)")
    assert await bubble.get_attribute("lang") == "ar"
    assert await bubble.evaluate("el => getComputedStyle(el).direction") == "rtl"

    async with page.expect_download() as info:
        await links.nth(1).click()
    download = await info.value
    assert download.suggested_filename == "lotse-my-data.json"
    saved = await download.path()
    document = json.loads(await asyncio.to_thread(Path(saved).read_text, encoding="utf-8"))
    assert document["format"] == "lotse.my-data-export/1"
    async with page.expect_download() as info:
        await links.nth(0).click()
    pdf = await (await info.value).path()
    assert (await asyncio.to_thread(Path(pdf).read_bytes)).startswith(b"%PDF")

    await assert_accessible(page, "the chat with the export's links (ar)")
    assert problems == []
