"""The office web page over HTTP: login, sessions, CSRF, throttling, the office's own
invitations only, no contact details, and the access log (an entry per invitation shown)."""

from __future__ import annotations

import io
import ipaddress
import re
import zipfile
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.db.models import AccessEntry, Invitation, StaffSession
from bot.invitations.status import InvitationStatus
from bot.kernel.types import Channel
from bot.runtime.services import Services
from bot.staff import login_throttle
from bot.web.app import make_app
from bot.web.office import auth as office_auth
from bot.web.office import page as office_page
from tests.support.clock import Clock
from tests.support.office_page import (
    BAD_ROW,
    EMAIL,
    GOOD_ROW,
    LOGIN_FAILED,
    NAME,
    PASSWORD,
    STREET,
    as_csv,
    invite,
    seed_office,
)

Client = TestClient[Any, Any]
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


async def csrf_of(client: Client, path: str) -> str:
    response = await client.get(path)
    assert response.status == 200, await response.text()
    found = CSRF_FIELD.search(await response.text())
    assert found
    return found[1]


async def login(
    client: Client, email: str = EMAIL, password: str = PASSWORD, forwarded_for: str = ""
) -> Any:
    token = await csrf_of(client, "/office/login")
    return await client.post(
        "/office/login",
        data={"email": email, "password": password, "csrf": token},
        headers={"X-Forwarded-For": forwarded_for} if forwarded_for else {},
        allow_redirects=False,
    )


async def logged_in(client: Client) -> None:
    response = await login(client)
    assert response.status == 303, await response.text()
    assert response.headers["Location"] == "/office"


async def access_rows(services: Services) -> list[AccessEntry]:
    async with services.sessionmaker() as session:
        return list(await session.scalars(select(AccessEntry).order_by(AccessEntry.id)))


async def ids_of(services: Services, *references: str) -> list[int]:
    """The invitations' database ids, in the order of `references`."""
    async with services.sessionmaker() as session:
        found = dict((await session.execute(select(Invitation.reference, Invitation.id))).all())
    return [found[reference] for reference in references]


async def test_login_shows_own_invitations_without_contact_details(
    client: Client, services: Services
) -> None:
    office_id, user_id = await seed_office(services)
    other_id, _ = await seed_office(services, slug="amt-nord", email="nord@amt.example")
    await invite(services, office_id, "AZ-100")
    await invite(services, office_id, "AZ-101", channels=(Channel.SMS,))  # fails: no SMS here
    await invite(services, other_id, "NORD-1")
    assert (await client.get("/office", allow_redirects=False)).status == 303

    await logged_in(client)
    response = await client.get("/office")
    page = await response.text()
    assert response.status == 200
    assert "AZ-100" in page and "AZ-101" in page and "NORD-1" not in page
    assert "Bürgeramt amt-mitte" in page
    for secret in (NAME, STREET, "Amina", "15112345678", "10115"):
        assert secret not in page
    assert re.search(r'data-status="all"[^>]*>Alle <span class="count">2<', page)
    assert re.search(r'data-status="created"[^>]*>Angelegt <span class="count">1<', page)
    assert re.search(r'data-status="failed"[^>]*>Fehlgeschlagen <span class="count">1<', page)
    assert "Brief" in page  # the channel used
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    rows = await access_rows(services)
    # One entry per invitation listed (newest first), none for the other office's.
    newer, older = await ids_of(services, "AZ-101", "AZ-100")
    assert [(r.role, r.actor, r.action, r.office_id, r.invitation_id) for r in rows] == [
        ("office-staff", f"user:{user_id}", "invitation.list", office_id, newer),
        ("office-staff", f"user:{user_id}", "invitation.list", office_id, older),
    ]
    assert {(r.detail, tuple(r.categories)) for r in rows} == {
        ("status=any page=1", ("invitation", "code", "language"))
    }


async def test_filter_search_and_pages(
    client: Client, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    office_id, _ = await seed_office(services)
    for n in range(3):
        await invite(services, office_id, f"AZ-{n}")
    await invite(services, office_id, "SMS-9", channels=(Channel.SMS,))
    await invite(services, office_id, "SENT-1", status=InvitationStatus.SENT)
    await logged_in(client)

    page = await (await client.get("/office?status=failed")).text()
    assert "SMS-9" in page and "AZ-0" not in page
    assert 'data-status="failed" aria-current="true"' in page
    page = await (await client.get("/office?q=ent-")).text()  # any case, any part
    assert "SENT-1" in page and "AZ-0" not in page
    page = await (await client.get("/office?status=nonsense&page=x")).text()
    assert all(ref in page for ref in ("AZ-0", "AZ-2", "SMS-9", "SENT-1"))
    page = await (await client.get("/office?q=%25")).text()
    assert "Keine Einladungen gefunden." in page  # "%" is searched for, not a wildcard

    monkeypatch.setattr(office_page, "PAGE_SIZE", 2)
    first = await (await client.get("/office")).text()
    third = await (await client.get("/office?page=3")).text()
    beyond = await (await client.get("/office?page=99")).text()
    assert "Seite 1 von 3 (5 Einladungen)" in first and 'href="/office?page=2"' in first
    assert "Seite 3 von 3" in third and 'rel="prev" href="/office?page=2"' in third
    assert "Seite 3 von 3" in beyond


async def test_invitation_timeline_and_other_offices(client: Client, services: Services) -> None:
    office_id, user_id = await seed_office(services)
    other_id, _ = await seed_office(services, slug="amt-nord", email="nord@amt.example")
    mine = await invite(services, office_id, "AZ-7", channels=(Channel.SMS,))
    theirs = await invite(services, other_id, "NORD-7")
    await logged_in(client)

    response = await client.get(f"/office/invitations/{mine}")
    page = await response.text()
    assert response.status == 200
    timeline = page.split('id="timeline"')[1]
    assert "Angelegt" in timeline and "Fehlgeschlagen" in timeline
    assert "sms: not configured" in page
    assert NAME not in page and "15112345678" not in page
    for missing in (theirs, "inv_nothing", "AZ-7"):
        answer = await client.get(f"/office/invitations/{missing}")
        assert answer.status == 404
        assert "Diese Einladung gibt es nicht" in await answer.text()
    async with services.sessionmaker() as session:
        invitation_id = await session.scalar(
            select(Invitation.id).where(Invitation.public_id == mine)
        )
    rows = await access_rows(services)
    assert [(r.actor, r.action, r.invitation_id, r.categories) for r in rows] == [
        (f"user:{user_id}", "invitation.read", invitation_id, ["invitation", "code", "language"])
    ]


async def test_failed_logins_are_generic_and_slow_the_client_not_the_account(
    client: Client, services: Services, clock: Clock
) -> None:
    await seed_office(services)
    unknown = await login(client, email="nobody@amt.example")
    wrong = await login(client, password="falsch-aber-lang")
    assert unknown.status == wrong.status == 401
    assert LOGIN_FAILED in await unknown.text() and LOGIN_FAILED in await wrong.text()
    assert "nobody@amt.example" in await unknown.text()  # the form keeps what was typed
    for _ in range(4):  # five wrong passwords in all, from this client
        assert (await login(client, password="falsch-aber-lang")).status == 401
    slowed = await login(client)
    assert slowed.status == 429 and "Zu viele Anmeldeversuche." in await slowed.text()
    # Whoever typed them locked out only themselves: the staff member, elsewhere, gets in.
    trust_the_proxy(services)
    assert (await login(client, forwarded_for="203.0.113.50")).status == 303
    client.session.cookie_jar.clear()  # logged out again
    assert (await login(client, forwarded_for="127.0.0.1")).status == 429
    clock.advance(minutes=15, seconds=1)
    assert (await login(client, forwarded_for="127.0.0.1")).status == 303


def trust_the_proxy(services: Services) -> None:
    """The test client stands for a reverse proxy that names each client."""
    services.settings = services.settings.model_copy(
        update={"trusted_proxies": (ipaddress.ip_network("127.0.0.0/8"),)}
    )


async def test_too_many_failures_from_one_address(
    client: Client, services: Services, clock: Clock
) -> None:
    await seed_office(services)
    for n in range(login_throttle.CLIENT_LIMIT.most):
        assert (await login(client, email=f"n{n}@amt.example")).status == 401
    blocked = await login(client)
    assert blocked.status == 429 and "Zu viele Anmeldeversuche." in await blocked.text()
    clock.advance(minutes=15)
    assert (await login(client)).status == 303


async def test_behind_a_trusted_proxy_failures_count_per_client(
    client: Client, services: Services
) -> None:
    await seed_office(services)
    failures = login_throttle.CLIENT_LIMIT.most
    # Not trusted: a client cannot dodge the throttle by naming another address.
    for n in range(failures):
        response = await login(client, email=f"a{n}@amt.example", forwarded_for=f"198.51.100.{n}")
        assert response.status == 401
    assert (await login(client, forwarded_for="198.51.100.99")).status == 429

    trust_the_proxy(services)
    # Trusted: the proxy's own address no longer counts, each client does.
    for n in range(failures):
        response = await login(client, email=f"b{n}@amt.example", forwarded_for="203.0.113.7")
        assert response.status == 401
    assert (await login(client, forwarded_for="203.0.113.7")).status == 429
    # A client prepending a made-up hop is still counted by the address the proxy saw.
    spoofed = await login(client, forwarded_for="192.0.2.1, 203.0.113.7")
    assert spoofed.status == 429
    assert (await login(client, forwarded_for="203.0.113.8")).status == 303


async def test_an_account_under_attack_still_lets_in_its_usual_place(
    client: Client, services: Services
) -> None:
    await seed_office(services)
    trust_the_proxy(services)
    office = "203.0.113.5"
    assert (await login(client, forwarded_for=office)).status == 303  # a usual place now
    client.session.cookie_jar.clear()
    for n in range(login_throttle.ACCOUNT_LIMIT.most):  # many clients, a few tries each
        wrong = await login(client, password="geraten-0000", forwarded_for=f"198.51.{n}.1")
        assert wrong.status == 401
    # Under attack: a new place cannot even try, with the right password...
    assert (await login(client, forwarded_for="192.0.2.200")).status == 429
    # ...but the staff member at the office logs in as usual.
    assert (await login(client, forwarded_for=office)).status == 303
    client.session.cookie_jar.clear()
    # An operator can lift it (`lotse office user unlock`).
    async with services.sessionmaker() as session, session.begin():
        forgotten = await login_throttle.unlock_login(session, services.vault, EMAIL)
    assert forgotten == login_throttle.ACCOUNT_LIMIT.most
    assert (await login(client, forwarded_for="192.0.2.200")).status == 303


async def test_the_throttle_survives_a_restart(client: Client, services: Services) -> None:
    await seed_office(services)
    for _ in range(login_throttle.PAIR_LIMIT.most):
        assert (await login(client, password="falsch-aber-lang")).status == 401
    # Another process (or the same after a restart) on the same database.
    server = TestServer(make_app(services, dispatch=False), host="127.0.0.1")
    async with TestClient(server) as restarted:
        assert (await login(restarted)).status == 429


async def test_cookies(client: Client, services: Services) -> None:
    await seed_office(services)
    form = await client.get("/office/login")
    pre = form.headers["Set-Cookie"]
    assert pre.startswith(f"{office_auth.LOGIN_COOKIE}=")
    assert "HttpOnly" in pre and "SameSite=Strict" in pre and "Path=/office" in pre
    assert "Secure" not in pre  # LOTSE_PUBLIC_URL is http here
    response = await login(client)
    cookie = response.cookies[office_auth.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["secure"]
    async with services.sessionmaker() as session:
        stored = list(await session.scalars(select(StaffSession)))
    assert len(stored) == 1 and cookie.value not in (stored[0].token_index, stored[0].csrf_token)
    assert stored[0].token_index == services.vault.index("staff-session", cookie.value)

    services.settings = services.settings.model_copy(update={"public_url": "https://lotse.example"})
    client.session.cookie_jar.clear()
    form = await client.get("/office/login")
    assert "; Secure" in form.headers["Set-Cookie"]
    token = CSRF_FIELD.findall(await form.text())[0]
    # The client does not send Secure cookies over http: as a browser on https would.
    answer = await client.post(
        "/office/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf": token},
        headers={"Cookie": f"{office_auth.LOGIN_COOKIE}={token}"},
        allow_redirects=False,
    )
    assert answer.status == 303
    assert answer.cookies[office_auth.COOKIE]["secure"]


async def test_csrf_is_checked_on_every_post(client: Client, services: Services) -> None:
    await seed_office(services)
    await csrf_of(client, "/office/login")
    form = {"email": EMAIL, "password": PASSWORD}
    for data in (form, form | {"csrf": "wrong"}):
        response = await client.post("/office/login", data=data, allow_redirects=False)
        assert response.status == 403
        assert "Die Sicherheitsprüfung des Formulars ist fehlgeschlagen." in await response.text()
    await logged_in(client)
    upload = FormData()
    upload.add_field("file", b"reference\n", filename="a.csv", content_type="text/csv")
    posts: list[tuple[str, Any, dict[str, str]]] = [
        ("/office/logout", {}, {}),
        ("/office/logout", {"csrf": "wrong"}, {}),
        ("/office/letters/download", {"csrf": "x"}, {}),
        ("/office/upload", upload, {}),
        ("/office/upload", b"", {"X-CSRF-Token": "wrong"}),
    ]
    for path, data, headers in posts:
        response = await client.post(path, data=data, headers=headers, allow_redirects=False)
        assert response.status == 403, path
    assert (await client.get("/office")).status == 200  # still logged in


async def test_non_ascii_csrf_values_and_cookies_are_refused_not_a_crash(
    client: Client, services: Services
) -> None:
    await seed_office(services)
    token = await csrf_of(client, "/office/login")
    form = {"email": EMAIL, "password": PASSWORD}
    for given in ("\u00e4" * 43, token + "\u00e4", "\U0001f600"):
        response = await client.post(
            "/office/login", data=form | {"csrf": given}, allow_redirects=False
        )
        assert response.status == 403, given
    client.session.cookie_jar.clear()
    odd = "\u00e4" * 43
    cookie = {"Cookie": f"{office_auth.LOGIN_COOKIE}={odd}".encode().decode("latin-1")}
    response = await client.post(
        "/office/login", data=form | {"csrf": odd}, headers=cookie, allow_redirects=False
    )
    assert response.status == 403
    page = await client.get("/office/login", headers=cookie)  # a fresh token instead
    assert page.status == 200 and odd not in (await page.text())
    cookie = {"Cookie": f"{office_auth.COOKIE}={odd}".encode().decode("latin-1")}
    response = await client.get("/office", headers=cookie, allow_redirects=False)
    assert response.status in {302, 303}


async def test_logout_and_expiry(client: Client, services: Services, clock: Clock) -> None:
    await seed_office(services)
    await logged_in(client)
    token = await csrf_of(client, "/office")
    response = await client.post("/office/logout", data={"csrf": token}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/office/login?bye=1"
    async with services.sessionmaker() as session:
        assert list(await session.scalars(select(StaffSession))) == []
    answer = await client.get("/office", allow_redirects=False)
    assert answer.headers["Location"] == "/office/login?ended=1"

    await logged_in(client)
    clock.advance(hours=7, minutes=59)
    assert (await client.get("/office", allow_redirects=False)).status == 200
    clock.advance(hours=3, minutes=59)  # active all along: 11:58 after login
    assert (await client.get("/office", allow_redirects=False)).status == 200
    clock.advance(minutes=2)  # 12 hours after login at the latest
    assert (await client.get("/office", allow_redirects=False)).status == 303
    await logged_in(client)
    clock.advance(hours=8)  # 8 hours idle
    assert (await client.get("/office", allow_redirects=False)).status == 303
    async with services.sessionmaker() as session:
        assert list(await session.scalars(select(StaffSession))) == []


async def test_upload_report(client: Client, services: Services) -> None:
    _, user_id = await seed_office(services)
    await logged_in(client)
    token = await csrf_of(client, "/office/upload")
    form = FormData()
    form.add_field("csrf", token)
    form.add_field("file", as_csv(GOOD_ROW, BAD_ROW), filename="liste.csv", content_type="text/csv")
    response = await client.post("/office/upload", data=form)
    page = await response.text()
    assert response.status == 200, page
    assert "2 Zeilen: 1 angelegt, 0 schon vorhanden, 1 mit Fehler." in page
    assert re.search(r'data-outcome="created"><th scope="row">2</th><td>CSV-1</td>', page)
    assert re.search(r'data-outcome="error"><th scope="row">3</th><td>CSV-2</td>', page)
    assert NAME not in page and STREET not in page
    # The same file again, sent as the script sends it (header token, no field).
    again = FormData()
    again.add_field("file", as_csv(GOOD_ROW), filename="liste.csv", content_type="text/csv")
    response = await client.post("/office/upload", data=again, headers={"X-CSRF-Token": token})
    assert "1 Zeile: 0 angelegt, 1 schon vorhanden, 0 mit Fehler." in await response.text()
    [created] = await ids_of(services, "CSV-1")
    uploads = [
        (r.role, r.actor, r.invitation_id, r.detail)
        for r in await access_rows(services)
        if r.action == "bulk.upload"
    ]
    # An entry per invitation written or found again, none for a row in error.
    assert uploads == [
        ("office-staff", f"user:{user_id}", created, "rows=2 created=1 existing=0 errors=1"),
        ("office-staff", f"user:{user_id}", created, "rows=1 created=0 existing=1 errors=0"),
    ]


async def test_upload_problems(client: Client, services: Services) -> None:
    await seed_office(services)
    await logged_in(client)
    token = await csrf_of(client, "/office/upload")
    headers = {"X-CSRF-Token": token}
    empty = FormData()
    empty.add_field("file", b"", filename="leer.csv", content_type="text/csv")
    response = await client.post("/office/upload", data=empty, headers=headers)
    assert response.status == 400 and "Bitte eine CSV-Datei auswählen." in await response.text()
    broken = FormData()
    broken.add_field("file", b"\xff\xfe\x00kaputt", filename="x.csv", content_type="text/csv")
    response = await client.post("/office/upload", data=broken, headers=headers)
    assert response.status == 400 and "nicht gelesen werden" in await response.text()
    services.settings = services.settings.model_copy(update={"bulk_max_bytes": 1024})
    large = FormData()
    large.add_field("file", as_csv(*[GOOD_ROW] * 20), filename="x.csv", content_type="text/csv")
    response = await client.post("/office/upload", data=large, headers=headers)
    assert response.status == 413 and "größer als 1 KB" in await response.text()
    # More than the app-wide 64 KiB body limit is fine below LOTSE_BULK_MAX_BYTES.
    services.settings = services.settings.model_copy(update={"bulk_max_bytes": 1024 * 1024})
    rows = [BAD_ROW.replace("CSV-2", f"R-{n}") for n in range(1200)]
    bulky = FormData()
    bulky.add_field("file", as_csv(*rows), filename="x.csv", content_type="text/csv")
    response = await client.post("/office/upload", data=bulky, headers=headers)
    assert response.status == 200
    assert "1.200 Zeilen: 0 angelegt, 0 schon vorhanden, 1.200 mit Fehler." in await response.text()


async def test_letters_page_and_download(client: Client, services: Services) -> None:
    office_id, user_id = await seed_office(services)
    await logged_in(client)
    page = await (await client.get("/office/letters")).text()
    assert "Zurzeit warten keine Briefe auf den Druck." in page and "letters/download" not in page
    await invite(services, office_id, "BRIEF-1")
    page = await (await client.get("/office/letters")).text()
    assert "Briefe, die auf den Druck warten: 1" in page
    token = CSRF_FIELD.findall(page)[-1]
    response = await client.post("/office/letters/download", data={"csrf": token})
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="')
    assert (await response.read())[:2] == b"PK"
    first = await response.read()
    again = await client.post("/office/letters/download", data={"csrf": token})
    assert again.status == 409 and "Zurzeit warten keine Briefe" in await again.text()
    # The batch is listed and can be downloaded again, the same letters in it.
    page = await (await client.get("/office/letters")).text()
    [batch_id] = re.findall(r'name="batch" value="([^"]+)"', page)
    assert "Frühere Druckdateien" in page and f"{batch_id}</th>" in page
    reprint = await client.post("/office/letters/reprint", data={"csrf": token, "batch": batch_id})
    assert reprint.status == 200 and reprint.headers["Content-Type"] == "application/zip"
    assert _zip_names(await reprint.read()) == _zip_names(first)
    unknown = await client.post("/office/letters/reprint", data={"csrf": token, "batch": "x"})
    assert unknown.status == 404 and "Diese Druckdatei gibt es" in await unknown.text()
    forged = await client.post("/office/letters/reprint", data={"csrf": "x", "batch": batch_id})
    assert forged.status == 403
    [letter] = await ids_of(services, "BRIEF-1")
    # The letters page shows counts and batch ids only: no entry. The download and the
    # reprint read the letter's address: an entry each.
    assert [(r.actor, r.action, r.invitation_id) for r in await access_rows(services)] == [
        (f"user:{user_id}", "letters.export", letter),
        (f"user:{user_id}", "letters.reprint", letter),
    ]


def _zip_names(archive: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        return sorted(files.namelist())
