"""Find advice in the chat page, in a real headless Chromium, in Arabic: the services
laid out right to left, with a phone number and opening hours still read left to right
inside them (the flow's isolates), and nothing the page complains about."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from bot.runtime.services import Services
from tests.support.advice import demo
from tests.support.chat_page import MENU, answer, open_chat

pytestmark = pytest.mark.browser

#: Where the first and the last character of `needle` are drawn, inside the bot's
#: messages: left to right means the first is left of the last.
EDGES = """needle => {
  for (const el of document.querySelectorAll('.msg.bot')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(needle);
      if (at < 0) continue;
      const box = i => { const r = document.createRange(); r.setStart(node, i);
                         r.setEnd(node, i + 1); return r.getBoundingClientRect().left; };
      return [box(at), box(at + needle.length - 1),
              getComputedStyle(el).direction];
    }
  }
  return null;
}"""


async def test_services_in_arabic_right_to_left(
    base_url: str, browser: Browser, services: Services
) -> None:
    await demo(services.sessionmaker, services.clock())
    problems: list[str] = []
    page = await open_chat(browser, base_url + "?lang=ar", problems, locale="ar")
    await answer(page, "continue")
    await answer(page, "continue")
    assert await answer(page, "yes") == MENU
    await answer(page, "advice")
    await answer(page, "topic:family")
    await answer(page, "age:27+")
    await answer(page, "situation:asylum")
    await page.fill("#text", "12345")
    await page.press("#text", "Enter")
    await expect(page.locator("button[data-choice='topics']")).to_be_visible()
    phone = await page.evaluate(EDGES, "+49 30 1234567")
    hours = await page.evaluate(EDGES, "09:00–12:00")
    assert phone and hours, (phone, hours)
    for first, last, direction in (phone, hours):
        assert direction == "rtl" and first < last
    assert not problems, problems
