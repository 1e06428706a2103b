"""When an important message cannot reach a person on one channel, try their next one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.consent import ConsentBook
from bot.db.models import Contact, Message, Person
from bot.kernel.types import Channel
from bot.messaging.queue import enqueue_fallback

MAX_HOPS = 5


async def _tried_channels(session: AsyncSession, message: Message) -> set[str]:
    tried = {message.channel}
    current = message
    for _ in range(MAX_HOPS):
        if current.fallback_of is None:
            break
        previous = await session.get(Message, current.fallback_of)
        if previous is None:
            break
        tried.add(previous.channel)
        current = previous
    return tried


async def fall_back(session: AsyncSession, message_id: int, now: datetime) -> int | None:
    """Queue a copy of a failed important message on the person's next usable channel.

    Usable: consented to, ranked first among those left, with a contact that is
    reachable and not opted out. Returns the new message id, or None.
    """
    message = await session.get(Message, message_id)
    if message is None or not message.important or message.person_id is None:
        return None
    person = await session.get(Person, message.person_id)
    if person is None or message.body_enc is None:
        return None
    given = [c.value for c in await ConsentBook(session, person.id).given_channels()]
    order = [c for c in person.channel_ranking if c in given] + [
        c for c in given if c not in person.channel_ranking
    ]
    tried = await _tried_channels(session, message)
    for channel in order:
        if channel in tried:
            continue
        contact = await session.scalar(
            select(Contact)
            .where(
                Contact.person_id == person.id,
                Contact.channel == channel,
                Contact.reachable.is_(True),
                Contact.opted_out_at.is_(None),
            )
            .order_by(Contact.id.desc())
        )
        if contact is None or (contact.address_enc is None and channel != Channel.WEBCHAT):
            continue
        return await enqueue_fallback(session, message, contact, now)
    return None
