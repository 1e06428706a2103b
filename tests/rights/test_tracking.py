"""The person records their request's clock through the Requests port: the letter went,
an answer came, more time, no answer, done; and a request sent to an office on this
installation. Only their own request, a problem changes nothing, and each action is in
the access log once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.db.models import AccessEntry
from bot.holders import catalog
from bot.kernel.types import Channel
from bot.offices.registry import create_office
from bot.rights import Ask, Outcome, Problem, RequestStatus, RequestView
from bot.rights.tracking import send_to_office
from bot.runtime.services import Services
from tests.rights.clock_support import (
    SMS,
    reachable_person,
    ready_request,
    row_of,
    sent_request,
)
from tests.rights.support import step
from tests.support.clock import Clock


async def logged(services: Services, action: str) -> int:
    async with services.sessionmaker() as session:
        found = await session.scalar(
            select(func.count()).select_from(AccessEntry).where(AccessEntry.action == action)
        )
    return int(found or 0)


async def test_the_letter_went_the_deadline_runs_and_the_person_is_asked_before_it(
    services: Services, clock: Clock
) -> None:
    person = await reachable_person(services, clock)
    view = await sent_request(services, clock, person, by="post")

    # Posted Monday 23 November 2026: received Thursday 26th, due Saturday 26
    # December — a Saturday and Boxing Day: Monday 28 December.
    assert view.status is RequestStatus.SENT and view.clock is not None
    assert (view.clock.receipt_on, view.clock.due_on) == (date(2026, 11, 26), date(2026, 12, 28))
    assert view.clock.estimated and view.clock.next_on == date(2026, 12, 28)
    assert view.ask is Ask.SOON
    assert view.erase_at > clock() + timedelta(days=services.settings.request_days + 30)
    assert await logged(services, "rights.sent") == 1
    mine = await step(services, clock, person, SMS, lambda port: port.mine())
    assert mine[0].clock == view.clock


async def test_a_problem_or_another_persons_request_changes_nothing(
    services: Services, clock: Clock
) -> None:
    owner = await reachable_person(services, clock)
    request_id = await ready_request(services, clock, owner)
    tomorrow = clock().date() + timedelta(days=1)

    problem = await step(services, clock, owner, SMS,
                         lambda port: port.sent(request_id, tomorrow, "post"))  # fmt: skip
    assert problem is Problem.DATE_FUTURE
    for bad in (lambda port: port.sent(request_id, clock().date(), "lotse"),
                lambda port: port.sent(request_id, clock().date(), "pigeon"),
                lambda port: port.answered(request_id, clock().date(), "maybe")):  # fmt: skip
        assert await step(services, clock, owner, SMS, bad) is None
    other = await reachable_person(services, clock, phone="+4915112349999")
    today = clock().date()
    calls = (
        lambda port: port.sent(request_id, today, "post"),
        lambda port: port.answered(request_id, today, "done"),
        lambda port: port.extended(request_id, today, True),
        lambda port: port.no_answer(request_id),
        lambda port: port.close(request_id),
        lambda port: port.send_to_office(request_id),
    )
    for call in calls:
        assert await step(services, clock, other, SMS, call) is None
    row = await row_of(services, request_id)
    assert (row.status, row.sent_on, row.ask) == (RequestStatus.READY.value, None, None)
    assert await logged(services, "rights.sent") == 0


async def test_more_time_then_the_answer_closes_it(services: Services, clock: Clock) -> None:
    person = await reachable_person(services, clock)
    view = await sent_request(services, clock, person)  # e-mail: due 23 December
    request_id = view.request_id
    clock.advance(days=10)
    notice = date(2026, 11, 30)

    unreasoned = await step(services, clock, person, SMS,
                            lambda port: port.extended(request_id, notice, False))  # fmt: skip
    assert unreasoned is Problem.NO_REASONS
    extended = await step(services, clock, person, SMS,
                          lambda port: port.extended(request_id, notice, True))  # fmt: skip
    assert isinstance(extended, RequestView) and extended.clock is not None
    assert extended.status is RequestStatus.EXTENDED
    assert extended.clock.due_on == date(2027, 2, 23)
    clock.advance(days=30)
    came = date(2027, 1, 2)
    answered = await step(services, clock, person, SMS,
                          lambda port: port.answered(request_id, came, "done"))  # fmt: skip
    assert isinstance(answered, RequestView) and answered.clock is not None
    assert answered.status is RequestStatus.CLOSED and answered.ask is None
    assert answered.clock.outcome is Outcome.DONE
    assert answered.erase_at == clock() + timedelta(days=services.settings.request_closed_days)
    assert (
        await logged(services, "rights.extended"),
        await logged(services, "rights.answered"),
    ) == (1, 1)


async def test_no_answer_after_the_deadline_makes_it_overdue_and_closing_stops_it(
    services: Services, clock: Clock
) -> None:
    person = await reachable_person(services, clock)
    request_id = (await sent_request(services, clock, person)).request_id

    early = await step(services, clock, person, SMS, lambda port: port.no_answer(request_id))
    assert isinstance(early, RequestView)
    assert (early.status, early.ask) == (RequestStatus.SENT, Ask.DUE)
    clock.advance(days=31)
    late = await step(services, clock, person, SMS, lambda port: port.no_answer(request_id))
    assert isinstance(late, RequestView) and late.status is RequestStatus.OVERDUE
    closed = await step(services, clock, person, SMS, lambda port: port.close(request_id))
    assert isinstance(closed, RequestView) and closed.status is RequestStatus.CLOSED
    assert await logged(services, "rights.no-answer") == 2
    assert await logged(services, "rights.close") == 1


async def test_a_request_sent_to_an_office_on_this_installation(
    services: Services, clock: Clock
) -> None:
    person = await reachable_person(services, clock)
    no_office = await ready_request(services, clock, person)
    assert await step(services, clock, person, SMS,
                      lambda port: port.send_to_office(no_office)) is None  # fmt: skip
    async with services.sessionmaker() as session, session.begin():
        office = await create_office(session, slug="buergerbuero", name="Bürgerbüro")
        office_id = office.id
    azr = catalog(services.settings).get("azr")
    assert azr is not None
    linked = replace(azr, office="buergerbuero", land="nw")

    async def through_lotse(holder_of: object) -> object:
        async with services.sessionmaker() as session, session.begin():
            return await send_to_office(
                session, services.vault, person_id=person, request_id=no_office,
                holder_of=holder_of,  # type: ignore[arg-type]
                channel=Channel.SMS, settings=services.settings, now=clock(),
            )  # fmt: skip

    gone = replace(azr, office="elsewhere")
    assert await through_lotse(lambda slug: gone) is None
    view = await through_lotse(lambda slug: linked)
    assert isinstance(view, RequestView) and view.clock is not None
    assert view.status is RequestStatus.SENT
    assert (view.clock.sent_by.value, view.clock.receipt_on, view.clock.office) == (
        "lotse", clock().date(), "Bürgerbüro",
    )  # fmt: skip
    assert not view.clock.estimated
    assert await through_lotse(lambda slug: linked) is None  # not twice
    row = await row_of(services, no_office)
    assert row.office_id == office_id
    assert await logged(services, "rights.office") == 1
    # The person cannot say it went some other way now.
    again = await step(services, clock, person, SMS,
                       lambda port: port.sent(no_office, clock().date(), "post"))  # fmt: skip
    assert again is Problem.WRONG_STATUS
