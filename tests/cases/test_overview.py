"""The overview's figures from real casework with a controllable clock: open cases by
status now and per week, first-response times in business minutes against the target
(median, share within), new cases by language and topic; small numbers hidden; service
admins of the service only; nothing written to the access log."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select

from bot.cases import admin_services, service_overview, within_share
from bot.cases.overview import ResponseWeek
from bot.db.models import AccessEntry, ServiceLevel
from bot.runtime.services import Services
from bot.staff import StaffRole, create_advisor
from tests.support.cases import PASSWORD
from tests.support.clock import Clock
from tests.support.overview import NOW, TARGET, casework

WEEK_2, WEEK_9, WEEK_16, WEEK_23 = (date(2026, 11, d) for d in (2, 9, 16, 23))


async def _entries(services: Services) -> int:
    async with services.sessionmaker() as session:
        return await session.scalar(
            select(func.count()).select_from(AccessEntry).where(AccessEntry.role != "person")
        ) or 0  # fmt: skip


async def test_the_figures_of_twelve_weeks(services: Services, clock: Clock) -> None:
    work = await casework(services, clock)
    logged = await _entries(services)
    async with services.sessionmaker() as session:
        figures = await service_overview(session, work.admin, work.service_id, NOW)
    assert figures is not None
    assert figures.service.name == "Beispiel-Migrationsberatung A"
    assert len(figures.weeks) == 12 and figures.weeks[-1] == WEEK_23
    assert figures.weeks[0] == date(2026, 9, 7)
    # Now: 3 new, 6 open, 2 waiting; the two small ones hidden together, the rest shown.
    assert figures.by_status.total == 11
    assert figures.by_status.cells == (None, 6, None)
    # Open at the end of each week: withdrawn and resolved cases no longer count.
    open_weeks = {w.week: w.count for w in figures.open_cases.weeks}
    assert (open_weeks[WEEK_2], open_weeks[WEEK_9], open_weeks[WEEK_16]) == (0, 8, 8)
    assert open_weeks[WEEK_23] == 11
    # First responses in the week they were given, in business minutes.
    assert figures.target_minutes == TARGET
    by_week = {r.week: r for r in figures.responses}
    nine = by_week[WEEK_9]
    assert (nine.answered, nine.median_minutes, nine.within) == (10, 90, 5)
    assert within_share(nine) == 50
    # Friday 15:30 to Monday 9:30: half an hour before closing, half an hour after opening.
    sixteen = by_week[WEEK_16]
    assert (sixteen.answered, sixteen.median_minutes, sixteen.within) == (5, 60, 5)
    assert within_share(sixteen) == 100
    assert by_week[WEEK_2].answered == 2 and within_share(by_week[WEEK_2]) is None
    assert by_week[WEEK_23].answered == 0 and by_week[WEEK_23].median_minutes is None
    chart = figures.first_response()
    assert chart is not None and chart.target_minutes == TARGET
    # New cases per week, by language (raw here; the charts hide the small ones).
    languages = dict(zip(figures.weeks, figures.languages.counts, strict=True))
    codes = [c.key for c in figures.languages.categories]
    assert codes == ["ar", "fa", "uk"]
    assert languages[WEEK_9] == (8, 4, 3)
    assert languages[WEEK_2] == (2, 0, 0) and languages[WEEK_23] == (0, 0, 3)
    assert [c.key for c in figures.topics.categories] == ["residence"]
    # Aggregates only: nothing is written to the access log.
    assert await _entries(services) == logged


async def test_a_service_without_a_target_says_so(services: Services, clock: Clock) -> None:
    work = await casework(services, clock, target=False)
    async with services.sessionmaker() as session:
        figures = await service_overview(session, work.admin, work.service_id, NOW)
    assert figures is not None and figures.target_minutes is None
    assert figures.first_response() is None
    nine = next(r for r in figures.responses if r.week == WEEK_9)
    # Without hours of its own the service has the default ones (9 to 16 o'clock).
    assert (nine.answered, nine.median_minutes, nine.within) == (10, 90, None)
    assert within_share(nine) is None


async def test_only_the_services_admins_get_figures(services: Services, clock: Clock) -> None:
    work = await casework(services, clock)
    logins = work.world.logins
    async with services.sessionmaker() as session:
        for who in ("advisor:svc-a", "service-admin:svc-b", "advisor:svc-b", "office",
                    "disabled:svc-a"):  # fmt: skip
            assert await service_overview(session, logins[who], work.service_id, NOW) is None, who
        assert await admin_services(session, logins["advisor:svc-a"]) == []
        assert await admin_services(session, logins["office"]) == []
        assert await service_overview(session, 999_999, work.service_id, NOW) is None
        # svc-b's admin sees svc-b only.
        [mine] = await admin_services(session, logins["service-admin:svc-b"])
        assert mine.name == "Beispiel-Flüchtlingsberatung B"
    async with services.sessionmaker() as session, session.begin():
        both = await create_advisor(session, "leitung@example.org", PASSWORD,
                                    role=StaffRole.SERVICE_ADMIN, services=["svc-a", "svc-b"],
                                    languages=["de"])  # fmt: skip
        await session.execute(delete(ServiceLevel))
    async with services.sessionmaker() as session:
        names = [s.name for s in await admin_services(session, both.id)]
        assert names == ["Beispiel-Flüchtlingsberatung B", "Beispiel-Migrationsberatung A"]
        figures = await service_overview(session, both.id, work.service_id, NOW)
        assert figures is not None and figures.by_status.total == 11


def test_a_share_never_gives_away_a_small_number() -> None:
    def share(answered: int, within: int | None) -> int | None:
        return within_share(ResponseWeek(WEEK_9, answered, 60, within))

    assert share(10, 5) == 50 and share(5, 5) == 100 and share(5, 0) == 0
    assert share(12, 7) == 58
    assert share(9, 5) is None  # 4 over the target
    assert share(9, 4) is None  # 4 within
    assert share(4, 4) is None  # 4 answered
    assert share(0, 0) is None and share(10, None) is None
