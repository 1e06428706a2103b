"""A person's access history: keyset pages newest first over a long log, entries from
before the person connected, one line per processing, and since when it is complete."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.audit import (
    AccessLine,
    Actor,
    Category,
    Concerned,
    Role,
    UnknownCursor,
    access_history,
    record,
)
from bot.db.models import Invitation
from bot.invitations.codes import code_of
from bot.invitations.connect import Connected
from bot.kernel.types import Channel
from bot.runtime.services import Services
from tests.support.clock import Clock
from tests.support.connect import attempt, office_and_invitation, person_on

EARLIER = ("invitation.create", "invitation.read", "letters.export")


async def connected(services: Services, clock: Clock, chat: str) -> tuple[int, Invitation]:
    """An office's invitation, handled by the office three times before its person
    connects with the code in the web chat `chat`."""
    invitation = await office_and_invitation(services, clock)
    staff = Actor.staff(invitation.office_id, 7)
    async with services.sessionmaker() as session, session.begin():
        for action in EARLIER:
            clock.advance(minutes=1)
            await record(session, staff, action, clock(), concerns=[Concerned(None, invitation.id)],
                         categories=[Category.INVITATION])  # fmt: skip
    person, index = await person_on(services, Channel.WEBCHAT, chat)
    clock.advance(minutes=1)
    secret = code_of(services.vault, invitation)
    assert isinstance(await attempt(services, clock, secret, person, index), Connected)
    return person, invitation


async def many_accesses(
    services: Services, clock: Clock, person: int, invitation: Invitation, count: int
) -> None:
    """`count` accesses after connecting; every tenth at the same moment as the one
    before (by another actor), so the order needs its tie-break."""
    api, staff = Actor.api_key(invitation.office_id, "k1"), Actor.staff(invitation.office_id, 7)
    async with services.sessionmaker() as session, session.begin():
        for n in range(count):
            if n % 10:
                clock.advance(seconds=30)
            await record(session, staff if n % 10 == 0 else api, "invitation.read", clock(),
                         concerns=[Concerned(person, invitation.id)],
                         categories=[Category.INVITATION])  # fmt: skip


async def every_page(services: Services, person: int, limit: int) -> list[list[AccessLine]]:
    pages, before = [], None
    async with services.sessionmaker() as session:
        while True:
            page = await access_history(session, person, before_id=before, limit=limit)
            pages.append(list(page.lines))
            if page.next_before is None:
                return pages
            assert page.next_before == page.lines[-1].id
            before = page.next_before


@pytest.mark.parametrize("limit", [20, 37])
async def test_pages_go_newest_first_without_gaps_or_repeats(
    services: Services, clock: Clock, limit: int
) -> None:
    person, invitation = await connected(services, clock, "chat-1")
    other, other_invitation = await connected(services, clock, "chat-2")
    await many_accesses(services, clock, person, invitation, 1000)
    await many_accesses(services, clock, other, other_invitation, 50)

    pages = await every_page(services, person, limit)

    lines = [line for page in pages for line in page]
    assert len(lines) == 1000 + len(EARLIER)
    assert all(len(page) == limit for page in pages[:-1]) and 0 < len(pages[-1]) <= limit
    assert len({line.id for line in lines}) == len(lines)
    order = [(line.at, line.id) for line in lines]
    assert order == sorted(order, reverse=True)
    # The office's work before the person connected is the oldest part of their history.
    assert [line.action for line in lines[-len(EARLIER) :]] == list(reversed(EARLIER))
    assert {line.organisation for line in lines} == {"Bürgeramt Mitte"}
    assert {line.role for line in lines} == {Role.OFFICE_API, Role.OFFICE_STAFF}
    assert all(line.entries == 1 for line in lines)


async def test_one_processing_of_several_records_is_one_line(
    services: Services, clock: Clock
) -> None:
    person, invitation = await connected(services, clock, "chat-1")
    second = await office_and_invitation(services, clock)  # the same person, invited again
    clock.advance(minutes=1)
    async with services.sessionmaker() as session, session.begin():
        await record(session, Actor.staff(invitation.office_id, 7), "letters.export", clock(),
                     concerns=[Concerned(person, invitation.id), Concerned(person, second.id)],
                     categories=[Category.POSTAL_ADDRESS], detail="batch B-1")  # fmt: skip
        clock.advance(minutes=1)
        await record(session, Actor.operator(), "staff-login-unlocked", clock(),
                     concerns=[Concerned(person)], categories=[Category.CONTACT])  # fmt: skip

    async with services.sessionmaker() as session:
        page = await access_history(session, person, limit=2)

    operator, batch = page.lines
    assert (operator.organisation, operator.role, operator.entries) == (None, Role.OPERATOR, 1)
    assert (batch.action, batch.entries, batch.categories) == (
        "letters.export", 2, (Category.POSTAL_ADDRESS,))  # fmt: skip
    assert page.next_before == batch.id
    async with services.sessionmaker() as session:
        rest = await access_history(session, person, before_id=page.next_before)
    assert [line.action for line in rest.lines] == list(reversed(EARLIER))
    assert rest.next_before is None


async def test_the_log_is_complete_since_the_office_first_held_the_data(
    services: Services, clock: Clock
) -> None:
    first_day = clock().date()
    clock.advance(days=3)
    person, invitation = await connected(services, clock, "chat-1")

    async with services.sessionmaker() as session:
        page = await access_history(session, person)

    assert page.complete_since == invitation.created_at.date() == first_day + timedelta(days=3)


async def test_another_person_s_entry_is_no_cursor(services: Services, clock: Clock) -> None:
    person, _ = await connected(services, clock, "chat-1")
    other, _ = await connected(services, clock, "chat-2")
    async with services.sessionmaker() as session:
        theirs = (await access_history(session, other)).lines[0].id
        with pytest.raises(UnknownCursor):
            await access_history(session, person, before_id=theirs)
        with pytest.raises(UnknownCursor):
            await access_history(session, person, before_id=10**9)
