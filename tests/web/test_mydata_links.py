"""Short links to a person's export: tokens never reach the access log, and a link that
does not work says so in the reader's language."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.runtime.logs import AccessLogger

TOKEN = "cR7ePgj00YMsP3sgelbzIg"


@pytest.mark.parametrize("path", [f"/d/{TOKEN}", f"/d/{TOKEN}/lotse-my-data.pdf"])
def test_the_access_log_cuts_link_tokens(path: str, caplog: pytest.LogCaptureFixture) -> None:
    logger = AccessLogger(logging.getLogger("test.access"), "")
    with caplog.at_level(logging.INFO, logger="test.access"):
        logger.log(SimpleNamespace(method="GET", path=path), SimpleNamespace(status=404), 0.01)  # type: ignore[arg-type]
    assert TOKEN not in caplog.text
    assert "GET /d/…" in caplog.text


@pytest.mark.parametrize(
    ("headers", "lang", "way", "words"),
    [
        ({"Accept-Language": "ar"}, "ar", "rtl", "هذا الرابط لا يعمل"),
        ({"Cookie": "lotse-lang=ti"}, "ti", "ltr", "እዚ ሊንክ ኣይሰርሕን እዩ"),
        ({}, "de", "ltr", "Dieser Link funktioniert nicht"),
    ],
)
async def test_a_link_that_does_not_work_says_so_in_the_readers_language(
    client: TestClient[Any, Any], headers: dict[str, str], lang: str, way: str, words: str
) -> None:
    response = await client.get(f"/d/{TOKEN}", headers=headers)
    page = await response.text()
    assert response.status == 404
    assert f'<html lang="{lang}" dir="{way}">' in page and words in page
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
