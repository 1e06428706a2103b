"""The accessibility statement: in the reader's language and direction, the configured
contacts escaped, the languages awaiting review named, and the page's language switch."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.config import Settings
from bot.conversation import Operator
from bot.i18n import LANGUAGES, awaiting_review
from bot.runtime.services import Services

Client = TestClient[Any, Any]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "accessibility_email": "barrieren@stadt.example",
            "accessibility_phone": "+49 30 1234-567",
            "accessibility_address": "Rathaus <Zimmer 3>, 10115 Berlin",
            "accessibility_enforcement_body": "Schlichtungsstelle BGG",
            "accessibility_enforcement_contact": "Mauerstraße 53, 10117 Berlin",
            "accessibility_enforcement_url": "https://schlichtung.example/",
            "accessibility_prepared": date(2026, 11, 30),
            "accessibility_reviewed": date(2027, 1, 15),
        }
    )


async def statement(client: Client, query: str = "", **headers: str) -> str:
    response = await client.get(f"/accessibility{query}", headers=headers)
    assert response.status == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe" not in csp
    return await response.text()


async def test_german_with_the_configured_contacts(client: Client) -> None:
    page = await statement(client, "?lang=de")
    assert page.startswith('<!doctype html>\n<html lang="de" dir="ltr">')
    assert "<h1>Erklärung zur Barrierefreiheit</h1>" in page and "<main" in page
    assert '<a href="mailto:barrieren@stadt.example">barrieren@stadt.example</a>' in page
    assert '<a href="tel:+49301234567">+49 30 1234-567</a>' in page
    assert "Rathaus &lt;Zimmer 3&gt;, 10115 Berlin" in page and "<Zimmer" not in page
    assert "<strong>Schlichtungsstelle BGG</strong><br>Mauerstraße 53, 10117 Berlin" in page
    assert '<a href="https://schlichtung.example/">' in page
    assert "am 30. November 2026 erstellt. Zuletzt überprüft wurde sie am 15. Januar 2027" in page
    assert "Stadt Musterstadt, Integrationsbüro" in page  # the operator, from the database
    assert "teilweise barrierefrei" in page
    # Every language with `# review:` notes is named, in German.
    pending = awaiting_review(Settings.model_fields["locales_dir"].default)
    assert "Tigrinya" in page and "Persisch" in page and len(pending) >= 10


async def test_arabic_right_to_left_from_the_browser(client: Client) -> None:
    page = await statement(client, **{"Accept-Language": "ar-SY,ar;q=0.9,de;q=0.5"})
    assert page.startswith('<!doctype html>\n<html lang="ar" dir="rtl">')
    assert "<h1>بيان إمكانية الوصول</h1>" in page
    assert "barrieren@stadt.example" in page and "Schlichtungsstelle BGG" in page
    # The switch: every language, each link in its own language and direction.
    for code in LANGUAGES:
        assert f'href="/accessibility?lang={code}" hreflang="{code}" lang="{code}"' in page
    assert 'lang="fa" dir="rtl">فارسی</a>' in page and 'lang="de" dir="ltr">Deutsch</a>' in page
    assert 'lang="ar" dir="rtl" aria-current="page">العربية</a>' in page


async def test_every_language_and_the_default(client: Client) -> None:
    for code in LANGUAGES:
        page = await statement(client, f"?lang={code}")
        assert f'<html lang="{code}"' in page and "barrieren@stadt.example" in page
    # Nothing asked for: the installation's default language.
    assert '<html lang="de"' in await statement(client)


async def test_the_staff_pages_link_to_it(client: Client) -> None:
    page = await (await client.get("/office/login?lang=en")).text()
    assert '<footer class="foot"><a href="/accessibility?lang=en">Accessibility statement<' in page


async def test_the_demo_defaults_are_placeholders() -> None:
    defaults = Settings.model_fields
    for name in ("accessibility_email", "accessibility_enforcement_contact"):
        assert ".example" in str(defaults[name].default)


async def test_the_operator_name_is_escaped(client: Client, services: Services) -> None:
    services.operator = Operator("Amt <b>&</b>", "c", "p")
    page = await statement(client, "?lang=en")
    assert "Amt &lt;b&gt;&amp;&lt;/b&gt;" in page and "<b>&</b>" not in page


async def test_it_says_how_it_was_checked_and_claims_no_manual_test(client: Client) -> None:
    """Only what the browser tests check: no test by hand, with screen readers or users."""
    page = await statement(client, "?lang=en")
    assert "axe-core" in page and "Chromium" in page
    assert "by hand" not in page and "ourselves" not in page and "every page" not in page
    assert (
        "There was no manual test, no test with screen readers and no test together with "
        "people with disabilities." in page
    )
    german = await statement(client, "?lang=de")
    assert "von Hand, nur" not in german and "auf jeder Seite" not in german
    assert "Es gab keine Prüfung von Hand, keinen Test mit Screenreadern" in german
