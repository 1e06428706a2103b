"""Who gets what from the inbox over HTTP: every role × every page, POST endpoint and
(none yet) JSON endpoint × a case of service A, one of service B and a withdrawn one of
A. Each cell is exactly the expected status; a refused body holds no case content and
writes no access-log entry; a POST without the CSRF token is refused before anything
else is looked at."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from bot.cases import withdraw
from bot.db.models import StaffUser
from bot.runtime.services import Services
from tests.support.advice_inbox import Client, entries, log_in
from tests.support.cases import FIRST_NAME, handed_off, new_person, seed_world

#: Role → (login e-mail, service it may see or None); anonymous has no login.
ROLES: dict[str, tuple[str | None, str | None]] = {
    "anonymous": (None, None),
    "office staff": ("amt@mitte.example", None),
    "advisor of A": ("advisor@svc-a.example", "A"),
    "advisor of B": ("advisor@svc-b.example", "B"),
    "service admin of A": ("service-admin@svc-a.example", "A"),
    "service admin of B": ("service-admin@svc-b.example", "B"),
    "disabled advisor of A": ("weg@svc-a.example", None),
}
#: Every POST endpoint with a form that works when allowed.
POSTS = {
    "note": {"body": "Rückruf am Montag"},
    "assign": {"to": "me"},
    "status": {"status": "waiting"},
    "reply": {"text": "Guten Tag, wir melden uns."},
}
LOGIN = "/office/login?ended=1"


async def _world(services: Services) -> tuple[dict[str, int], dict[str, int]]:
    world = await seed_world(services)
    people = {name: await new_person(services) for name in ("A", "B", "gone")}
    cases = {
        "A": await handed_off(services, people["A"], "svc-a"),
        "B": await handed_off(services, people["B"], "svc-b"),
        "gone": await handed_off(services, people["gone"], "svc-a"),
    }
    async with services.sessionmaker() as session, session.begin():
        assert await withdraw(session, people["gone"], cases["gone"], services.clock(),
                              case_days=180)  # fmt: skip
    return cases, {**people, **{f"login:{k}": v for k, v in world.logins.items()}}


async def _as(client: Client, services: Services, role: str, ids: dict[str, int]) -> str:
    """Logs the role in; its CSRF token ("" for anonymous and the disabled advisor,
    whose login is disabled after the session began)."""
    email, _ = ROLES[role]
    client.session.cookie_jar.clear()
    if email is None:
        return ""
    if role.startswith("disabled"):
        user_id = ids["login:disabled:svc-a"]
        async with services.sessionmaker() as session, session.begin():
            await session.execute(update(StaffUser).where(StaffUser.id == user_id)
                                  .values(disabled_at=None))  # fmt: skip
        token = await log_in(client, email)
        async with services.sessionmaker() as session, session.begin():
            gone = datetime(2026, 1, 1, tzinfo=UTC)
            await session.execute(update(StaffUser).where(StaffUser.id == user_id)
                                  .values(disabled_at=gone))  # fmt: skip
        return token
    return await log_in(client, email)


def _expected(role: str, case: str, method: str) -> tuple[int, str | None]:
    """(status, Location) for a role on a case ("A", "B", "gone")."""
    email, sees = ROLES[role]
    if email is None or role.startswith("disabled"):
        return 303, LOGIN
    if role == "office staff":
        return 303, "/office"
    if sees == case:
        return (200, None) if method == "GET" else (303, None)
    return 404, None


@pytest.mark.parametrize("role", list(ROLES))
async def test_the_matrix(client: Client, services: Services, role: str) -> None:
    cases, ids = await _world(services)
    token = await _as(client, services, role, ids)
    for name, number in cases.items():
        person = ids[name]
        # The page of the case.
        status, location = _expected(role, name, "GET")
        before = await entries(services)
        answer = await client.get(f"/advice/cases/{number}", allow_redirects=False)
        body = await answer.text()
        assert answer.status == status, (role, name, "GET", answer.status)
        if location:
            assert answer.headers["Location"] == location
        if status == 200:
            assert FIRST_NAME in body and await entries(services) == before + 1
        else:
            assert FIRST_NAME not in body and f"Fall {number}" not in body
            assert await entries(services) == before, (role, name)
        # Every action, first without the token, then with it.
        for action, form in POSTS.items():
            path = f"/advice/cases/{number}/{action}"
            before = await entries(services, person)
            bare = await client.post(path, data=form, allow_redirects=False)
            if ROLES[role][0] is None or role.startswith("disabled"):
                assert bare.status == 303 and bare.headers["Location"] == LOGIN, (role, path)
            else:
                assert bare.status == 403, (role, path, bare.status)
            assert FIRST_NAME not in await bare.text()
            assert await entries(services, person) == before, (role, path)
            status, location = _expected(role, name, "POST")
            answer = await client.post(path, data={**form, "csrf": token or "x"},
                                       allow_redirects=False)  # fmt: skip
            assert answer.status == status, (role, path, answer.status)
            if status == 303:
                wanted = location or f"/advice/cases/{number}?done={action}#main"
                assert answer.headers["Location"] == wanted, (role, path)
            assert FIRST_NAME not in await answer.text()
            assert await entries(services, person) == before + (status == 303 and not location)
    # An id that never existed: the same 404 as another service's case.
    if _expected(role, "A", "GET")[0] == 200:
        unknown = await client.get("/advice/cases/999999", allow_redirects=False)
        other = await client.get(f"/advice/cases/{cases['B' if 'A' in role else 'A']}")
        assert unknown.status == other.status == 404
        assert await unknown.text() == await other.text()
        assert (await client.get("/advice/cases/abc")).status == 404


@pytest.mark.parametrize("role", list(ROLES))
async def test_the_inbox_lists_only_the_own_services_cases(
    client: Client, services: Services, role: str
) -> None:
    cases, ids = await _world(services)
    await _as(client, services, role, ids)
    views = ("", "?view=mine", "?view=unassigned", "?view=all&resolved=1", "?view=due",
             "?view=all&service=svc-a", "?view=all&service=svc-b")  # fmt: skip
    for view in views:
        answer = await client.get(f"/advice/inbox{view}", allow_redirects=False)
        body = await answer.text()
        assert FIRST_NAME not in body
        email, sees = ROLES[role]
        if email is None or role.startswith("disabled"):
            assert answer.status == 303 and answer.headers["Location"] == LOGIN
        elif sees is None:
            assert answer.status == 303 and answer.headers["Location"] == "/office"
        else:
            assert answer.status == 200, (role, view)
            other = "B" if sees == "A" else "A"
            assert f'href="/advice/cases/{cases[other]}"' not in body
            assert f'href="/advice/cases/{cases["gone"]}"' not in body
            # (No target is set in this world: nothing is due.)
            listed = f'href="/advice/cases/{cases[sees]}"' in body
            if view.startswith("?view=all&service="):
                assert listed == view.endswith(f"svc-{sees.lower()}"), (role, view)
            elif view not in ("?view=mine", "?view=due"):
                assert listed, (role, view)


async def test_an_expired_hand_off_is_not_found_like_an_unknown_id(
    client: Client, services: Services
) -> None:
    await seed_world(services)
    person = await new_person(services)
    number = await handed_off(services, person, "svc-a", days=3)
    await log_in(client, "advisor@svc-a.example")
    assert (await client.get(f"/advice/cases/{number}")).status == 200
    services.clock.advance(days=3, seconds=1)  # type: ignore[attr-defined]
    await log_in(client, "advisor@svc-a.example")  # the session itself ended meanwhile
    before = await entries(services, person)
    expired = await client.get(f"/advice/cases/{number}")
    unknown = await client.get("/advice/cases/999999")
    assert expired.status == unknown.status == 404
    body = await expired.text()
    assert FIRST_NAME not in body
    assert body.replace(f"/advice/cases/{number}", "") == (await unknown.text()).replace(
        "/advice/cases/999999", ""
    )
    assert await entries(services, person) == before
    inbox = await (await client.get("/advice/inbox?view=all&resolved=1")).text()
    assert f'href="/advice/cases/{number}"' not in inbox
