"""Connecting with an invitation: an office's invitation, a person on a channel, an attempt."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from bot.db.models import Contact, Invitation, Office, Person
from bot.invitations.connect import Attempt, Connected, Refusal, connect_invitation
from bot.invitations.create import create_invitation
from bot.invitations.request import InvitationRequest, Personal
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel
from bot.offices.registry import create_office
from bot.people.contacts import address_index
from bot.runtime.services import Services
from tests.support.clock import Clock

#: The invited person's number.
PHONE = "+4915112345678"
ADDRESS = PostalAddress("Amal Haddad", "Hauptstraße 1", "12345", "Musterstadt")


async def office_and_invitation(
    services: Services,
    clock: Clock,
    channels: tuple[Channel, ...] = (Channel.SMS, Channel.LETTER),
    *,
    phone: str = PHONE,
    address: PostalAddress = ADDRESS,
) -> Invitation:
    """An invitation to `phone` and `address` from the first office (made if there is
    none), in Arabic."""
    request = InvitationRequest(
        reference=f"AZ-{secrets.token_hex(3)}", language="ar", channels=channels,
        personal=Personal(phone=phone, postal_address=address), consent_recorded_at=clock(),
        notice_version="2026-01",
    )  # fmt: skip
    async with services.sessionmaker() as session, session.begin():
        office = await session.scalar(select(Office))
        if office is None:
            office = await create_office(session, slug="mitte", name="Bürgeramt Mitte")
        invitation, _ = await create_invitation(
            session, office=office, request=request, sender=services.invitations, now=clock()
        )
        session.expunge(invitation)
    return invitation


async def person_on(services: Services, channel: Channel, address: str) -> tuple[int, str]:
    """A person with one contact; (person id, the contact's keyed address)."""
    index = address_index(services.vault, channel, address)
    async with services.sessionmaker() as session, session.begin():
        person = Person()
        session.add(person)
        await session.flush()
        session.add(Contact(person_id=person.id, channel=channel.value, address_index=index,
                            address_enc=services.vault.encrypt(address)))  # fmt: skip
        return person.id, index


async def attempt(
    services: Services, clock: Clock, secret: str, person_id: int, session_key: str,
    *, channel: Channel = Channel.WEBCHAT, phone: str | None = None, client: str | None = "c1",
) -> Connected | Refusal:  # fmt: skip
    """The person types (or texts) `secret` in the session `session_key`, now."""
    async with services.sessionmaker() as session, session.begin():
        return await connect_invitation(
            session, services.vault, Attempt(secret, channel, phone, session_key, client),
            person_id, clock(),
        )  # fmt: skip
