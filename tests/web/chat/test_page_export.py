"""The export of the person's data in the chat page (real Chromium): its links appear
under the message, in the conversation's language, download the two files, and the
page stays accessible; the page a short link opens, and the one for a link that does
not work, are accessible too."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select, update

from bot.db.models import Contact, Person
from bot.kernel.types import Channel
from bot.mydata import build_export, issue
from bot.runtime.services import Services
from tests.support.axe import assert_accessible
from tests.support.chat_page import MENU, open_chat
from tests.support.clock import Clock
from tests.support.connect import person_on
from tests.web.chat.test_page import choose, onboard

pytestmark = [pytest.mark.browser, pytest.mark.one_database]


async def test_the_export_links_in_the_chat_page(
    base_url: str, browser: Browser, services: Services
) -> None:
    problems: list[str] = []
    page = await open_chat(browser, base_url + "?lang=ar", problems, locale="ar")
    await onboard(page)
    await choose(page, "my_data", ["history", "holders", "correct", "export", "move", "back"])
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


async def test_the_short_link_page_and_the_page_for_a_link_that_does_not_work(
    base_url: str, browser: Browser, services: Services, clock: Clock
) -> None:
    person, _ = await person_on(services, Channel.SMS, "+4915112345678")
    async with services.sessionmaker() as session, session.begin():
        await session.execute(update(Person).where(Person.id == person).values(language="fa"))
        contact_id = await session.scalar(select(Contact.id).where(Contact.person_id == person))
        assert contact_id is not None
        document = await build_export(
            session, person, settings=services.settings, vault=services.vault,
            catalogs=services.catalogs, operator=services.operator.name, now=clock(),
        )  # fmt: skip
        issued = await issue(
            session, services.vault, person_id=person, contact_id=contact_id,
            channel=Channel.SMS, lang="fa", document=document, settings=services.settings,
            now=clock(),
        )  # fmt: skip
    assert issued.link is not None
    site = base_url.removesuffix("/chat")
    link = site + issued.link.removeprefix(services.settings.public_url)
    page = await (await browser.new_context(locale="fa")).new_page()
    assert (response := await page.goto(link)) is not None and response.status == 200
    assert await page.evaluate("[document.documentElement.lang, document.dir]") == ["fa", "rtl"]
    await expect(page.locator("main li a")).to_have_count(2)
    await assert_accessible(page, "the page of a short link to an export (fa)")

    gone = await (await browser.new_context(locale="ar")).new_page()
    assert (response := await gone.goto(site + "/d/" + "A" * 22)) is not None
    assert response.status == 404
    assert await gone.evaluate("[document.documentElement.lang, document.dir]") == ["ar", "rtl"]
    await assert_accessible(gone, "the page of a link that does not work (ar)")
