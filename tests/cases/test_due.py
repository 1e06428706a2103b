"""Persisted due times follow the case: hand-off, the person writing, an advisor's
reply, waiting and resolving, in the service's business hours (weekends, the Land's
public holidays), with a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.cases import CaseStatus, set_status
from bot.cases.due import advisor_replied, person_wrote
from bot.db.models import AdviceService, Case, CaseMessage, ServiceLevel
from bot.runtime.services import Services
from tests.support.cases import handed_off, new_person, seed_world
from tests.support.clock import Clock


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def _levels(services: Services, *, first: int = 120, nxt: int = 60,
                  land: str | None = "NW") -> None:  # fmt: skip
    async with services.sessionmaker() as session, session.begin():
        service_id = await session.scalar(
            select(AdviceService.id).where(AdviceService.slug == "svc-a")
        )
        assert service_id is not None
        session.add(ServiceLevel(service_id=service_id, first_response_minutes=first,
                                 next_response_minutes=nxt, land=land, digest_to=[]))  # fmt: skip


async def _case(services: Services, case_id: int) -> Case:
    async with services.sessionmaker() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        return case


async def _status(services: Services, login: int, case_id: int, status: CaseStatus) -> None:
    async with services.sessionmaker() as session, session.begin():
        await set_status(session, login, case_id, status, services.clock(), case_days=180)


async def test_no_service_level_row_means_no_due_times(services: Services) -> None:
    await seed_world(services)
    case = await _case(services, await handed_off(services, await new_person(services)))
    assert case.first_response_due is None and case.next_response_due is None


async def test_a_hand_off_on_friday_afternoon_is_due_on_monday(
    services: Services, clock: Clock
) -> None:
    await seed_world(services)
    await _levels(services)
    clock.now = utc(2026, 11, 27, 14, 0)  # Friday 15:00 in Berlin: one open hour left
    case = await _case(services, await handed_off(services, await new_person(services)))
    assert case.first_response_due == utc(2026, 11, 30, 9, 0)  # Monday 10:00 in Berlin


async def test_the_lands_public_holiday_does_not_count(services: Services, clock: Clock) -> None:
    await seed_world(services)
    await _levels(services, land="NW")
    clock.now = utc(2026, 6, 3, 13, 0)  # Wednesday 15:00 in Berlin; Thursday is Corpus Christi
    nw = await _case(services, await handed_off(services, await new_person(services)))
    assert nw.first_response_due == utc(2026, 6, 5, 8, 0)  # Friday 10:00 in Berlin
    async with services.sessionmaker() as session, session.begin():
        row = await session.get(ServiceLevel, nw.service_id)
        assert row is not None
        row.land = "BE"  # no holiday in Berlin that day
    be = await _case(services, await handed_off(services, await new_person(services)))
    assert be.first_response_due == utc(2026, 6, 4, 8, 0)


async def test_waiting_pauses_and_the_due_time_moves_by_the_paused_business_minutes(
    services: Services, clock: Clock
) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    await _levels(services)
    case_id = await handed_off(services, await new_person(services))  # Monday 10:00 Berlin
    assert (await _case(services, case_id)).first_response_due == utc(2026, 11, 23, 11, 0)
    clock.advance(hours=1)  # 60 of 120 minutes used
    await _status(services, advisor, case_id, CaseStatus.WAITING)
    waiting = await _case(services, case_id)
    assert waiting.waiting_since == clock.now
    assert waiting.first_response_due == utc(2026, 11, 23, 11, 0)  # unchanged while paused
    clock.now = utc(2026, 11, 24, 9, 0)  # Tuesday 10:00 Berlin
    await _status(services, advisor, case_id, CaseStatus.OPEN)
    resumed = await _case(services, case_id)
    assert resumed.waiting_since is None
    assert resumed.paused_minutes == 5 * 60 + 60  # Monday 11–16, Tuesday 9–10
    assert resumed.first_response_due == utc(2026, 11, 24, 10, 0)  # the 60 minutes left


async def test_replies_and_the_persons_messages_drive_the_next_response(
    services: Services, clock: Clock
) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    await _levels(services, first=120, nxt=60)
    case_id = await handed_off(services, await new_person(services))
    async with services.sessionmaker() as session, session.begin():
        case = await session.get(Case, case_id)
        assert case is not None
        await person_wrote(session, case, clock.now)  # before the first response: nothing
        assert case.next_response_due is None
        clock.advance(minutes=30)
        await advisor_replied(session, case, clock.now)
        assert case.first_responded_at == clock.now
        assert case.first_response_due == utc(2026, 11, 23, 11, 0)  # kept: met in time
        clock.advance(minutes=10)
        await person_wrote(session, case, clock.now)
        assert case.next_response_due == utc(2026, 11, 23, 10, 40)
        clock.advance(minutes=5)
        await person_wrote(session, case, clock.now)  # the oldest unanswered one counts
        assert case.next_response_due == utc(2026, 11, 23, 10, 40)
        await advisor_replied(session, case, clock.now)
        assert case.next_response_due is None
        assert case.first_responded_at == utc(2026, 11, 23, 9, 30)
    # The person answers while the case waits for them: due from the end of the wait.
    await _status(services, advisor, case_id, CaseStatus.WAITING)
    clock.advance(minutes=20)
    async with services.sessionmaker() as session, session.begin():
        case = await session.get(Case, case_id)
        assert case is not None
        session.add(
            CaseMessage(
                case_id=case_id,
                direction="out",
                language="de",
                state="shown",
                created_at=clock.now - timedelta(minutes=25),
            )
        )
        session.add(CaseMessage(case_id=case_id, direction="in", language="ar",
                                state="stored", created_at=clock.now))  # fmt: skip
        await person_wrote(session, case, clock.now)
        assert case.next_response_due is None  # paused
    clock.advance(minutes=10)
    await _status(services, advisor, case_id, CaseStatus.OPEN)
    assert (await _case(services, case_id)).next_response_due == utc(2026, 11, 23, 11, 15)


async def test_resolving_clears_the_due_times(services: Services, clock: Clock) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    await _levels(services)
    case_id = await handed_off(services, await new_person(services))
    await _status(services, advisor, case_id, CaseStatus.WAITING)
    clock.advance(hours=2)
    await _status(services, advisor, case_id, CaseStatus.RESOLVED)
    case = await _case(services, case_id)
    assert case.first_response_due is None and case.next_response_due is None
    assert case.waiting_since is None and case.paused_minutes == 120
