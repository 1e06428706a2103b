"""The chat page in a real headless Chromium: right-to-left layout, onboarding by
buttons, the consent download, reload, typing and the keyboard."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, Route, expect

from bot.db.models import Invitation
from bot.invitations.codes import token_of
from bot.kernel.types import Channel
from bot.runtime.services import Services
from tests.support.chat_page import MENU, offered, open_chat
from tests.support.clock import Clock
from tests.support.invitations import invite

ARABIC = re.compile("[\u0600-\u06ff]")

pytestmark = pytest.mark.browser


async def choose(page: Page, choice: str, expected: list[str]) -> None:
    """Click a choice and wait until the next set of buttons replaced the old one."""
    old = await page.locator(".choices").element_handle()
    await page.click(f"button[data-choice={choice}]")
    await page.wait_for_function("box => !box.isConnected", arg=old)
    await expect(page.locator(".choices button")).to_have_count(len(expected))
    assert await offered(page) == expected


async def page_direction(page: Page) -> tuple[str, str]:
    dir_, lang = await page.evaluate("[document.dir, document.documentElement.lang]")
    return dir_, lang


async def onboard(page: Page) -> None:
    await choose(page, "continue", ["continue", "other-language"])  # welcome → about
    await choose(page, "continue", ["yes", "no"])  # about → consent question
    await choose(page, "yes", MENU)


async def test_chat_page_in_arabic(base_url: str, browser: Browser, services: Services) -> None:
    problems: list[str] = []
    page = await open_chat(
        browser,
        base_url + "?lang=ar",
        problems,
        locale="ar",
        viewport={"width": 412, "height": 820},
    )
    greeting = page.locator(".msg.bot").first
    assert await page_direction(page) == ("rtl", "ar")
    assert ARABIC.search(await greeting.inner_text())
    assert await greeting.get_attribute("lang") == "ar"
    assert await greeting.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # Mirrored: the bot's bubble sits at the right edge of the log.
    box, log = await greeting.bounding_box(), await page.locator("#log").bounding_box()
    assert box and log and abs((box["x"] + box["width"]) - (log["x"] + log["width"])) < 2
    for button in await page.locator(".choices button").all():
        size = await button.bounding_box()
        assert size and size["height"] >= 44 and size["width"] >= 44

    await onboard(page)
    menu_text = await page.locator(".msg.bot").last.inner_text()

    async with page.expect_download() as info:
        await page.click("#consents")
    saved = await (await info.value).path()
    consents = json.loads(await asyncio.to_thread(Path(saved).read_text, encoding="utf-8"))
    assert consents.get("records")

    token = await page.evaluate("localStorage.getItem('lotse.session')")
    # Wait until the menu is fully shown and the page has nothing more to fetch.
    await expect(page.locator(".choices button")).to_have_count(len(MENU))
    await page.wait_for_timeout(500)
    shown = await page.locator(".msg").all_inner_texts()
    await page.reload()
    await expect(page.locator(".msg")).to_have_count(len(shown))
    assert await page.locator(".msg").all_inner_texts() == shown
    assert await page.evaluate("localStorage.getItem('lotse.session')") == token
    await expect(page.locator(".choices button")).to_have_count(len(MENU))
    assert await page_direction(page) == ("rtl", "ar")

    bots = await page.locator(".msg.bot").count()
    await page.fill("#text", "hello")
    await page.press("#text", "Enter")
    await expect(page.locator(".msg.person").last).to_contain_text("hello")
    sorry = services.catalogs["ar"].gettext("Sorry, I did not understand that.")
    await expect(page.locator(".msg.bot").nth(bots)).to_contain_text(sorry)
    await expect(page.locator(".choices button")).to_have_count(len(MENU))
    assert await page.evaluate("document.activeElement.id") == "text"  # focus not stolen

    await page.evaluate("document.activeElement.blur()")
    for _ in range(6):
        await page.keyboard.press("Tab")
        if await page.evaluate("!!document.activeElement.dataset.choice"):
            break
    focused = page.locator(":focus")
    assert await focused.get_attribute("data-choice") == "advice"  # the first entry of the menu
    assert await focused.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    old = await page.locator(".choices").element_handle()
    await page.keyboard.press("Enter")
    await page.wait_for_function("box => !box.isConnected", arg=old)
    await page.locator(".choices button").first.wait_for()
    assert await page.evaluate("document.activeElement.dataset.choice") == (
        await page.locator(".choices button").first.get_attribute("data-choice")
    )
    await page.screenshot(path="/tmp/lotse-chat-ar.png")
    assert not problems
    # Last, as it waits for the Arabic catalog (the greeting passes on the language's name).
    assert ARABIC.search(menu_text), f"main menu not in Arabic: {menu_text!r}"


async def test_chat_page_in_english_on_a_small_phone(base_url: str, browser: Browser) -> None:
    problems: list[str] = []
    page = await open_chat(
        browser,
        base_url + "?lang=en",
        problems,
        locale="en-GB",
        viewport={"width": 360, "height": 640},
    )
    assert await page_direction(page) == ("ltr", "en")
    await onboard(page)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing sticks out sideways
    for button in await page.locator(".choices button").all():
        size = await button.bounding_box()
        assert size and size["height"] >= 44 and size["width"] > 300  # full width, stacked
    await page.locator("main").evaluate("main => { main.scrollTop = main.scrollHeight; }")
    await page.screenshot(path="/tmp/lotse-chat-en.png")

    # The answer to a send is lost on the way: the page sends the same body again,
    # and the server keeps one message.
    sent: list[str | None] = []

    async def lose_first_answer(route: Route) -> None:
        sent.append(route.request.post_data)
        if len(sent) == 1:
            await route.fetch()
            await route.abort()
        else:
            await route.continue_()

    await page.route("**/messages", lose_first_answer)
    await page.fill("#text", "hello")
    async with page.expect_response(lambda r: r.request.method == "POST") as retried:
        await page.press("#text", "Enter")
    assert (await retried.value).status == 202
    async with page.expect_response(lambda r: "after=" in r.url):
        pass  # the fetch after the retry
    await expect(page.locator(".choices button")).to_have_count(len(MENU))
    await expect(page.get_by_text("Sorry, I did not understand that.")).to_have_count(1)
    await expect(page.locator(".msg.person", has_text="hello")).to_have_count(1)
    assert len(sent) == 2 and sent[0] == sent[1] and '"id"' in (sent[0] or "")
    await expect(page.locator("#status")).to_be_empty()
    await page.unroute("**/messages")

    # Deleting everything ends the conversation; "start again" opens a new one.
    token = await page.evaluate("localStorage.getItem('lotse.session')")
    await choose(page, "delete", ["confirm", "keep"])
    await page.click("button[data-choice=confirm]")
    await expect(page.locator("#restart")).to_be_focused()
    await expect(page.locator("#text")).to_be_disabled()
    await expect(page.locator("#consents")).to_be_hidden()
    await page.click("#restart")
    await expect(page.locator(".choices button")).to_have_count(2)
    assert await page.locator(".msg").count() == 1
    fresh = await page.evaluate("localStorage.getItem('lotse.session')")
    assert fresh and fresh != token

    # A session the server does not know is dropped, and a new one begins.
    await page.evaluate("localStorage.setItem('lotse.session', 'gone')")
    await page.reload()
    await expect(page.locator(".choices button")).to_have_count(2)
    assert await page.evaluate("localStorage.getItem('lotse.session')") not in ("gone", fresh)
    # Only the expected: the lost answer, 410 for the deleted conversation, 404 for the unknown.
    assert all(re.search(r"ERR_FAILED|status of (404|410)\b", p) for p in problems), problems


async def test_the_link_in_a_letter_connects_and_leaves_no_token_in_the_address(
    base_url: str, browser: Browser, services: Services, clock: Clock
) -> None:
    """What a QR code on a letter opens: /chat?t=<token>."""
    invitation = await invite(services, clock(), language="ar", channels=(Channel.LETTER,))
    token = token_of(services.vault, invitation)
    problems: list[str] = []
    page = await open_chat(browser, f"{base_url}?t={token}", problems)
    assert await offered(page) == ["confirm", "change"]
    text = await page.locator("#log").inner_text()
    assert "Bürgeramt Mitte" in text
    assert token not in page.url  # not in the history or a shared screenshot
    assert await page_direction(page) == ("rtl", "ar")
    async with services.sessionmaker() as session:
        stored = await session.get(Invitation, invitation.id)
    assert stored is not None and stored.connected_by == "token"
    assert problems == []
