"""Finding the person, contact and conversation behind an inbound address, or creating them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Contact, Conversation, Person
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, InboundMessage
from bot.people import Joined, address_index, attach


async def find_or_create(
    session: AsyncSession,
    vault: Vault,
    message: InboundMessage,
    now: datetime,
    *,
    postgres: bool,
) -> tuple[Person, Contact, Conversation]:
    """The sender's rows, detached from the session (see below)."""
    index = address_index(vault, message.channel, message.address)
    query = (
        select(Contact, Person, Conversation)
        .join(Person, Contact.person_id == Person.id)
        .join(Conversation, Conversation.person_id == Person.id)
        .where(Contact.channel == message.channel.value, Contact.address_index == index)
    )
    if postgres:
        # Serialise steps of one person; SQLite's BEGIN IMMEDIATE already does.
        query = query.with_for_update(of=Conversation)
    row = (await session.execute(query)).first()
    if row is not None:
        contact, person, conversation = row
        # Detached copies: flows change them freely, `write_step` writes back only
        # what changed with plain UPDATEs (an ORM flush costs more than the step).
        session.expunge_all()
        return person, contact, conversation
    person = Person(language=None, channel_ranking=[], created_at=now, last_active_at=now)
    session.add(person)
    await session.flush()
    address_enc = None if message.channel is Channel.WEBCHAT else vault.encrypt(message.address)
    # Someone who deleted their data writes again from the same address while its
    # goodbye contact still exists: that contact becomes the new person's.
    contact, joined = await attach(
        session, message.channel, index, person.id, now, address_enc=address_enc
    )
    if joined is Joined.OTHERS:
        # A first message from the same address made it meanwhile (PostgreSQL): what
        # inserting it again would raise; the engine retries the step and finds it.
        raise IntegrityError("contact of a new address", None, Exception("taken meanwhile"))
    conversation = Conversation(
        person_id=person.id, flow="", step="", data={}, offered=[], updated_at=now
    )
    session.add(conversation)
    await session.flush()
    session.expunge_all()
    return person, contact, conversation
