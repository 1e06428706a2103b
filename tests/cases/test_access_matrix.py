"""Who sees a case: every kind of staff member and every state of a hand-off, against
every way to reach a case. Each cell either works (and writes exactly one access-log
entry, naming the service) or is exactly "not found", as for an id that never existed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from bot.cases import (
    CaseNotFound,
    View,
    add_note,
    assign,
    list_cases,
    open_case,
    withdraw,
)
from bot.db.models import AccessEntry
from bot.runtime.services import Services
from tests.support.cases import FIRST_NAME, SERVICES, handed_off, new_person, seed_world

WHO = {
    "advisor of the service": ("advisor:svc-a", True),
    "advisor of another service": ("advisor:svc-b", False),
    "admin of the service": ("service-admin:svc-a", True),
    "admin of another service": ("service-admin:svc-b", False),
    "office staff": ("office", False),
    "disabled advisor of the service": ("disabled:svc-a", False),
}
STATES = ("active", "withdrawn", "expired")
ACTIONS = ("list", "open", "assign", "note")

Op = Callable[[Services, int, int], Awaitable[bool]]


async def _list(services: Services, user_id: int, case_id: int) -> bool:
    async with services.sessionmaker() as session, session.begin():
        rows = await list_cases(session, user_id, View.ALL, services.clock())
    assert all(FIRST_NAME not in repr(row) for row in rows)  # a list shows no shared value
    return case_id in [row.id for row in rows]


async def _open(services: Services, user_id: int, case_id: int) -> bool:
    async with services.sessionmaker() as session, session.begin():
        detail = await open_case(session, services.vault, user_id, case_id, services.clock())
    assert FIRST_NAME in detail.shared.values()
    return True


async def _assign(services: Services, user_id: int, case_id: int) -> bool:
    async with services.sessionmaker() as session, session.begin():
        await assign(session, user_id, case_id, user_id, services.clock())
    return True


async def _note(services: Services, user_id: int, case_id: int) -> bool:
    async with services.sessionmaker() as session, session.begin():
        await add_note(session, services.vault, user_id, case_id, "Rückruf Montag",
                       services.clock())  # fmt: skip
    return True


OPS: dict[str, Op] = {"list": _list, "open": _open, "assign": _assign, "note": _note}


async def _entries(services: Services, person_id: int) -> list[AccessEntry]:
    async with services.sessionmaker() as session:
        rows = await session.scalars(
            select(AccessEntry)
            .where(AccessEntry.person_id == person_id, AccessEntry.role != "person")
            .order_by(AccessEntry.id)
        )
        return list(rows)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
async def test_the_matrix(services: Services, action: str, state: str) -> None:
    world = await seed_world(services)
    person = await new_person(services)
    case_id = await handed_off(services, person, "svc-a", days=30)
    other_person = await new_person(services)
    await handed_off(services, other_person, "svc-b")
    if state == "withdrawn":
        async with services.sessionmaker() as session, session.begin():
            assert await withdraw(session, person, case_id, services.clock(), case_days=180)
    elif state == "expired":
        services.clock.advance(days=30, seconds=1)  # type: ignore[attr-defined]
    op = OPS[action]
    for who, (login, allowed) in WHO.items():
        user_id = world.logins[login]
        works = allowed and state == "active"
        before = len(await _entries(services, person))
        if action == "list":
            assert await op(services, user_id, case_id) is works, who
        elif works:
            assert await op(services, user_id, case_id), who
        else:
            with pytest.raises(CaseNotFound):
                await op(services, user_id, case_id)
            # The same answer as for an id that does not exist.
            with pytest.raises(CaseNotFound):
                await op(services, user_id, case_id + 1000)
        after = await _entries(services, person)
        assert len(after) == before + works, (who, [e.action for e in after])
        if works:
            entry = after[-1]
            assert entry.action == f"case.{'read' if action == 'open' else action}"
            assert entry.detail == SERVICES["svc-a"] and entry.office_id is None
            assert entry.actor == f"user:{user_id}" and entry.categories == ["case"]
            assert entry.role == ("service-admin" if "admin" in who else "advisor")
    # svc-b's people reached their own case only (its person's log names svc-b).
    assert {e.detail for e in await _entries(services, other_person)} <= {SERVICES["svc-b"]}


async def test_a_membership_removed_ends_access_at_the_next_request(services: Services) -> None:
    from bot.staff import advisor_by_email, set_services

    world = await seed_world(services)
    case_id = await handed_off(services, await new_person(services))
    advisor = world.logins["advisor:svc-a"]
    assert await _open(services, advisor, case_id)
    async with services.sessionmaker() as session, session.begin():
        user = await advisor_by_email(session, "advisor@svc-a.example")
        await set_services(session, user, add=["svc-b"], remove=["svc-a"])
    with pytest.raises(CaseNotFound):
        await _open(services, advisor, case_id)
    assert not await _list(services, advisor, case_id)


async def test_assigning_to_someone_outside_the_service_is_not_found(services: Services) -> None:
    world = await seed_world(services)
    case_id = await handed_off(services, await new_person(services))
    for outsider in ("advisor:svc-b", "office", "disabled:svc-a"):
        async with services.sessionmaker() as session, session.begin():
            with pytest.raises(CaseNotFound):
                await assign(session, world.logins["advisor:svc-a"], case_id,
                             world.logins[outsider], services.clock())  # fmt: skip


async def test_views_mine_and_unassigned(services: Services) -> None:
    world = await seed_world(services)
    first = await handed_off(services, await new_person(services))
    second = await handed_off(services, await new_person(services))
    me = world.logins["advisor:svc-a"]
    async with services.sessionmaker() as session, session.begin():
        await assign(session, me, first, me, services.clock())
    services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    async with services.sessionmaker() as session, session.begin():
        now = services.clock()
        mine = [r.id for r in await list_cases(session, me, View.MINE, now)]
        unassigned = [r.id for r in await list_cases(session, me, View.UNASSIGNED, now)]
        everything = [r.id for r in await list_cases(session, me, View.ALL, now)]
    assert mine == [first] and unassigned == [second] and everything == [second, first]
