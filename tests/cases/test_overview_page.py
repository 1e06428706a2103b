"""/advice/overview over real HTTP: service admins only (advisors and office staff get
the page-not-found answer, anonymous visitors the login), a picker between their
services, each chart with its table, small numbers hidden, German and English."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient

from bot.runtime.services import Services
from bot.staff import StaffRole, create_advisor
from tests.support.cases import PASSWORD
from tests.support.clock import Clock
from tests.support.overview import casework

Client = TestClient[Any, Any]
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
EN = {"Accept-Language": "en"}


async def _login(client: Client, email: str) -> None:
    client.session.cookie_jar.clear()
    form = await client.get("/office/login")
    token = CSRF_FIELD.findall(await form.text())[0]
    answer = await client.post(
        "/office/login",
        data={"email": email, "password": PASSWORD, "csrf": token},
        allow_redirects=False,
    )
    assert answer.status == 303, email


def _table(page: str, key: str) -> str:
    found = re.search(rf'<table class="chart-table" id="{key}-table">.*?</table>', page, re.S)
    assert found, key
    return found[0]


async def test_a_service_admin_reads_the_overview(
    client: Client, services: Services, clock: Clock
) -> None:
    work = await casework(services, clock)
    await _login(client, "service-admin@svc-a.example")
    answer = await client.get("/advice/overview", headers=EN)
    assert answer.status == 200
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    page = await answer.text()
    assert '<html lang="en"' in page and "Beispiel-Migrationsberatung A" in page
    assert 'id="service-picker"' not in page  # one service: nothing to pick
    # No external asset: styles from this server, charts inline.
    assert "https://" not in page and "<script" not in page
    assert page.count("<svg") == 4 and page.count("<details>") == 4
    # Now: 6 open shown; 3 new and 2 waiting hidden, and so is nothing else.
    status = _table(page, "status-now")
    assert "<td>6</td>" in status and "<td>11</td>" in status and status.count("&lt;5") == 2
    assert "<td>3</td>" not in status and "<td>2</td>" not in status
    within = _table(page, "within")
    assert "<td>10</td><td>1.5 h</td><td>50 %</td>" in within
    assert "<td>5</td><td>1.0 h</td><td>100 %</td>" in within
    assert "<td>&lt;5</td><td>&lt;5</td><td>&lt;5</td>" in within  # 2 answered
    assert "Target: 2.0 h within business hours." in page
    # The week of 9 November by language: Arabic 8; Persian 4 and Ukrainian 3 hidden.
    languages = _table(page, "languages")
    nine = re.search(r'<tr><th scope="row"><time datetime="2026-11-09".*?</tr>', languages)
    assert nine, languages
    assert "<td>8</td>" in nine[0] and "<td>4</td>" not in nine[0] and "<td>3</td>" not in nine[0]
    assert "<td>15</td>" in nine[0]
    # German for a login that has chosen it.
    await client.post(
        "/office/language",
        data={"csrf": CSRF_FIELD.findall(page)[0], "lang": "de", "next": "/advice/overview"},
        allow_redirects=False,
    )
    german = await (await client.get("/advice/overview", headers=EN)).text()
    assert '<html lang="de"' in german and "Offene Fälle jetzt" in german
    assert "innerhalb der Öffnungszeiten." in german
    assert work.service_id


async def test_who_gets_the_page(client: Client, services: Services, clock: Clock) -> None:
    work = await casework(services, clock)
    client.session.cookie_jar.clear()
    anonymous = await client.get("/advice/overview", allow_redirects=False)
    assert anonymous.status == 303 and anonymous.headers["Location"].startswith("/office/login")
    for email in ("advisor@svc-a.example", "amt@mitte.example"):
        await _login(client, email)
        refused = await client.get(f"/advice/overview?service={work.service_id}", headers=EN)
        assert refused.status == 404, email
        assert "Beispiel-Migrationsberatung A" not in await refused.text()
    # Another service's admin: their own service only; svc-a is as unknown as no service.
    await _login(client, "service-admin@svc-b.example")
    own = await client.get("/advice/overview", headers=EN)
    assert own.status == 200 and "Beispiel-Flüchtlingsberatung B" in await own.text()
    other = await client.get(f"/advice/overview?service={work.service_id}", headers=EN)
    assert other.status == 404
    nonsense = await client.get("/advice/overview?service=x%27", headers=EN)
    assert nonsense.status == 404


async def test_an_admin_of_two_services_picks_one(
    client: Client, services: Services, clock: Clock
) -> None:
    work = await casework(services, clock, target=False)
    async with services.sessionmaker() as session, session.begin():
        await create_advisor(session, "leitung@example.org", PASSWORD,
                             role=StaffRole.SERVICE_ADMIN, services=["svc-a", "svc-b"],
                             languages=["de"])  # fmt: skip
    await _login(client, "leitung@example.org")
    first = await (await client.get("/advice/overview", headers=EN)).text()
    assert 'id="service-picker"' in first and '<select id="service" name="service">' in first
    # Sorted by name: svc-b's "Flüchtlingsberatung" comes first.
    assert "<h1>Overview: Beispiel-Flüchtlingsberatung B</h1>" in first
    chosen = await client.get(f"/advice/overview?service={work.service_id}", headers=EN)
    page = await chosen.text()
    assert "<h1>Overview: Beispiel-Migrationsberatung A</h1>" in page
    assert f'<option value="{work.service_id}" selected>' in page
    # No target set: said in words, no chart against one, the medians still in the table.
    assert 'id="no-target"' in page and page.count("<svg") == 3
    assert "<td>10</td><td>1.5 h</td><td>no target</td>" in _table(page, "within")
