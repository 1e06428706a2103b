"""Advisors and service admins log in on the staff login, with its CSRF and throttle,
and never see an office page: every one of them sends them on to the inbox, with no
office's data and no access-log entry."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.db.models import AccessEntry
from bot.runtime.services import Services
from bot.web.office import auth as office_auth
from tests.support.cases import PASSWORD, seed_world
from tests.support.office_page import invite

Client = TestClient[Any, Any]
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


async def _login(client: Client, email: str, password: str = PASSWORD) -> Any:
    form = await client.get("/office/login")
    token = CSRF_FIELD.findall(await form.text())[0]
    return await client.post(
        "/office/login",
        data={"email": email, "password": password, "csrf": token},
        allow_redirects=False,
    )


def _office_pages(app: web.Application) -> list[tuple[str, str]]:
    """Every office page of staff (not the login itself, not the API with its keys)."""
    found = []
    for route in app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if not path.startswith("/office") or path.startswith("/office/api"):
            continue
        if (
            path in ("/office/login", "/office/logout", "/office/language")
            or route.method == "HEAD"
        ):
            continue
        found.append((route.method, re.sub(r"\{[^}]+\}", "1", path)))
    return found


async def test_an_advisor_logs_in_and_sees_no_office_page(
    client: Client, services: Services
) -> None:
    world = await seed_world(services)
    await invite(services, world.office_id, "AZ-GEHEIM-1")
    for email in ("advisor@svc-a.example", "service-admin@svc-b.example"):
        client.session.cookie_jar.clear()
        response = await _login(client, email)
        assert response.status == 303 and response.headers["Location"] == "/office"
        cookie = response.cookies[office_auth.COOKIE]
        assert cookie["path"] == "/" and cookie["httponly"] and cookie["samesite"] == "Strict"
        pages = _office_pages(client.server.app)
        assert ("GET", "/office") in pages and ("POST", "/office/upload") in pages
        for method, path in pages:
            data = {"csrf": "x"} if method == "POST" else None
            answer = await client.request(method, path, data=data, allow_redirects=False)
            assert answer.status == 303, (method, path, answer.status)
            assert answer.headers["Location"] == "/advice/inbox", (method, path)
            assert "AZ-GEHEIM-1" not in await answer.text()
        # Logged in: the login page sends them home too.
        again = await client.get("/office/login", allow_redirects=False)
        assert again.headers["Location"] == "/advice/inbox"
    async with services.sessionmaker() as session:
        assert list(await session.scalars(select(AccessEntry))) == []


async def test_a_disabled_advisor_cannot_log_in_and_office_staff_still_can(
    client: Client, services: Services
) -> None:
    await seed_world(services)
    refused = await _login(client, "weg@svc-a.example")
    assert refused.status == 401
    assert (await _login(client, "advisor@svc-a.example", "falsch-und-lang-genug")).status == 401
    client.session.cookie_jar.clear()
    office = await _login(client, "amt@mitte.example")
    assert office.status == 303
    page = await client.get("/office", allow_redirects=False)
    assert page.status == 200 and "Bürgeramt Mitte" in await page.text()


async def test_an_advisor_logs_out(client: Client, services: Services) -> None:
    await seed_world(services)
    await _login(client, "advisor@svc-a.example")
    home = await client.get("/office/login?lang=en", allow_redirects=False)
    assert home.status == 303
    # The form's token: the advisor has no office page to read it from, so take the
    # session's from the database through the login (the inbox will show it).
    from bot.staff import staff_member

    token = client.session.cookie_jar.filter_cookies(client.make_url("/"))[office_auth.COOKIE]
    staff = await staff_member(services.sessionmaker, services.vault, token.value,
                               services.clock())  # fmt: skip
    assert staff is not None and not staff.is_office and staff.service_ids
    out = await client.post("/office/logout", data={"csrf": staff.csrf}, allow_redirects=False)
    assert out.status == 303 and out.headers["Location"] == "/office/login?bye=1"
    assert await staff_member(services.sessionmaker, services.vault, token.value,
                              services.clock()) is None  # fmt: skip
