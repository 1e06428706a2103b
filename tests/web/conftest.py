"""A real headless Chromium for the page tests (the chat page, the office page)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.support.settings import STRICT

CHROMIUM = os.environ.get("LOTSE_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).is_file():
        message = f"no Chromium at {CHROMIUM} (set LOTSE_TEST_CHROMIUM)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=chromium, args=ARGS)
        yield launched
        await launched.close()
