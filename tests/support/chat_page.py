"""The chat page in Chromium, for the accessibility and language tests: open it, move on
by a choice (clicked or by key), and read where focus is and whether it can be seen."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, Page, expect

#: The menu after onboarding.
MENU = ["advice", "settings", "my_consents", "my_data", "delete", "help"]

#: Where the focused element is and what is drawn at its centre.
_FOCUS = """() => {
  const a = document.activeElement, r = a.getBoundingClientRect(), s = getComputedStyle(a);
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {choice: a.dataset.choice || null, id: a.id || null, tag: a.tagName,
    top: r.top, bottom: r.bottom, left: r.left, right: r.right,
    width: innerWidth, height: innerHeight, shown: !!hit && a.contains(hit),
    outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
    focusVisible: a.matches(':focus-visible')};
}"""


async def open_chat(browser: Browser, url: str, problems: list[str], **options: Any) -> Page:
    """A fresh context (no stored session) on `url`, once the first buttons are shown."""
    context = await browser.new_context(reduced_motion="reduce", **options)
    page = await context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    await page.goto(url)
    await page.locator(".choices button").first.wait_for()
    return page


async def offered(page: Page) -> list[str]:
    return await page.locator(".choices button").evaluate_all(
        "buttons => buttons.map(b => b.dataset.choice)"
    )


async def answer(page: Page, choice: str | None, key: str | None = None) -> list[str]:
    """Click `choice` (or press `key` on the focused one) and wait until the next buttons
    replaced the old ones and focus moved to them; the new choices."""
    old = await page.locator(".choices").element_handle()
    if key is None:
        await page.click(f"button[data-choice='{choice}']")
    else:
        await page.keyboard.press(key)
    await page.wait_for_function(
        "old => !old.isConnected && !!document.activeElement.closest('.choices')", arg=old
    )
    await expect(page.locator(".choices button").first).to_be_visible()
    return await offered(page)


async def focus(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = await page.evaluate(_FOCUS)
    return found


def assert_in_sight(state: dict[str, Any], where: str) -> None:
    """Focus Not Obscured (WCAG 2.4.11) and Focus Visible (2.4.7): the focused element
    lies wholly in the viewport, nothing covers its centre, and its outline shows."""
    inside = (
        state["top"] >= 0
        and state["left"] >= 0
        and state["bottom"] <= state["height"]
        and state["right"] <= state["width"]
    )
    assert inside, f"{where}: focused {state['tag']} {state['choice']} is not in view: {state}"
    assert state["shown"], f"{where}: the focused element is covered: {state}"
    assert state["focusVisible"] and state["outline"] == "solid", f"{where}: {state}"
    assert state["outlineWidth"] >= 2, f"{where}: {state}"


async def tab_to(page: Page, choice: str, limit: int = 20) -> None:
    """Tab forward until the button for `choice` has focus."""
    for _ in range(limit):
        if await page.evaluate("document.activeElement.dataset.choice || ''") == choice:
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {choice!r}")
