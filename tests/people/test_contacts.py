"""One lookup and one attach for contacts: new, taken over, theirs already, another's."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.db.models import Contact, Person
from bot.kernel.types import Channel
from bot.people import Joined, address_index, attach, contact_for, join

PHONE = "+4915112345678"


async def _people(session, now, count: int) -> list[int]:
    people = [Person(channel_ranking=[], created_at=now, last_active_at=now) for _ in range(count)]
    session.add_all(people)
    await session.flush()
    return [person.id for person in people]


async def test_attach_creates_takes_over_and_leaves(services, clock) -> None:
    vault, now = services.vault, clock()
    index = address_index(vault, Channel.SMS, PHONE)
    later = now + timedelta(days=7)
    async with services.sessionmaker() as session, session.begin():
        amal, omar = await _people(session, now, 2)
        # Nobody has the number yet: a contact of its own, waiting until `purge_after`.
        encrypted = vault.encrypt(PHONE)
        waiting, joined = await attach(
            session, Channel.SMS, index, None, now, address_enc=encrypted, purge_after=later
        )
        assert joined is Joined.NEW and waiting.id is not None
        assert (waiting.person_id, waiting.purge_after) == (None, later)
        assert await contact_for(session, Channel.SMS, index) is waiting
        again, joined = await attach(session, Channel.SMS, index, None, now)
        assert (again, joined) == (waiting, Joined.THEIRS)
        # The person comes: it is taken over, and no longer purged.
        mine, joined = await attach(session, Channel.SMS, index, amal, now)
        assert (mine, joined) == (waiting, Joined.TAKEN_OVER)
        assert (mine.person_id, mine.purge_after) == (amal, None)
        assert vault.decrypt(mine.address_enc or "") == PHONE
        assert (await attach(session, Channel.SMS, index, amal, now))[1] is Joined.THEIRS
        # Someone else's number stays theirs, and the caller is told.
        theirs, joined = await attach(session, Channel.SMS, index, omar, now,
                                      address_enc=vault.encrypt("+4915199999999"))  # fmt: skip
        assert joined is Joined.OTHERS
        assert theirs.person_id == amal and vault.decrypt(theirs.address_enc or "") == PHONE
        assert (await attach(session, Channel.SMS, index, None, now))[1] is Joined.OTHERS
        count = select(func.count()).select_from(Contact)
        assert await session.scalar(count) == 1


async def test_join_takes_a_contact_only_from_the_person_named(services, clock) -> None:
    vault, now = services.vault, clock()
    index = address_index(vault, Channel.LETTER, "Amal Haddad, Hauptstraße 1")
    async with services.sessionmaker() as session, session.begin():
        guesser, owner, other = await _people(session, now, 3)
        contact, _ = await attach(session, Channel.LETTER, index, guesser, now)
        assert join(contact, owner) is Joined.OTHERS and contact.person_id == guesser
        assert join(contact, owner, take_from=other) is Joined.OTHERS
        assert join(contact, owner, take_from=guesser) is Joined.TAKEN_OVER
        assert contact.person_id == owner
        assert await contact_for(session, Channel.SMS, index) is None  # another channel
