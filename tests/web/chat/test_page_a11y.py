"""The chat page for people who use a keyboard, a phone or zoom, checked in Chromium:
axe-core finds nothing, focus always lands on the new buttons where it can be seen,
and at 400 % zoom the conversation keeps the screen."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page

from bot.i18n import LANGUAGES
from tests.support.axe import assert_accessible
from tests.support.chat_page import MENU, answer, assert_in_sight, focus, open_chat, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "has_touch": True}
#: 1280×800 at 200 % and 400 % browser zoom: the CSS viewport shrinks, pixels grow.
ZOOM_200 = {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}
ZOOM_400 = {"viewport": {"width": 320, "height": 200}, "device_scale_factor": 4}


@pytest.mark.parametrize("lang", ["ar", "ti", "de"])
async def test_axe_finds_nothing_on_the_chat_page(
    base_url: str, browser: Browser, lang: str
) -> None:
    problems: list[str] = []
    page = await open_chat(browser, f"{base_url}?lang={lang}", problems, **PHONE)
    await assert_accessible(page, f"the welcome ({lang})")
    await answer(page, "other-language")
    await assert_accessible(page, f"the language menu ({lang} page)")
    assert await answer(page, f"lang:{lang}") == ["continue", "other-language"]
    assert await answer(page, "continue") == ["yes", "no"]
    await assert_accessible(page, f"the consent question ({lang})")
    # What a person typed (lang="", dir=auto) is on the page too, and the question again.
    bots = await page.locator(".msg.bot").count()
    old = await page.locator(".choices").element_handle()
    await page.fill("#text", "?")
    await page.press("#text", "Enter")
    await page.wait_for_function(
        "([n, old]) => document.querySelectorAll('.msg.bot').length > n && !old.isConnected"
        " && document.querySelectorAll('.choices button').length === 2",
        arg=[bots, old],
    )
    assert await answer(page, "yes") == MENU
    await assert_accessible(page, f"the menu ({lang})")
    assert not problems


@pytest.mark.parametrize(
    ("lang", "options", "where"),
    [
        ("uk", PHONE, "phone"),
        ("ar", ZOOM_200, "200 %"),
        ("ti", ZOOM_200, "200 %"),
        ("de", ZOOM_200, "200 %"),
    ],
)
async def test_keyboard_only_through_onboarding_with_focus_in_sight(
    base_url: str, browser: Browser, lang: str, options: dict[str, object], where: str
) -> None:
    """From page load to the menu with Tab, Enter and Space only: after every answer
    focus is on the first new button, wholly in view and visibly outlined."""
    problems: list[str] = []
    page = await open_chat(browser, base_url, problems, locale="en-GB", **options)
    state = await focus(page)
    assert state["choice"] == "continue"
    assert_in_sight(state, f"{where}: the welcome")

    await tab_to(page, "other-language")
    assert_in_sight(await focus(page), f"{where}: tabbed to another language")
    assert await answer(page, None, key="Space") == [f"lang:{code}" for code in LANGUAGES]
    await check_focus(page, "lang:de", f"{where}: the language menu")

    await tab_to(page, f"lang:{lang}")
    assert_in_sight(await focus(page), f"{where}: tabbed to lang:{lang}")
    assert await answer(page, None, key="Enter") == ["continue", "other-language"]
    await page.wait_for_function(f"document.documentElement.lang === '{lang}'")
    await check_focus(page, "continue", f"{where}: what Lotse is ({lang})")

    assert await answer(page, None, key="Enter") == ["yes", "no"]
    await check_focus(page, "yes", f"{where}: the consent question ({lang})")
    assert await answer(page, None, key="Space") == MENU
    await check_focus(page, "advice", f"{where}: the menu ({lang})")
    await assert_accessible(page, f"the menu at {where} ({lang})")
    await page.screenshot(path=f"/tmp/lotse-chat-keyboard-{lang}.png")
    assert not problems


async def check_focus(page: Page, choice: str, where: str) -> None:
    state = await focus(page)
    assert state["choice"] == choice, f"{where}: focus on {state}"
    assert_in_sight(state, where)


#: How much of the viewport shows the conversation, sampled down its middle.
_CONVERSATION_SHARE = """() => {
  const scroll = document.getElementById('scroll');
  let seen = 0, all = 0;
  for (let y = 1; y < innerHeight; y += 2) {
    const hit = document.elementFromPoint(innerWidth / 2, y);
    all += 1; if (hit && scroll.contains(hit)) seen += 1;
  }
  const line = parseFloat(getComputedStyle(document.querySelector('.msg p')).lineHeight);
  return {share: seen / all, lines: seen / all * innerHeight / line};
}"""


@pytest.mark.parametrize("lang", ["de", "ar"])
async def test_at_400_percent_the_conversation_keeps_the_screen(
    base_url: str, browser: Browser, lang: str
) -> None:
    """The fixed header and form left about 2.5 lines of conversation at 400 %; below
    a small height the whole page scrolls instead, and they scroll away."""
    problems: list[str] = []
    page = await open_chat(browser, f"{base_url}?lang={lang}", problems, **ZOOM_400)
    assert await answer(page, "continue") == ["continue", "other-language"]
    assert await answer(page, "continue") == ["yes", "no"]
    assert await answer(page, "yes") == MENU
    assert_in_sight(await focus(page), f"400 % ({lang}): the menu")
    # Read from the top of the newest message: the conversation fills the screen.
    await page.locator(".msg.bot").last.evaluate("m => m.scrollIntoView({block: 'start'})")
    seen = await page.evaluate(_CONVERSATION_SHARE)
    assert seen["share"] > 0.9 and seen["lines"] >= 6, seen
    # The form is still there, at the end of the page, and typing works.
    await page.keyboard.press("Shift+Tab")
    await page.focus("#text")
    assert_in_sight(await focus(page), f"400 % ({lang}): the message field")
    await assert_accessible(page, f"the page at 400 % ({lang})")
    assert not problems
