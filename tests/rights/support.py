"""Requests for a person, each call in a transaction of its own as one conversation step
makes it: the real port (bot.rights.PersonRequests) on a real StepScope, with the
shipped holder catalog (the AZR takes every kind, the registration office no transfer
block)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import select

from bot.conversation import StepScope
from bot.db.models import Contact
from bot.kernel.types import Channel
from bot.rights import PersonRequests
from bot.runtime.services import Services, holder_catalog
from tests.support.clock import Clock

T = TypeVar("T")

#: What a complete access request needs typed, in the order the flow asks.
IDENTITY = {
    "family-name": "Haddad",
    "given-names": "Amal",
    "birth-date": "03.04.1991",
    "birth-place": "Aleppo",
    "nationality": "syrisch",
    "street": "Hauptstraße 1",
    "place": "12345 Musterstadt",
}


async def step(
    services: Services, clock: Clock, person_id: int, channel: Channel,
    call: Callable[[PersonRequests], Awaitable[T]],
) -> T:  # fmt: skip
    """One port call in a step of its own, for the person's contact on `channel`."""
    async with services.sessionmaker() as session, session.begin():
        contact = await session.scalar(
            select(Contact).where(Contact.person_id == person_id, Contact.channel == channel)
        )
        assert contact is not None
        scope = StepScope(
            session=session, vault=services.vault, person_id=person_id, now=clock(),
            channel=channel, address_index=contact.address_index,
            address_enc=contact.address_enc, client=None,
        )  # fmt: skip
        holders = holder_catalog(services.settings)
        return await call(PersonRequests(scope, services.settings, holders))


async def typed(
    services: Services, clock: Clock, person_id: int, request_id: int,
    parts: dict[str, str], channel: Channel = Channel.SMS,
) -> Any:  # fmt: skip
    """Each part typed in a step of its own; the last answer."""
    answer: Any = None
    for part, text in parts.items():
        answer = await step(
            services, clock, person_id, channel,
            lambda port, p=part, x=text: port.set_part(request_id, p, x),
        )  # fmt: skip
    return answer
