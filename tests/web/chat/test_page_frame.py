"""The chat page's languages in Chromium: the page in its language before any script
runs, the frame following the conversation, each language of the language menu marked
as such, and what a person typed shown in its own direction."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from bot.i18n import LANGUAGES, direction
from bot.runtime.services import Services
from bot.web.chat.ui import NO_SCRIPT, UI
from tests.support.chat_page import answer, open_chat

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

#: Where a line's text really sits: its right edge against the line's right for RTL.
_LINES = """bubble => [...bubble.querySelectorAll('.line')].map(line => {
  const range = document.createRange(); range.selectNodeContents(line);
  const text = range.getBoundingClientRect(), box = line.getBoundingClientRect();
  return {lang: line.getAttribute('lang'), dir: line.getAttribute('dir'),
    direction: getComputedStyle(line).direction, text: line.textContent,
    fromStart: getComputedStyle(line).direction === 'rtl'
      ? box.right - text.right : text.left - box.left};
})"""


@pytest.mark.parametrize(
    ("query", "locale", "lang"), [("?lang=fa", "de-DE", "fa"), ("", "uk-UA", "uk")]
)
async def test_without_javascript_the_page_is_in_its_language(
    base_url: str, browser: Browser, services: Services, query: str, locale: str, lang: str
) -> None:
    """What the first byte says is all a browser without JavaScript shows."""
    context = await browser.new_context(java_script_enabled=False, locale=locale)
    page = await context.new_page()
    await page.goto(base_url + query)
    words = services.catalogs[lang]
    assert await page.evaluate("[document.documentElement.lang, document.dir]") == [
        lang,
        direction(lang),
    ]
    note = page.locator("p.note")
    await expect(note).to_be_visible()
    await expect(note).to_have_text(words.text(NO_SCRIPT))
    assert await note.get_attribute("lang") == lang
    others = page.locator("ul.notes li")
    await expect(others).to_have_count(len(LANGUAGES) - 1)
    for item in await others.all():
        code = await item.get_attribute("lang")
        assert code in LANGUAGES and await item.get_attribute("dir") == direction(code)
        await expect(item).to_have_text(services.catalogs[code].text(NO_SCRIPT))
    await expect(page.locator("#form")).to_be_hidden()  # it could not work
    a11y = page.locator("#a11y")
    await expect(a11y).to_have_text(words.text(UI["a11y"]))
    assert await a11y.get_attribute("href") == f"/accessibility?lang={lang}"
    await context.close()


async def test_the_frame_follows_the_conversation_and_the_next_load_starts_in_it(
    base_url: str, browser: Browser, services: Services
) -> None:
    problems: list[str] = []
    page = await open_chat(browser, base_url, problems, locale="de-DE")
    assert await page.evaluate("document.documentElement.lang") == "de"
    await answer(page, "other-language")
    await answer(page, "lang:ar")
    await page.wait_for_function("document.documentElement.lang === 'ar'")
    ar = services.catalogs["ar"]
    assert await page.evaluate("document.dir") == "rtl"
    await expect(page.locator("#label")).to_have_text(ar.text(UI["label"]))
    assert await page.get_attribute("#text", "placeholder") == ar.text(UI["label"])
    assert await page.get_attribute("#go", "aria-label") == ar.text(UI["send"])
    await expect(page.locator("#a11y")).to_have_text(ar.text(UI["a11y"]))
    assert await page.get_attribute("#a11y", "href") == "/accessibility?lang=ar"
    cookies = {c["name"]: c for c in await page.context.cookies()}
    # The conversation's language only: never the session.
    assert cookies["lotse-lang"]["value"] == "ar"
    assert cookies["lotse-lang"]["path"] == "/chat"
    response = await page.reload()
    assert response is not None
    assert '<html lang="ar" dir="rtl">' in await response.text()
    await expect(page.locator(".choices button")).to_have_count(2)
    assert not problems


async def test_each_line_and_button_of_the_language_menu_has_its_language(
    base_url: str, browser: Browser, services: Services
) -> None:
    problems: list[str] = []
    page = await open_chat(browser, f"{base_url}?lang=de", problems)
    await answer(page, "other-language")
    menu = page.locator(".msg.bot").last
    assert await menu.get_attribute("lang") == "de"
    lines = await menu.evaluate(_LINES)
    assert [line["lang"] for line in lines] == [None, *LANGUAGES]  # the globe has none
    for line in lines[1:]:
        code = line["lang"]
        assert line["dir"] == line["direction"] == direction(code), line
        assert line["text"] == services.catalogs[code].gettext("Please choose your language.")
        # Each starts at its own start: Arabic, Persian, Pashto, Sorani from the right.
        assert line["fromStart"] < 2, line
    buttons = page.locator(".choices button")
    await expect(buttons).to_have_count(len(LANGUAGES))
    for button in await buttons.all():
        code = (await button.get_attribute("data-choice") or "").removeprefix("lang:")
        assert await button.get_attribute("lang") == code
        assert await button.get_attribute("dir") == direction(code)
        assert await button.evaluate("b => getComputedStyle(b).direction") == direction(code)
    assert not problems


async def test_arabic_typed_on_a_german_page_reads_right_to_left(
    base_url: str, browser: Browser
) -> None:
    problems: list[str] = []
    page = await open_chat(browser, f"{base_url}?lang=de", problems, locale="de-DE")
    for text, shown in [("مرحبا، أحتاج مساعدة", "rtl"), ("Hallo, ich brauche Hilfe", "ltr")]:
        await page.fill("#text", text)
        await page.press("#text", "Enter")
        # The server's copy: the page's own pending bubble is replaced when it arrives.
        typed = page.locator(".msg.person:not(.pending)", has_text=text)
        await expect(typed).to_have_count(1)
        assert await typed.get_attribute("dir") == "auto"
        assert await typed.get_attribute("lang") == ""  # its language is not known
        assert await typed.locator("p").evaluate("p => getComputedStyle(p).direction") == shown
        # The "You:" a screen reader says before it is in the page's language.
        assert await typed.locator(".sr").get_attribute("lang") == "de"
    assert await page.evaluate("document.documentElement.lang") == "de"
    assert not problems
