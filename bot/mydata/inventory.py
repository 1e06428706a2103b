"""Everything Lotse holds about one person, by category, read for that person.

The person reading their own data is not an access by someone else: nothing is written
to the access log. Contact details leave this module masked (`bot.mydata.masking`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.consent import CONTACT, ConsentBook
from bot.db.models import (
    AccessEntry,
    Case,
    Contact,
    Invitation,
    Message,
    MyDataExport,
    Office,
    Person,
    TransferCode,
)
from bot.db.models import ConsentRecord as Record
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, ConsentState, Direction
from bot.mydata.items import (
    AccessLogItem,
    Basis,
    CaseItem,
    ChannelItem,
    ConsentDecision,
    Held,
    Inventory,
    InvitationItem,
    LanguageItem,
    MessagesItem,
    PhoneItem,
    PostalItem,
    RequestItem,
    RequestKind,
)
from bot.mydata.masking import masked_postal, phone_ending
from bot.mydata.requests import holder_requests, known_holders
from bot.people import postal_address

#: Channels whose address is a phone number.
PHONE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)


class UnknownPerson(LookupError):
    """No such person (erased, or never was)."""


async def inventory(
    session: AsyncSession, person_id: int, settings: Settings, now: datetime
) -> Inventory:
    """What Lotse holds about the person now. Raises UnknownPerson."""
    person = await session.get(Person, person_id)
    if person is None:
        raise UnknownPerson(person_id)
    erased_on = (person.last_active_at + timedelta(days=settings.retention_days)).date()
    decisions = {
        Channel(channel): record
        for (purpose, channel), record in (await ConsentBook(session, person_id).current()).items()
        if purpose == CONTACT.id and channel is not None
    }
    vault = Vault(settings.secret_key)
    contacts = list(await session.scalars(select(Contact).where(Contact.person_id == person_id)))
    address = await postal_address(session, vault, person_id)
    letters = decisions.get(Channel.LETTER)
    return Inventory(
        person_id=person_id,
        made_at=now,
        erased_if_inactive_on=erased_on,
        language=LanguageItem(person.language, Held(Basis.SERVICE, erased_on)),
        channels=_channels(person.channel_ranking, decisions, contacts, erased_on),
        invitations=await _invitations(session, person_id, erased_on),
        postal_address=None
        if address is None
        else PostalItem(
            *masked_postal(address),
            held=Held(Basis.LETTERS_CONSENT, erased_on, letters.record_id if letters else None),
        ),
        phones=_phones(vault, contacts, decisions, erased_on),
        messages=await _messages(session, person_id, settings, erased_on),
        access_log=AccessLogItem(
            entries=await _entries(session, person_id),
            held=Held(
                Basis.ACCOUNTABILITY,
                erased_on + timedelta(days=settings.access_log_retention_days),
            ),
        ),
        requests=(
            *await _requests(session, person_id, now),
            *await holder_requests(session, person_id, known_holders(settings)),
        ),
        cases=await cases_held(session, person_id, settings),
    )


async def cases_held(
    session: AsyncSession, person_id: int, settings: Settings
) -> tuple[CaseItem, ...]:
    """Each hand-off: kept on the person's consent until its case is erased (at the
    latest LOTSE_CASE_DAYS after the consent ends)."""
    rows = await session.scalars(select(Case).where(Case.person_id == person_id).order_by(Case.id))
    return tuple(
        CaseItem(
            service_name=c.service_name, status=c.status, fields=tuple(c.fields or ()),
            created_at=c.created_at, expires_at=c.expires_at, withdrawn_at=c.withdrawn_at,
            held=Held(Basis.CONSENT, _case_until(c, settings), c.consent_record_id),
        )
        for c in rows
    )  # fmt: skip


def _case_until(case: Case, settings: Settings) -> date:
    if case.erase_at is not None:
        return case.erase_at.date()
    return (case.expires_at + timedelta(days=settings.case_days)).date()


async def _requests(
    session: AsyncSession, person_id: int, now: datetime
) -> tuple[RequestItem, ...]:
    """A live export and a live transfer code: held until they expire (jobs purge them)."""
    found: list[RequestItem] = []
    kinds = ((RequestKind.EXPORT, MyDataExport), (RequestKind.TRANSFER_CODE, TransferCode))
    for kind, table in kinds:
        rows = await session.execute(
            select(table.created_at, table.expires_at).where(
                table.person_id == person_id, table.expires_at > now
            )
        )
        for made, ends in rows:
            found.append(RequestItem(kind, made, ends, Held(Basis.REQUEST, ends.date())))
    return tuple(found)


def _decision(record: Record | None) -> ConsentDecision | None:
    if record is None:
        return None
    return ConsentDecision(record.record_id, record.state, record.method, record.recorded_at)


def _channels(
    ranking: list[str], decisions: dict[Channel, Record], contacts: list[Contact], until: date
) -> tuple[ChannelItem, ...]:
    """Each channel the person was asked about or has an address on, in their order."""
    by_channel: dict[Channel, list[Contact]] = defaultdict(list)
    for contact in contacts:
        by_channel[Channel(contact.channel)].append(contact)
    ranks = {Channel(c): n for n, c in enumerate(ranking, start=1)}
    known = set(decisions) | set(by_channel)
    items = []
    for channel in sorted(known, key=lambda c: (ranks.get(c, len(ranks) + 1), c.value)):
        record = decisions.get(channel)
        held = (
            Held(Basis.CONSENT, until, record.record_id)
            if record is not None
            else Held(Basis.SERVICE, until)  # a chat the person opened, never asked about
        )
        mine = by_channel.get(channel, [])
        items.append(
            ChannelItem(
                channel,
                ranks.get(channel),
                _decision(record),
                len(mine),
                reachable=all(c.reachable for c in mine),
                held=held,
            )
        )
    return tuple(items)


def _phones(
    vault: Vault, contacts: list[Contact], decisions: dict[Channel, Record], until: date
) -> tuple[PhoneItem, ...]:
    """Each number once, with the channels it is used on; shown by its last digits."""
    numbers: dict[str, list[Channel]] = defaultdict(list)
    for contact in contacts:
        channel = Channel(contact.channel)
        if channel in PHONE_CHANNELS and contact.address_enc is not None:
            numbers[vault.decrypt(contact.address_enc)].append(channel)
    items = []
    for number, channels in numbers.items():
        given = [
            decisions[c]
            for c in channels
            if c in decisions and decisions[c].state == ConsentState.GIVEN.value
        ]
        held = (
            Held(Basis.CONSENT, until, given[0].record_id)
            if given
            else Held(Basis.SERVICE, until)  # the person wrote from it
        )
        items.append(PhoneItem(phone_ending(number), tuple(sorted(channels)), held))
    return tuple(sorted(items, key=lambda item: item.ending))


async def _invitations(
    session: AsyncSession, person_id: int, erased_on: date
) -> tuple[InvitationItem, ...]:
    rows = await session.execute(
        select(Invitation, Office.name)
        .join(Office, Office.id == Invitation.office_id)
        .where(Invitation.person_id == person_id)
        .order_by(Invitation.id)
    )
    return tuple(
        InvitationItem(
            reference=invitation.reference,
            office_name=office_name,
            language=invitation.language,
            channels=tuple(Channel(c) for c in invitation.channels),
            status=invitation.status,
            created_at=invitation.created_at,
            consent_recorded_at=invitation.consent_recorded_at,
            notice_version=invitation.notice_version,
            closed_at=invitation.closed_at,
            expires_at=invitation.expires_at,
            fingerprints=invitation.phone_index is not None or invitation.postal_index is not None,
            # Linked to the person until their erasure; the office keeps its record.
            held=Held(Basis.OFFICE_INVITATION, erased_on),
        )
        for invitation, office_name in rows
    )


async def _messages(
    session: AsyncSession, person_id: int, settings: Settings, erased_on: date
) -> MessagesItem:
    counts = dict(
        (
            await session.execute(
                select(Message.direction, func.count())
                .where(Message.person_id == person_id)
                .group_by(Message.direction)
            )
        ).all()
    )
    kept, newest = (
        await session.execute(
            select(func.count(), func.max(Message.created_at)).where(
                Message.person_id == person_id, Message.body_enc.is_not(None)
            )
        )
    ).one()
    purged_by = (
        None
        if newest is None
        else (newest + timedelta(days=settings.message_retention_days)).date()
    )
    return MessagesItem(
        received=counts.get(Direction.IN.value, 0),
        sent=counts.get(Direction.OUT.value, 0),
        texts_kept=kept,
        texts_purged_by=purged_by,
        held=Held(Basis.RETENTION, erased_on),
    )


async def _entries(session: AsyncSession, person_id: int) -> int:
    found = await session.scalar(
        select(func.count()).select_from(AccessEntry).where(AccessEntry.person_id == person_id)
    )
    return int(found or 0)
