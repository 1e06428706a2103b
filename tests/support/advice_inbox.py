"""Logging in to the advisor inbox over real HTTP, and the session's CSRF token."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.db.models import AccessEntry
from bot.runtime.services import Services
from tests.support.cases import PASSWORD

Client = TestClient[Any, Any]
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


async def log_in(client: Client, email: str, *, lang: str = "de") -> str:
    """Logs `email` in (the cookie jar is cleared first); the session's CSRF token."""
    client.session.cookie_jar.clear()
    form = await client.get(f"/office/login?lang={lang}")
    token = CSRF_FIELD.findall(await form.text())[0]
    answer = await client.post(
        "/office/login",
        data={"email": email, "password": PASSWORD, "csrf": token, "lang": lang},
        allow_redirects=False,
    )
    assert answer.status == 303, (email, answer.status)
    home = await client.get("/office/login", allow_redirects=True)
    found = CSRF_FIELD.findall(await home.text())
    assert found, email
    return str(found[0])


async def entries(services: Services, person_id: int | None = None) -> int:
    """How many access-log entries staff have written (about one person, or at all)."""
    async with services.sessionmaker() as session:
        query = select(func.count()).select_from(AccessEntry).where(AccessEntry.role != "person")
        if person_id is not None:
            query = query.where(AccessEntry.person_id == person_id)
        return int(await session.scalar(query) or 0)


async def walk_the_inbox(walk: Any) -> None:
    """For tests/web/test_access_log_routes.py: an advisor's list, case page and every
    action each write one entry, about the person whose case it is, by the advisor.
    `walk` is that module's Walk (the app, the routes hit, the entries written)."""
    from bot.audit import Actor
    from bot.staff import StaffRole, create_advisor
    from tests.support.cases import handed_off, import_services, new_person

    services: Services = walk.services
    async with services.sessionmaker() as session, session.begin():
        await import_services(session, services.clock())
        user = await create_advisor(session, "beratung@svc-a.example", PASSWORD,
                                    role=StaffRole.ADVISOR, services=["svc-a"],
                                    languages=["de"])  # fmt: skip
    advisor = Actor.advisor(user.id)
    person = await new_person(services)
    case = await handed_off(services, person, "svc-a")
    form = await walk.none("GET", "/office/login")
    token = CSRF_FIELD.findall(await form.text())[0]
    login = {"email": "beratung@svc-a.example", "password": PASSWORD, "csrf": token}
    await walk.none("POST", "/office/login", data=login)
    for method in ("GET", "HEAD"):
        await walk.about(method, "/advice/inbox", advisor, {person})
        await walk.about(method, f"/advice/cases/{case}", advisor, {person})
    page = await walk.client.get(f"/advice/cases/{case}")
    csrf = CSRF_FIELD.findall(await page.text())[0]
    forms = {
        "note": {"body": "Rückruf am Montag"},
        "assign": {"to": "me"},
        "status": {"status": "waiting"},
        "reply": {"text": "Guten Tag"},
    }
    for action, fields in forms.items():
        await walk.about("POST", f"/advice/cases/{case}/{action}", advisor, {person},
                         data={**fields, "csrf": csrf})  # fmt: skip
    await walk.none("POST", "/office/logout", data={"csrf": csrf})
