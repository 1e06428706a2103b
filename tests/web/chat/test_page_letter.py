"""The page a request letter's short link opens, and the one for a link that does not
work (real Chromium): in the person's language and script, accessible."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import update

from bot.db.models import Person
from bot.kernel.types import Channel
from bot.runtime.services import Services
from tests.support.axe import assert_accessible
from tests.support.clock import Clock
from tests.support.connect import person_on
from tests.web.test_rights_links import letter_for

pytestmark = [pytest.mark.browser, pytest.mark.one_database]


@pytest.mark.parametrize(("lang", "way"), [("ti", "ltr"), ("ckb", "rtl")])
async def test_the_letter_link_page_and_the_page_for_a_link_that_does_not_work(
    base_url: str, browser: Browser, services: Services, clock: Clock, lang: str, way: str
) -> None:
    person, _ = await person_on(services, Channel.SMS, "+4915112345678")
    async with services.sessionmaker() as session, session.begin():
        await session.execute(update(Person).where(Person.id == person).values(language=lang))
    issued = await letter_for(services, clock, person, Channel.SMS)
    assert issued.link is not None
    site = base_url.removesuffix("/chat")
    page = await (await browser.new_context(locale=lang)).new_page()
    response = await page.goto(site + issued.link.removeprefix(services.settings.public_url))
    assert response is not None and response.status == 200
    assert await page.evaluate("[document.documentElement.lang, document.dir]") == [lang, way]
    await expect(page.locator("main a[download]")).to_have_count(1)
    await assert_accessible(page, f"the page of a short link to a request letter ({lang})")

    async with page.expect_download() as info:
        await page.locator("main a[download]").click()
    assert (await info.value).suggested_filename.endswith(".pdf")

    gone = await (await browser.new_context(locale=lang)).new_page()
    assert (response := await gone.goto(site + "/r/" + "A" * 22)) is not None
    assert response.status == 404
    assert await gone.evaluate("document.documentElement.lang") == lang
    await assert_accessible(gone, f"the page of a letter link that does not work ({lang})")
