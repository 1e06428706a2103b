"""A service's casework over a few weeks, for the overview's tests: cases handed off
at chosen moments (bot.cases.hand_off), assigned, answered, waiting, resolved and
withdrawn, with svc-a's service level (2 business hours to a first response, Monday to
Friday 9 to 16 o'clock in Berlin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.cases import CaseStatus, Field, Request, assign, hand_off, set_status, withdraw
from bot.db.models import AdviceService, Case, ServiceLevel
from bot.kernel.types import Channel
from bot.runtime.services import Services
from tests.support.cases import World, new_person, seed_world
from tests.support.clock import Clock

#: 2026-11-09 is a Monday; Berlin is UTC+1 in November (10:00 local is 09:00 UTC).
MON_9 = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)
FRI_13_1530 = datetime(2026, 11, 13, 14, 30, tzinfo=UTC)
MON_16_0930 = datetime(2026, 11, 16, 8, 30, tzinfo=UTC)
MON_2 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
#: "Now": Monday 2026-11-23 10:00 in Berlin (the test clock's start).
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
#: Business minutes to the first response of the ten cases of the week of 9 November.
WEEK_9_MINUTES = (10, 20, 30, 40, 50, 130, 140, 150, 160, 170)
TARGET = 120


@dataclass(frozen=True, slots=True)
class Casework:
    world: World
    admin: int
    service_id: int


async def _case(services: Services, clock: Clock, at: datetime, language: str) -> int:
    clock.now = at
    person = await new_person(services)
    request = Request(
        service_slug="svc-a", values={Field.FIRST_NAME: "Amina"}, language=language,
        channel=Channel.WEBCHAT, expires_at=at + timedelta(days=90), topic="residence",
    )  # fmt: skip
    async with services.sessionmaker() as session, session.begin():
        return await hand_off(session, services.vault, person, request, at)


async def _answered(services: Services, case_id: int, at: datetime) -> None:
    # The relay sets this when an advisor's first reply is stored.
    async with services.sessionmaker() as session, session.begin():
        await session.execute(update(Case).where(Case.id == case_id).values(first_responded_at=at))


async def casework(services: Services, clock: Clock, *, target: bool = True) -> Casework:
    """2 cases in the week of 2 November (answered, resolved); 10 on Monday 9 November
    (ar 8, fa 2; answered after WEEK_9_MINUTES; 6 resolved, 1 withdrawn); 5 on Friday
    13 November at 15:30 (fa 2, uk 3), answered Monday 16 November at 9:30 (60 business
    minutes), 2 of them waiting; 3 new ones on Monday 23 November at 9:00."""
    world = await seed_world(services)  # the directory's data is verified "today"
    admin = world.logins["service-admin:svc-a"]
    async with services.sessionmaker() as session, session.begin():
        service_id = await session.scalar(
            select(AdviceService.id).where(AdviceService.slug == "svc-a")
        )
        assert service_id is not None
        if target:
            hours = {day: [["09:00", "16:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
            session.add(ServiceLevel(service_id=service_id, first_response_minutes=TARGET,
                                     next_response_minutes=480, hours=hours, land="be",
                                     timezone="Europe/Berlin", digest_to=[]))  # fmt: skip

    async def move(case_id: int, at: datetime, status: CaseStatus | None = None) -> None:
        clock.now = at
        async with services.sessionmaker() as session, session.begin():
            if status is None:
                await assign(session, admin, case_id, admin, at)
            else:
                await set_status(session, admin, case_id, status, at, case_days=180)

    for _ in range(2):
        case_id = await _case(services, clock, MON_2, "ar")
        await _answered(services, case_id, MON_2 + timedelta(minutes=15))
        await move(case_id, MON_2 + timedelta(hours=1), CaseStatus.RESOLVED)
    week_9 = []
    for i, minutes in enumerate(WEEK_9_MINUTES):
        case_id = await _case(services, clock, MON_9, "ar" if i < 8 else "fa")
        await _answered(services, case_id, MON_9 + timedelta(minutes=minutes))
        await move(case_id, MON_9 + timedelta(minutes=minutes))
        week_9.append(case_id)
    for case_id in week_9[:6]:
        await move(case_id, MON_9 + timedelta(days=1), CaseStatus.RESOLVED)
    clock.now = MON_9 + timedelta(days=2)
    async with services.sessionmaker() as session, session.begin():
        person = await session.scalar(select(Case.person_id).where(Case.id == week_9[6]))
        assert person is not None
        assert await withdraw(session, person, week_9[6], clock.now, case_days=180)
    friday = []
    for i in range(5):
        case_id = await _case(services, clock, FRI_13_1530, "fa" if i < 2 else "uk")
        await _answered(services, case_id, MON_16_0930)
        await move(case_id, MON_16_0930)
        friday.append(case_id)
    for case_id in friday[:2]:
        await move(case_id, MON_16_0930 + timedelta(hours=1), CaseStatus.WAITING)
    for _ in range(3):
        await _case(services, clock, NOW, "uk")
    clock.now = NOW
    return Casework(world, admin, service_id)
