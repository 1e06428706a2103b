"""A person's contacts: a channel and an address, found by the address's keyed hash."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Contact
from bot.kernel.crypto import Vault
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel


def address_index(vault: Vault, channel: Channel | str, address: str) -> str:
    return vault.index(f"address/{channel}", address)


def letter_index(vault: Vault, address: PostalAddress) -> str:
    """The keyed index of an address as a letter contact's: one spelling per address
    (case and spacing do not count); the name is part of it, so people sharing a flat
    each keep their own letters."""
    fields = {k: " ".join(str(v).split()).casefold() for k, v in asdict(address).items() if v}
    return address_index(vault, Channel.LETTER, json.dumps(fields, ensure_ascii=False,
                                                           sort_keys=True))  # fmt: skip


async def contact_for(
    session: AsyncSession, channel: Channel, index: str, *, for_update: bool = False
) -> Contact | None:
    """The contact for (channel, address index): the one lookup of a contact by its
    address (an address is unique per channel). `index` comes from `address_index` or
    `letter_index`."""
    query = select(Contact).where(Contact.channel == channel.value, Contact.address_index == index)
    if for_update:
        query = query.with_for_update()
    found: Contact | None = await session.scalar(query)
    return found


class Joined(StrEnum):
    """What became of the contact of an address that was to be a person's."""

    #: There was none: it is new (with no person, one of its own, waiting to be taken).
    NEW = "new"
    #: It had no person (or, see `join`, was the one named to take it from): now it is theirs.
    TAKEN_OVER = "taken_over"
    #: It was theirs already (with no person: one of its own exists already).
    THEIRS = "theirs"
    #: It is another person's: left as it is (an address is one person's).
    OTHERS = "others"


async def attach(
    session: AsyncSession,
    channel: Channel,
    index: str,
    person_id: int | None,
    now: datetime,
    *,
    address_enc: str | None = None,
    purge_after: datetime | None = None,
) -> tuple[Contact, Joined]:
    """The contact of (channel, address index), joined to `person_id` by the one rule:
    created if new, with the encrypted address (flushed: its id is known); taken over
    if it has no person; left, and said so, if it is another person's.

    Without a person (an invitation's number nobody uses yet) a new contact waits for
    one until `purge_after`."""
    contact = await contact_for(session, channel, index)
    if contact is not None:
        return contact, join(contact, person_id, address_enc=address_enc)
    contact = Contact(
        person_id=person_id,
        channel=channel.value,
        address_index=index,
        address_enc=address_enc,
        created_at=now,
        purge_after=purge_after,
    )
    session.add(contact)
    await session.flush()
    return contact, Joined.NEW


def join(
    contact: Contact,
    person_id: int | None,
    *,
    address_enc: str | None = None,
    take_from: int | None = None,
) -> Joined:
    """`attach`'s rule for a contact found already: a contact with no person, or with
    `take_from` (a reclaim from a connection made with a guessed code), becomes the
    person's, with `address_enc` if given, and stops waiting to be purged."""
    if contact.person_id == person_id:
        return Joined.THEIRS
    if person_id is None or contact.person_id not in (None, take_from):
        return Joined.OTHERS
    contact.person_id, contact.purge_after = person_id, None
    if address_enc is not None:
        contact.address_enc = address_enc
    return Joined.TAKEN_OVER
