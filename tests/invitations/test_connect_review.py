"""The operator's list of connections that may have been guesses (`lotse security
connections`), on data as the code before proof-of-control left it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.db.models import Contact, Invitation, Message
from bot.invitations.codes import code_of, token_of
from bot.invitations.connect_review import FindingKind, review
from bot.invitations.status import InvitationStatus, add_event
from bot.kernel.types import Channel
from bot.people.contacts import address_index
from bot.runtime.services import Services
from tests.support.cli import lotse
from tests.support.clock import Clock
from tests.support.connect import PHONE, attempt, office_and_invitation, person_on
from tests.support.settings import SECRET


async def legacy_connection(
    services: Services, clock: Clock, *, number_wrote_later: bool
) -> Invitation:
    """A code typed in the web chat joined the office's number to the typist's record,
    as Lotse did before connect codes needed proof."""
    invitation = await office_and_invitation(services, clock)
    person, _ = await person_on(services, Channel.WEBCHAT, f"chat-{invitation.id}")
    now = clock()
    async with services.sessionmaker() as session, session.begin():
        chat = await session.scalar(select(Contact).where(Contact.person_id == person))
        assert chat is not None
        session.add(Message(person_id=person, contact_id=chat.id, direction="in",
                            channel="webchat", status="received", created_at=now))  # fmt: skip
        stored = await session.get(Invitation, invitation.id)
        assert stored is not None
        stored.status, stored.person_id, stored.connected_by = "connected", person, None
        add_event(session, stored, InvitationStatus.CONNECTED, now)
        number = PHONE[:-2] + f"{invitation.id:02d}"
        session.add(Contact(
            person_id=person, channel="sms",
            address_index=address_index(services.vault, Channel.SMS, number),
            address_enc=services.vault.encrypt(number),
            last_inbound_at=now + timedelta(hours=2) if number_wrote_later else None,
        ))  # fmt: skip
    return invitation


async def test_guessable_connections_are_listed_and_unproven_numbers_detached(
    services: Services, clock: Clock
) -> None:
    unproven = await legacy_connection(services, clock, number_wrote_later=False)
    shared = await legacy_connection(services, clock, number_wrote_later=True)
    proven = await office_and_invitation(services, clock)  # the owner texted: no finding
    owner, sms = await person_on(services, Channel.SMS, PHONE)
    await attempt(services, clock, code_of(services.vault, proven), owner, sms,
                  channel=Channel.SMS, phone=PHONE, client=None)  # fmt: skip
    taken = await office_and_invitation(services, clock, (Channel.LETTER,))
    guesser, chat = await person_on(services, Channel.WEBCHAT, "guesser")
    await attempt(services, clock, code_of(services.vault, taken), guesser, chat)
    rightful, own_chat = await person_on(services, Channel.WEBCHAT, "owner")
    await attempt(services, clock, token_of(services.vault, taken), rightful, own_chat)

    async with services.sessionmaker() as session:
        listed = {(f.invitation, f.outcome) for f in await review(session, services.vault)}
    assert listed == {
        (unproven.public_id, FindingKind.UNPROVEN),
        (shared.public_id, FindingKind.SHARED),
        (taken.public_id, FindingKind.RECLAIMED),
    }

    async with services.sessionmaker() as session, session.begin():
        fixed = {(f.invitation, f.outcome) for f in await review(session, services.vault,
                                                                  detach=True)}  # fmt: skip
    assert (unproven.public_id, FindingKind.DETACHED) in fixed
    assert (shared.public_id, FindingKind.SHARED) in fixed  # left for a person to check
    async with services.sessionmaker() as session:
        numbers = list(await session.scalars(select(Contact).where(Contact.channel == "sms")))
    assert len(numbers) == 2  # the shared record's number and the owner's own


async def test_the_command_lists_without_personal_data(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    invitation = await legacy_connection(services, clock, number_wrote_later=False)
    env = {"LOTSE_DATABASE_URL": services.settings.database_url, "LOTSE_SECRET_KEY": SECRET,
           "LOTSE_DATA_DIR": str(tmp_path)}  # fmt: skip
    result = await asyncio.to_thread(lotse, "security", "connections", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert invitation.public_id in result.stdout and "never wrote" in result.stdout
    assert PHONE[3:-2] not in result.stdout
    detached = await asyncio.to_thread(
        lotse, "security", "connections", "--detach", cwd=tmp_path, env=env
    )
    assert "detached now" in detached.stdout
