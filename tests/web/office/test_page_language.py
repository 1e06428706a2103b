"""The office pages in the staff member's language: German by default, the browser's
language before a choice, the choice kept on the login across sessions, language names
instead of codes, and dates as each language writes them."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient

from bot.kernel.types import Channel
from bot.runtime.services import Services
from tests.support.office_page import EMAIL, PASSWORD, invite, seed_office

Client = TestClient[Any, Any]
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


async def log_in(client: Client, query: str = "", headers: dict[str, str] | None = None) -> str:
    """Logs in through the login form; the list page's HTML."""
    form = await (await client.get(f"/office/login{query}", headers=headers)).text()
    found = CSRF_FIELD.search(form)
    assert found
    fields = {"email": EMAIL, "password": PASSWORD, "csrf": found[1]}
    lang = re.search(r'name="lang" value="([a-z]+)"', form)
    if lang:
        fields["lang"] = lang[1]
    answer = await client.post("/office/login", data=fields, headers=headers)
    assert answer.status == 200 and answer.url.path == "/office"
    return await answer.text()


async def log_out(client: Client, page: str) -> None:
    found = CSRF_FIELD.search(page)
    assert found
    answer = await client.post("/office/logout", data={"csrf": found[1]})
    assert answer.url.path == "/office/login"


async def test_login_page_follows_the_browser_and_defaults_to_german(client: Client) -> None:
    german = await (await client.get("/office/login")).text()
    assert '<html lang="de" dir="ltr">' in german and "Anmelden</button>" in german
    english = await (await client.get("/office/login", headers=ENGLISH)).text()
    assert '<html lang="en" dir="ltr">' in english and "Log in</button>" in english
    assert '<a href="/office/login?lang=de" hreflang="de" lang="de">Deutsch</a>' in english
    asked = await (await client.get("/office/login?lang=en")).text()
    assert '<html lang="en"' in asked and 'name="lang" value="en"' in asked
    # Anything else falls back to German, never an error.
    odd = await client.get("/office/login?lang=xx", headers={"Accept-Language": "fa, *;q=0.1"})
    assert odd.status == 200 and '<html lang="de"' in await odd.text()
    assert '/accessibility?lang=de">Erklärung zur Barrierefreiheit</a>' in german


async def test_the_choice_is_kept_on_the_login_across_sessions(
    client: Client, services: Services
) -> None:
    office_id, _ = await seed_office(services)
    await invite(services, office_id, "AZ-7")  # Arabic, by letter
    await invite(services, office_id, "SMS-7", channels=(Channel.SMS,))
    page = await log_in(client)
    assert '<html lang="de"' in page
    # Language names in German, channel and status names translated, German dates.
    assert "<td>Arabisch</td>" in page and "<td>ar</td>" not in page
    assert "Brief" in page and "Fehlgeschlagen" in page
    assert re.search(r"<time datetime=\"[^\"]+\">\d\d\.\d\d\.\d{4} \d\d:\d\d</time>", page)

    found = CSRF_FIELD.search(page)
    assert found
    switched = await client.post(
        "/office/language", data={"csrf": found[1], "lang": "en", "next": "/office?status=failed"}
    )
    assert switched.url.path_qs == "/office?status=failed"
    english = await switched.text()
    assert '<html lang="en" dir="ltr">' in english
    assert "<td>Arabic</td>" in english and ">Failed <span" in english
    assert '<button type="submit" name="lang" value="de" lang="de">Deutsch</button>' in english
    # A German browser does not undo the choice, nor does a new session.
    await log_out(client, english)
    again = await log_in(client, headers={"Accept-Language": "de-DE"})
    assert '<html lang="en"' in again and "Log out</button>" in again
    assert re.search(r"<time datetime=\"[^\"]+\">[A-Z][a-z]{2} \d{1,2}, \d{4}", again)


async def test_the_switch_needs_the_csrf_token_and_stays_on_the_office_pages(
    client: Client, services: Services
) -> None:
    await seed_office(services)
    page = await log_in(client)
    forged = await client.post("/office/language", data={"csrf": "x", "lang": "en"})
    assert forged.status == 403 and '<html lang="de"' in await forged.text()
    found = CSRF_FIELD.search(page)
    assert found
    for elsewhere in ("https://evil.example/", "//evil.example/office", "/chat", "/office\\x"):
        answer = await client.post(
            "/office/language",
            data={"csrf": found[1], "lang": "en", "next": elsewhere},
            allow_redirects=False,
        )
        assert answer.status == 303 and answer.headers["Location"] == "/office"
    # A language the office pages do not speak is not stored.
    await client.post("/office/language", data={"csrf": found[1], "lang": "fa"})
    assert '<html lang="en"' in await (await client.get("/office")).text()


async def test_a_language_chosen_on_the_login_page_is_remembered(
    client: Client, services: Services
) -> None:
    await seed_office(services)
    page = await log_in(client, "?lang=en")
    assert '<html lang="en"' in page
    await log_out(client, page)
    assert '<html lang="en"' in await log_in(client)
