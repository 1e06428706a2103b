"""The full privacy notice at /privacy: the page the SMS notice links to, in the
person's language, with the same words the web chat shows at its start."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer

from bot.kernel.types import t, tn
from bot.runtime.services import Services
from bot.web.app import make_app
from tests.support.twilio import (
    Lotse,
    Phone,
    twilio_fake,  # noqa: F401  (the fixture `fake`)
    twilio_lotse,  # noqa: F401  (the fixture `lotse`)
)

GERMAN = "+4915112345678"


class Page(HTMLParser):
    """The page's structure: the <html> attributes, the landmarks and headings, the text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html: dict[str, str | None] = {}
        self.tags: list[str] = []
        self.inline: list[str] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "html":
            self.html = dict(attrs)
        if tag in ("script", "style") or any(name == "style" for name, _ in attrs):
            self.inline.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


async def fetch(services: Services, query: str = "", **headers: str) -> tuple[int, dict, str]:
    async with TestClient(TestServer(make_app(services, dispatch=False))) as client:
        response = await client.get(f"/privacy{query}", headers=headers)
        return response.status, dict(response.headers), await response.text()


def notice_start(services: Services, lang: str) -> str:
    return services.catalogs[lang].text(
        t(
            "Lotse is a free service run by {operator}. It tells you about free advice "
            "services and shows you who has your data. Lotse does not decide about your "
            "residence or your benefits.",
            operator=services.operator.name,
        )
    )


async def test_arabic_is_right_to_left_with_the_full_notice(services: Services) -> None:
    status, headers, html = await fetch(services, "?lang=ar")
    page = Page(html)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert page.html == {"lang": "ar", "dir": "rtl"}
    assert {"main", "h1", "nav"} <= set(page.tags) and page.tags.count("h1") == 1
    ar = services.catalogs["ar"]
    assert ar.text(t("Privacy notice")) in page.text
    assert notice_start(services, "ar") in page.text
    days = tn(
        "If you do not write to us for {n} day, we delete everything.",
        "If you do not write to us for {n} days, we delete everything.",
        services.settings.retention_days,
    )
    assert ar.text(days) in page.text
    assert services.operator.privacy_contact in page.text
    # No inline script or style: the page keeps a strict policy.
    assert not page.inline
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none'


async def test_german_from_the_query_the_browser_or_by_default(services: Services) -> None:
    _, _, asked = await fetch(services, "?lang=de", **{"Accept-Language": "fa"})
    assert Page(asked).html == {"lang": "de", "dir": "ltr"}
    assert notice_start(services, "de") in Page(asked).text
    _, _, browser = await fetch(services, **{"Accept-Language": "de-AT, en;q=0.5"})
    assert Page(browser).html["lang"] == "de"
    _, _, unknown = await fetch(services, "?lang=xx")
    assert Page(unknown).html["lang"] == services.settings.default_language
    # Each language's link names its language in its own script and direction.
    assert '<a href="/privacy?lang=fa" lang="fa" dir="rtl">فارسی</a>' in asked


async def test_a_hostile_lang_never_reaches_the_page(services: Services) -> None:
    _, _, html = await fetch(services, '?lang="><script>alert(1)</script>')
    assert "<script>" not in html and Page(html).html["lang"] == services.settings.default_language


async def test_the_sms_notice_links_to_this_page_in_the_persons_language(lotse: Lotse) -> None:
    phone = Phone(lotse, GERMAN)
    await phone.say("Hallo")  # the language menu
    about = await phone.say("4")  # فارسی
    [link] = re.findall(r"https?://\S+", about)
    assert link == f"{lotse.url}/privacy?lang=fa"
    async with ClientSession() as session, session.get(link) as response:
        html = await response.text()
    page = Page(html)
    assert response.status == 200 and page.html == {"lang": "fa", "dir": "rtl"}
    assert notice_start(lotse.services, "fa") in page.text
