"""The inbox's "due" view, which the digest's "due soon" and "overdue" link to: open
cases with a running due time, earliest first, through the access rule; one service
with `service=<slug>`; and the digest's links, fetched over HTTP as the advisor, list
exactly the cases the digest counted."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.cases import CaseStatus, View, assign, list_cases, set_status
from bot.cases.access import member
from bot.cases.digest import View as Figure
from bot.cases.digest import inbox_link
from bot.cases.digest_store import counts
from bot.db.models import AdviceService, ServiceLevel
from bot.runtime.services import Services
from tests.support.advice_inbox import Client, entries, log_in
from tests.support.cases import handed_off, new_person, seed_world
from tests.support.clock import Clock

LISTED = re.compile(r'href="/advice/cases/(\d+)"')


async def _level(services: Services, slug: str) -> None:
    async with services.sessionmaker() as session, session.begin():
        service_id = await session.scalar(
            select(AdviceService.id).where(AdviceService.slug == slug)
        )
        assert service_id is not None
        session.add(ServiceLevel(service_id=service_id, first_response_minutes=120,
                                 next_response_minutes=60, digest_to=[]))  # fmt: skip


async def _cases(services: Services, clock: Clock, advisor: int) -> dict[str, int]:
    """One case of each kind for svc-a (and one of svc-b), `clock` moved on so that
    "overdue" is past its due time and "soon" in its last part."""
    made: dict[str, int] = {}

    async def case(name: str, slug: str = "svc-a") -> None:
        made[name] = await handed_off(services, await new_person(services), slug)

    await case("untargeted")  # before the service set targets: nothing is due
    await _level(services, "svc-a")
    await _level(services, "svc-b")
    await case("overdue")
    async with services.sessionmaker() as session, session.begin():
        await assign(session, advisor, made["overdue"], advisor, clock.now)
    clock.advance(hours=2)
    await case("soon")
    await case("other", "svc-b")
    for name in ("waiting", "resolved"):
        await case(name)
    async with services.sessionmaker() as session, session.begin():
        await set_status(session, advisor, made["waiting"], CaseStatus.WAITING, clock.now,
                         case_days=180)  # fmt: skip
        await set_status(session, advisor, made["resolved"], CaseStatus.RESOLVED, clock.now,
                         case_days=180)  # fmt: skip
    clock.advance(minutes=100)
    return made


async def test_due_lists_open_cases_earliest_due_first(services: Services, clock: Clock) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    made = await _cases(services, clock, advisor)
    clock.advance(minutes=5)
    made["later"] = await handed_off(services, await new_person(services), "svc-a")
    before = await entries(services)
    async with services.sessionmaker() as session, session.begin():
        rows = await list_cases(session, advisor, View.DUE, clock.now)
    assert [r.id for r in rows] == [made["overdue"], made["soon"], made["later"]]
    due = [r.due_at for r in rows if r.due_at is not None]
    assert len(due) == 3 and due == sorted(due) and due[0] < clock.now < due[1]
    assert await entries(services) == before + 3  # one per listed person

    async with services.sessionmaker() as session, session.begin():
        # Paging by (due time, id): one at a time, nothing twice, nothing missed.
        paged, after = [], None
        while page := await list_cases(session, advisor, View.DUE, clock.now, limit=1,
                                       after_due=after):  # fmt: skip
            paged += page
            assert page[0].due_at is not None
            after = (page[0].due_at, page[0].id)
        assert [r.id for r in paged] == [r.id for r in rows]
        # Another service's advisor sees only theirs.
        other = await list_cases(session, world.logins["advisor:svc-b"], View.DUE, clock.now)
        assert [r.id for r in other] == [made["other"]]


async def test_the_service_filter_keeps_to_the_own_services(
    services: Services, clock: Clock
) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    made = await _cases(services, clock, advisor)
    async with services.sessionmaker() as session, session.begin():
        for view in View:
            every = await list_cases(session, advisor, view, clock.now)
            one = await list_cases(session, advisor, view, clock.now, service="svc-a")
            assert [r.id for r in one] == [r.id for r in every], view
            # A colleague service's slug and an unknown one look alike: nothing.
            for slug in ("svc-b", "no-such-service", "svc-a' OR 1=1 --"):
                assert await list_cases(session, advisor, view, clock.now, service=slug) == []
        admin_b = world.logins["service-admin:svc-b"]
        everything = await list_cases(session, admin_b, View.ALL, clock.now, service="svc-b")
        assert [r.id for r in everything] == [made["other"]]


async def test_the_digests_links_list_exactly_the_counted_cases(
    client: Client, services: Services, clock: Clock
) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    made = await _cases(services, clock, advisor)
    async with services.sessionmaker() as session:
        who = await member(session, advisor)
        assert who is not None
        [figures] = await counts(session, who, clock.now)
    assert (figures.unassigned, figures.mine, figures.due_soon, figures.overdue) == (3, 1, 1, 1)
    await log_in(client, "advisor@svc-a.example")
    expected = {
        Figure.UNASSIGNED: {made["untargeted"], made["soon"], made["waiting"]},
        Figure.MINE: {made["overdue"]},
    }
    for figure, cases in expected.items():
        page = await (await client.get(inbox_link("", figure, "svc-a"))).text()
        assert set(map(int, LISTED.findall(page))) == cases, figure
        assert len(cases) == figures.count(figure)
    # Due soon and overdue share one list: the overdue first, then the due soon.
    link = inbox_link("", Figure.OVERDUE, "svc-a")
    assert (
        link == inbox_link("", Figure.DUE_SOON, "svc-a") == "/advice/inbox?view=due&service=svc-a"
    )
    page = await (await client.get(link)).text()
    assert [int(i) for i in LISTED.findall(page)] == [made["overdue"], made["soon"]]
    assert len(LISTED.findall(page)) == figures.overdue + figures.due_soon
    # The navigation keeps the service; a colleague service's list is just empty.
    assert 'href="/advice/inbox?view=mine&amp;service=svc-a"' in page
    foreign = await client.get("/advice/inbox?view=due&service=svc-b")
    unknown = await client.get("/advice/inbox?view=due&service=nope")
    assert foreign.status == unknown.status == 200
    assert not LISTED.findall(await foreign.text())
    assert not LISTED.findall(await unknown.text())
