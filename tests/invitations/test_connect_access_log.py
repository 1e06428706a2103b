"""Accesses to an invitation before its person connected become the person's to see;
on a reclaim they go to the owner, not to whoever had typed the code."""

from __future__ import annotations

from sqlalchemy import select

from bot.audit import Actor, Category, Concerned, for_person, record
from bot.db.models import AccessEntry, Invitation
from bot.invitations.codes import code_of, token_of
from bot.invitations.connect import Connected
from bot.kernel.types import Channel
from bot.people import ErasureReason, erase_person
from bot.runtime.services import Services
from tests.support.clock import Clock
from tests.support.connect import PHONE, attempt, office_and_invitation, person_on


async def office_does(
    services: Services, clock: Clock, action: str, invitation: Invitation, person: int | None = None
) -> None:
    """The office's staff do something with the invitation, a minute later."""
    clock.advance(minutes=1)
    async with services.sessionmaker() as session, session.begin():
        await record(session, Actor.staff(invitation.office_id, 7), action, clock(),
                     concerns=[Concerned(person, invitation.id)],
                     categories=[Category.INVITATION])  # fmt: skip


async def seen_by(services: Services, person_id: int) -> list[str]:
    async with services.sessionmaker() as session:
        return [access.action for access in await for_person(session, person_id)]


async def test_accesses_before_connecting_become_the_person_s(
    services: Services, clock: Clock
) -> None:
    invitation = await office_and_invitation(services, clock)
    other = await office_and_invitation(services, clock)
    for action in ("invitation.create", "office.list", "letters.export"):
        await office_does(services, clock, action, invitation)
    await office_does(services, clock, "invitation.create", other)
    person, chat = await person_on(services, Channel.WEBCHAT, "chat-1")

    assert isinstance(await attempt(services, clock, code_of(services.vault, invitation),
                                    person, chat), Connected)  # fmt: skip

    assert await seen_by(services, person) == ["letters.export", "office.list", "invitation.create"]
    async with services.sessionmaker() as session:
        unlinked = await session.scalar(
            select(AccessEntry.person_id).where(AccessEntry.invitation_id == other.id)
        )
    assert unlinked is None  # another invitation's entries stay where they were


async def test_a_reclaim_moves_the_invitation_s_entries_to_the_owner(
    services: Services, clock: Clock
) -> None:
    """Everything the office did with the invitation (before and during the typed-code
    connection) concerns what it holds about the owner: the owner sees all of it, the
    one who typed the code (perhaps a guess) keeps only entries about themselves."""
    invitation = await office_and_invitation(services, clock)
    code = code_of(services.vault, invitation)
    guesser, chat = await person_on(services, Channel.WEBCHAT, "guesser-session")
    owner, sms = await person_on(services, Channel.SMS, PHONE)
    await office_does(services, clock, "invitation.create", invitation)
    assert isinstance(await attempt(services, clock, code, guesser, chat), Connected)
    await office_does(services, clock, "invitation.read", invitation, guesser)
    clock.advance(minutes=1)
    async with services.sessionmaker() as session, session.begin():
        await record(session, Actor.operator(), "consent.read", clock(),
                     concerns=[Concerned(guesser)])  # fmt: skip
    assert await seen_by(services, guesser) == [
        "consent.read", "invitation.read", "invitation.create"
    ]  # fmt: skip

    taken_back = await attempt(services, clock, code, owner, sms, channel=Channel.SMS,
                               phone=PHONE, client=None)  # fmt: skip

    assert isinstance(taken_back, Connected) and taken_back.reclaimed
    assert await seen_by(services, owner) == ["invitation.read", "invitation.create"]
    assert await seen_by(services, guesser) == ["consent.read"]
    await office_does(services, clock, "invitation.read", invitation, owner)
    assert len(await seen_by(services, owner)) == 3


async def test_a_reclaim_leaves_the_entries_of_an_erased_guesser_with_the_tombstone(
    services: Services, clock: Clock
) -> None:
    """Erasure tombstoned them; they are not the owner's to inherit, and go with the
    tombstone when the access log's retention ends."""
    invitation = await office_and_invitation(services, clock, (Channel.LETTER,))
    guesser, chat = await person_on(services, Channel.WEBCHAT, "guess")
    owner, owner_chat = await person_on(services, Channel.WEBCHAT, "owner")
    await office_does(services, clock, "invitation.create", invitation)
    await attempt(services, clock, code_of(services.vault, invitation), guesser, chat)
    async with services.sessionmaker() as session, session.begin():
        await erase_person(session, guesser, now=clock(), reason=ErasureReason.REQUEST)
    await office_does(services, clock, "office.list", invitation)  # nobody's now

    result = await attempt(services, clock, token_of(services.vault, invitation), owner,
                           owner_chat, client="c2")  # fmt: skip

    assert isinstance(result, Connected) and result.reclaimed
    assert await seen_by(services, owner) == ["office.list"]
    async with services.sessionmaker() as session:
        tombstoned = list(await session.scalars(
            select(AccessEntry.action).where(AccessEntry.tombstone_id.is_not(None))
        ))  # fmt: skip
    assert tombstoned == ["invitation.create"]
