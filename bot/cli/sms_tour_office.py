"""The office's side of the SMS tour (bot/cli/sms_tour.py): an invitation with what
the office did before the person connected, its reminder, and the rows queued for a
number, read back as the dispatcher would send them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.audit import Actor, Category, Concerned, record
from bot.db.models import Contact, Invitation, Message, Office
from bot.invitations import InvitationRequest, Personal, code_of, create_invitation
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel, OutboundMessage, RenderedChoice
from bot.messaging import decode_body
from bot.offices import create_office
from bot.people import address_index
from bot.runtime import Services

OFFICE = "Bürgeramt Musterstadt-Mitte"


async def rows_for(
    services: Services, number: str, after: int
) -> list[tuple[int, OutboundMessage]]:
    index = address_index(services.vault, Channel.SMS, number)
    async with services.sessionmaker() as session:
        contact = await session.scalar(select(Contact).where(Contact.address_index == index))
        if contact is None:
            return []
        rows = await session.scalars(
            select(Message)
            .where(Message.contact_id == contact.id, Message.direction == "out", Message.id > after)
            .order_by(Message.id)
        )
        found = []
        for row in rows:
            body = decode_body(services.vault, row.body_enc or "")
            message = OutboundMessage(
                id=row.id,
                channel=Channel.SMS,
                address=number,
                text=body["text"],
                choices=tuple(RenderedChoice(c[0], c[1]) for c in body.get("choices", [])),
                lang=row.lang or "",
            )
            found.append((row.id, message))
    return found


#: The address the office recorded: long enough for the masked line to cost its most.
TOUR_ADDRESS = PostalAddress("Amal Haddad", "Hauptstraße 1", "12345", "Musterstadt", "c/o Yilmaz")


async def invite(services: Services, lang: str, number: str, now: datetime, street: str) -> str:
    request = InvitationRequest(
        reference=f"tour-{lang}",
        language=lang,
        channels=(Channel.SMS, Channel.LETTER),
        personal=Personal(phone=number, postal_address=replace(TOUR_ADDRESS, street=street)),
        consent_recorded_at=now - timedelta(days=2),
        notice_version="2026-01",
    )
    async with services.sessionmaker() as session, session.begin():
        office = await session.scalar(select(Office).where(Office.slug == "mitte"))
        if office is None:
            office = await create_office(session, slug="mitte", name=OFFICE)
        invitation, _ = await create_invitation(
            session, office=office, request=request, sender=services.invitations, now=now
        )
        # What the office did before the person connected, in "who looked at my data":
        # the longest categories and action names a line can have.
        staff, whose = Actor.staff(office.id, 1), [Concerned(invitation_id=invitation.id)]
        await record(session, staff, "invitation.create", now, concerns=whose,
                     categories=[Category.INVITATION, Category.NAME, Category.PHONE,
                                 Category.LANGUAGE, Category.CONSENT])  # fmt: skip
        await record(session, staff, "bulk.upload", now, concerns=whose,
                     categories=[Category.INVITATION, Category.CODE, Category.NAME,
                                 Category.POSTAL_ADDRESS, Category.CONTACT])  # fmt: skip
        return code_of(services.vault, invitation)


async def remind(services: Services, number: str, now: datetime) -> None:
    async with services.sessionmaker() as session, session.begin():
        invitation = (
            await session.scalars(select(Invitation).order_by(Invitation.id.desc()))
        ).first()
        assert invitation is not None
        office = await session.get(Office, invitation.office_id)
        assert office is not None
        await services.invitations.send(
            session, invitation, office, Personal(phone=number), now, reminder=True
        )
