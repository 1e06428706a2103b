"""The person's data as one machine-readable document (GDPR Art. 15 and 20).

Everything is in it, and in full, except contact details: a typed code or a borrowed
phone opens a chat, and must not be enough to learn where someone lives or their number.
A phone number is written out only in an export delivered to that very number (an SMS
or WhatsApp link); otherwise its last digits. A postal address always loses the name,
the house number and the extra line: in full it only ever goes on a letter to it. Keys
and codes are the same in every language; the format is documented in
docs/my-data-export.md and docs/my-data-export.schema.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AccessLine, access_history, complete_since
from bot.config import Settings
from bot.consent import ConsentBook, export
from bot.db.models import Contact, Invitation, InvitationEvent, Message, Office, Person
from bot.i18n import Catalogs
from bot.kernel.crypto import Vault
from bot.kernel.postal import MaskedAddress, PostalAddress
from bot.kernel.types import Channel, Direction
from bot.messaging import decode_body
from bot.mydata.inventory import UnknownPerson, cases_held
from bot.mydata.items import CaseItem
from bot.mydata.masking import PHONE_DIGITS_SHOWN
from bot.mydata.requests import exported_requests, known_holders
from bot.people import postal_address

FORMAT = "lotse.my-data-export/1"
#: How an address is described where the person would not know it by its value.
ADDRESS_KINDS = {
    Channel.SMS: "phone-number",
    Channel.WHATSAPP: "phone-number",
    Channel.TELEGRAM: "telegram-chat",
}


@dataclass(frozen=True, slots=True)
class Reveal:
    """What an export may write out in full."""

    #: The keyed index of the phone number the export is delivered to (SMS, WhatsApp).
    phone_index: str | None = None


#: Access-log lines read per query while collecting all of them.
_LOG_PAGE = 500


async def build_export(
    session: AsyncSession,
    person_id: int,
    *,
    settings: Settings,
    vault: Vault,
    catalogs: Catalogs,
    operator: str,
    now: datetime,
    reveal: Reveal = Reveal(),
) -> dict[str, Any]:
    """Everything Lotse holds about the person, as of `now`, contact details masked
    except what `reveal` allows. Raises UnknownPerson."""
    person = await session.get(Person, person_id)
    if person is None:
        raise UnknownPerson(person_id)
    lang = person.language or settings.default_language
    erased_on = (person.last_active_at + timedelta(days=settings.retention_days)).date()
    contacts = list(
        await session.scalars(
            select(Contact).where(Contact.person_id == person_id).order_by(Contact.id)
        )
    )
    address = await postal_address(session, vault, person_id)
    consents = export(
        await ConsentBook(session, person_id).history(),
        subject=f"lotse-person-{vault.pseudonym(str(person_id))}",
        controller=operator,
        retention_days=settings.retention_days,
        translator=catalogs[lang],
    )
    return {
        "format": FORMAT,
        "made_at": _iso(now),
        "installation": {"operator": operator, "url": settings.public_url},
        "person": {
            "reference": consents["data_subject"],
            "since": _iso(person.created_at),
            "last_active_at": _iso(person.last_active_at),
            "erased_if_inactive_on": erased_on.isoformat(),
        },
        "language": {"chosen": person.language, "used": lang},
        "channels": {
            "order": list(person.channel_ranking),
            "contacts": [
                _contact(vault, c, reveal) for c in contacts if c.channel in ADDRESS_KINDS
            ],
            "web_chat_sessions": sum(c.channel == Channel.WEBCHAT.value for c in contacts),
        },
        "consents": consents,
        "invitations": await _invitations(session, vault, person_id),
        "postal_address": None if address is None else _masked(address),
        "messages": await _messages(session, vault, person_id, settings),
        "access_log": await _access_log(session, person_id, settings, erased_on),
        "requests": await exported_requests(session, vault, person_id, known_holders(settings)),
        "cases": [_case(item) for item in await cases_held(session, person_id, settings)],
    }


def _case(item: CaseItem) -> dict[str, Any]:
    """A hand-off: to whom, which fields (names only, as for requests), since and until."""
    return {
        "service": item.service_name,
        "status": item.status,
        "fields": list(item.fields),
        "created_at": _iso(item.created_at),
        "consent_expires_at": _iso(item.expires_at),
        "withdrawn_at": _iso(item.withdrawn_at),
        "consent_record_id": item.held.record_id,
        "erased_on": _iso(item.held.until),
    }


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _masked(address: PostalAddress) -> dict[str, Any]:
    masked = MaskedAddress.of(address)
    return {
        "name": None,
        "extra": None,
        "street": masked.street_name,
        "postcode": masked.postcode,
        "city": masked.city,
        "shortened": True,
    }


def _ending(number: str) -> str:
    return "".join(c for c in number if c.isdigit())[-PHONE_DIGITS_SHOWN:]


def _contact(vault: Vault, contact: Contact, reveal: Reveal) -> dict[str, Any]:
    channel = Channel(contact.channel)
    kind = ADDRESS_KINDS[channel]
    # A Telegram chat id means nothing to its person: neither is written.
    number = (
        vault.decrypt(contact.address_enc)
        if kind == "phone-number" and contact.address_enc is not None
        else None
    )
    full = number is not None and contact.address_index == reveal.phone_index
    return {
        "channel": channel.value,
        "address_kind": kind,
        "address": number if full else None,
        "ending": None if number is None else _ending(number),
        "reachable": contact.reachable,
        "opted_out_at": _iso(contact.opted_out_at),
        "since": _iso(contact.created_at),
        "last_message_from_you_at": _iso(contact.last_inbound_at),
    }


async def _invitations(session: AsyncSession, vault: Vault, person_id: int) -> list[Any]:
    rows = (
        await session.execute(
            select(Invitation, Office.name)
            .join(Office, Office.id == Invitation.office_id)
            .where(Invitation.person_id == person_id)
            .order_by(Invitation.id)
        )
    ).all()
    found = []
    for invitation, office_name in rows:
        events = await session.scalars(
            select(InvitationEvent)
            .where(InvitationEvent.invitation_id == invitation.id)
            .order_by(InvitationEvent.at, InvitationEvent.id)
        )
        recorded = (
            None if invitation.personal_enc is None else _recorded(json.loads(
                vault.decrypt(invitation.personal_enc)))
        )  # fmt: skip
        found.append(
            {
                "office": office_name,
                "reference": invitation.reference,
                "language": invitation.language,
                "channels": list(invitation.channels),
                "status": invitation.status,
                "created_at": _iso(invitation.created_at),
                "consent_recorded_at": _iso(invitation.consent_recorded_at),
                "notice_version": invitation.notice_version,
                "sent_via": invitation.sent_via,
                "sent_at": _iso(invitation.sent_at),
                "closed_at": _iso(invitation.closed_at),
                "expires_at": _iso(invitation.expires_at),
                # What the office gave, while the invitation still holds it (erased
                # when it closes); the fingerprints recognise a code texted from it.
                "recorded": recorded,
                "fingerprints_held": invitation.phone_index is not None
                or invitation.postal_index is not None,
                "events": [
                    {"status": e.status, "at": _iso(e.at)}
                    for e in events  # `detail` is for the office's staff
                ],
            }
        )
    return found


def _recorded(personal: dict[str, Any]) -> dict[str, Any]:
    """What an open invitation holds, its contact details masked as the person's own."""
    shown = dict(personal)
    if shown.get("phone"):
        shown["phone"] = "…" + _ending(shown["phone"])
    if shown.get("postal_address"):
        shown["postal_address"] = _masked(PostalAddress(**shown["postal_address"]))
    return shown


async def _messages(
    session: AsyncSession, vault: Vault, person_id: int, settings: Settings
) -> dict[str, Any]:
    rows = (
        await session.execute(
            select(Message.direction, Message.channel, Message.created_at, Message.body_enc)
            .where(Message.person_id == person_id)
            .order_by(Message.id)
        )
    ).all()
    keep = timedelta(days=settings.message_retention_days)
    texts = [
        {
            "at": _iso(at),
            "direction": "from-you" if direction == Direction.IN.value else "to-you",
            "channel": channel,
            "text": decode_body(vault, body_enc)["text"],
            "purged_on": (at + keep).date().isoformat(),
        }
        for direction, channel, at, body_enc in rows
        if body_enc is not None
    ]
    return {
        "received": sum(row.direction == Direction.IN.value for row in rows),
        "sent": sum(row.direction == Direction.OUT.value for row in rows),
        "retention_days": settings.message_retention_days,
        "texts": texts,
    }


async def _access_log(
    session: AsyncSession, person_id: int, settings: Settings, erased_on: date
) -> dict[str, Any]:
    """Every line as the person sees it (bot.audit.access_history), newest first."""
    lines: list[AccessLine] = []
    before: int | None = None
    while True:
        page = await access_history(session, person_id, before_id=before, limit=_LOG_PAGE)
        lines.extend(page.lines)
        if page.next_before is None:
            break
        before = page.next_before
    return {
        "complete_since": (await complete_since(session, person_id)).isoformat(),
        "kept_until": (erased_on + timedelta(days=settings.access_log_retention_days)).isoformat(),
        "entries": [
            {
                "at": _iso(line.at),
                "organisation": line.organisation,
                "role": line.role.value,
                "action": line.action,
                "categories": [c.value for c in line.categories],
                "records": line.entries,
                "via": line.via,
            }
            for line in lines
        ],
    }
