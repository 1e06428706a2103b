"""A person's postal address: kept, encrypted, only while they agree to letters.

It arrives with an office's invitation (the office asked the person and wrote the
address down) and becomes a contact on the letter channel when the person connects.
When the person says no to letters, or withdraws that consent, it is deleted at once.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Contact
from bot.kernel.crypto import Vault
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel
from bot.people.contacts import Joined, attach, letter_index


async def keep_postal_address(
    session: AsyncSession, vault: Vault, person_id: int, address: PostalAddress, now: datetime
) -> bool:
    """Store the address as the person's letter contact (replacing an older one); False
    when exactly this address is already someone else's."""
    index = letter_index(vault, address)
    encrypted = vault.encrypt(json.dumps(asdict(address), ensure_ascii=False, sort_keys=True))
    contact, joined = await attach(
        session, Channel.LETTER, index, person_id, now, address_enc=encrypted
    )
    if joined is Joined.OTHERS:
        return False
    if joined is Joined.THEIRS:
        contact.address_enc = encrypted  # the same address, perhaps spelt anew
    await session.execute(
        delete(Contact).where(
            Contact.person_id == person_id,
            Contact.channel == Channel.LETTER.value,
            Contact.address_index != index,
        )
    )
    return True


async def postal_address(
    session: AsyncSession, vault: Vault, person_id: int
) -> PostalAddress | None:
    encrypted = await session.scalar(
        select(Contact.address_enc).where(
            Contact.person_id == person_id, Contact.channel == Channel.LETTER.value
        )
    )
    return None if encrypted is None else PostalAddress(**json.loads(vault.decrypt(encrypted)))


async def forget_postal_address(session: AsyncSession, person_id: int) -> None:
    await session.execute(
        delete(Contact).where(
            Contact.person_id == person_id, Contact.channel == Channel.LETTER.value
        )
    )
