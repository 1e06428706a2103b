"""Invitations from registration offices: created → sent → delivered → connected |
expired | failed.

An invitation is created with the message or letter that carries it, in one
transaction: the outbox (or the print queue) sends it, and `sync_statuses` moves
the invitation along as its message is sent, delivered or fails. The contact
details the office gave are kept encrypted only while the invitation is open.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import Contact, Invitation, InvitationEvent, Letter, Message, Office
from bot.i18n import Catalogs
from bot.kernel.crypto import Vault
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel, Direction, OutboxStatus, Text, t
from bot.messaging import encode_body
from bot.people import address_index, letter_index

# No 0/O, 1/I/L: codes are read off paper and typed on phones.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
_CODE_IN_TEXT = re.compile(
    rf"(?<![A-Z0-9])([{CODE_ALPHABET}]{{4}})[ \-]?([{CODE_ALPHABET}]{{4}})(?![A-Z0-9])"
)
WHATSAPP_TEMPLATE = "invitation"
#: Links and QR codes carry a token of 24 random bytes (32 characters): it cannot be
#: guessed, so it is never throttled. The short code is for typing (bot/invitations/connect.py).
TOKEN_BYTES = 24
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
# Keyed-hash kinds of the secrets (migration 0005 writes them out too).
CODE_KIND, TOKEN_KIND = "invitation-code", "invitation-token"


class InvitationStatus(StrEnum):
    CREATED = "created"
    SENT = "sent"
    DELIVERED = "delivered"
    CONNECTED = "connected"
    EXPIRED = "expired"
    FAILED = "failed"


OPEN = (InvitationStatus.CREATED, InvitationStatus.SENT, InvitationStatus.DELIVERED)


class LetterStatus(StrEnum):
    PENDING = "pending"
    PRINTED = "printed"
    CANCELLED = "cancelled"


class LetterKind(StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"


#: The channels an office may name, in the person's order of preference.
OFFICE_CHANNELS = (Channel.TELEGRAM, Channel.SMS, Channel.WHATSAPP, Channel.LETTER)


class ReferenceConflict(Exception):
    """The reference exists with a different request."""

    def __init__(self, invitation: Invitation) -> None:
        self.invitation = invitation
        # Plain copies: the object expires when the caller's transaction rolls back.
        self.invitation_id = invitation.id
        self.public_id = invitation.public_id


@dataclass(frozen=True, slots=True)
class Personal:
    """What the office told about the person, kept encrypted while the invitation is open."""

    phone: str | None = None  # E.164
    postal_address: PostalAddress | None = None
    given_name: str | None = None
    family_name: str | None = None

    def encode(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def decode(cls, raw: str) -> Personal:
        data = json.loads(raw)
        address = data.get("postal_address")
        return cls(
            phone=data.get("phone"),
            postal_address=PostalAddress(**address) if address else None,
            given_name=data.get("given_name"),
            family_name=data.get("family_name"),
        )


@dataclass(frozen=True, slots=True)
class InvitationRequest:
    """A validated request (API or CSV row)."""

    reference: str
    language: str
    channels: tuple[Channel, ...]
    personal: Personal
    consent_recorded_at: datetime
    notice_version: str

    def fingerprint(self, vault: Vault) -> str:
        canonical = json.dumps(
            {
                "language": self.language,
                "channels": list(self.channels),
                "personal": json.loads(self.personal.encode()),
                "consent_recorded_at": self.consent_recorded_at.isoformat(),
                "notice_version": self.notice_version,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        return vault.index("invitation-request", canonical)


# ---------------------------------------------------------------- codes


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(value: str) -> bool:
    return _TOKEN.fullmatch(value) is not None


def code_index(vault: Vault, code: str) -> str:
    return vault.index(CODE_KIND, code)


def token_index(vault: Vault, token: str) -> str:
    return vault.index(TOKEN_KIND, token)


def code_of(vault: Vault, invitation: Invitation) -> str:
    return vault.decrypt(invitation.code_enc)


def token_of(vault: Vault, invitation: Invitation) -> str:
    return vault.decrypt(invitation.token_enc)


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def find_code(text: str | None) -> str | None:
    """A connect code in what a person typed: "k7qf 9m2x", "K7QF-9M2X", "START K7QF9M2X"."""
    if not text:
        return None
    match = _CODE_IN_TEXT.search(text.upper())
    return match[1] + match[2] if match else None


def public_id() -> str:
    return "inv_" + secrets.token_urlsafe(12)


#: What `public_id()` makes, with room for ids made differently in future.
_PUBLIC_ID = re.compile(r"inv_[A-Za-z0-9_-]{1,36}")


async def office_invitation(
    session: AsyncSession, office_id: int, public_id: str
) -> Invitation | None:
    """One of the office's invitations by its public id; None for a malformed or
    unknown id and for another office's invitation (which must look the same)."""
    if not _PUBLIC_ID.fullmatch(public_id):
        return None
    found: Invitation | None = await session.scalar(
        select(Invitation).where(
            Invitation.public_id == public_id, Invitation.office_id == office_id
        )
    )
    return found


async def timeline(session: AsyncSession, invitation_id: int) -> list[InvitationEvent]:
    """An invitation's status changes, oldest first."""
    events = await session.scalars(
        select(InvitationEvent)
        .where(InvitationEvent.invitation_id == invitation_id)
        .order_by(InvitationEvent.at, InvitationEvent.id)
    )
    return list(events)


# ---------------------------------------------------------------- creating


def add_event(
    session: AsyncSession,
    invitation: Invitation,
    status: InvitationStatus | str,
    at: datetime,
    detail: str | None = None,
) -> None:
    session.add(
        InvitationEvent(invitation_id=invitation.id, status=str(status), at=at, detail=detail)
    )


async def create_invitation(
    session: AsyncSession,
    *,
    office: Office,
    request: InvitationRequest,
    sender: InvitationSender,
    now: datetime,
) -> tuple[Invitation, bool]:
    """The office's invitation for `request.reference`, and whether it is new. The same
    reference with the same request returns the existing one; with a different
    request it raises ReferenceConflict. Its message or letter is queued with it."""
    fingerprint = request.fingerprint(sender.vault)
    existing = await _by_reference(session, office.id, request.reference)
    if existing is not None:
        if existing.request_hash != fingerprint:
            raise ReferenceConflict(existing)
        return existing, False
    for _ in range(5):
        invitation = new_invitation(office, request, fingerprint, sender, now)
        try:
            async with session.begin_nested():
                session.add(invitation)
                await session.flush()
        except IntegrityError:
            # Another request created the reference meanwhile, or (rarely) the code
            # was taken: look again.
            existing = await _by_reference(session, office.id, request.reference)
            if existing is not None:
                if existing.request_hash != fingerprint:
                    raise ReferenceConflict(existing) from None
                return existing, False
            continue
        add_event(session, invitation, InvitationStatus.CREATED, now)
        await sender.send(session, invitation, office, request.personal, now)
        return invitation, True
    raise RuntimeError("could not find a free connect code")


def new_invitation(
    office: Office,
    request: InvitationRequest,
    fingerprint: str,
    sender: InvitationSender,
    now: datetime,
) -> Invitation:
    """A new invitation row (not yet added; `bot.invitations.bulk` adds many at once)."""
    vault, personal = sender.vault, request.personal
    code, token = new_code(), new_token()
    return Invitation(
        public_id=public_id(),
        office_id=office.id,
        reference=request.reference,
        request_hash=fingerprint,
        language=request.language,
        channels=[c.value for c in request.channels],
        personal_enc=vault.encrypt(personal.encode()),
        consent_recorded_at=request.consent_recorded_at,
        notice_version=request.notice_version,
        code_index=code_index(vault, code),
        code_enc=vault.encrypt(code),
        token_index=token_index(vault, token),
        token_enc=vault.encrypt(token),
        phone_index=address_index(vault, Channel.SMS, personal.phone) if personal.phone else None,
        postal_index=(
            letter_index(vault, personal.postal_address) if personal.postal_address else None
        ),
        expires_at=now + timedelta(days=sender.settings.invitation_valid_days),
        status=InvitationStatus.CREATED.value,
        created_at=now,
    )


async def _by_reference(session: AsyncSession, office_id: int, reference: str) -> Invitation | None:
    found: Invitation | None = await session.scalar(
        select(Invitation).where(
            Invitation.office_id == office_id, Invitation.reference == reference
        )
    )
    return found


# ---------------------------------------------------------------- sending


@dataclass(frozen=True, slots=True)
class Route:
    """How an invitation travels: the channel used, and why, when it is not the first."""

    channel: Channel
    note: str | None = None
    #: The Telegram deep link the message or letter carries (Telegram-only invitations).
    telegram_link: str | None = None


def telegram_link(settings: Settings, token: str) -> str | None:
    if not settings.telegram_bot_username:
        return None
    return f"https://t.me/{settings.telegram_bot_username}?start={token}"


def chat_link(settings: Settings, token: str) -> str:
    return f"{settings.public_url}/chat?t={token}"


#: How a Telegram invitation's route is recorded (`sent_note` starts with it).
TELEGRAM_LINK_NOTE = "Telegram link by"


def entry_link(settings: Settings, vault: Vault, invitation: Invitation) -> tuple[str, bool]:
    """The link an invitation's message or letter carries (with its token), and whether
    it is Telegram's: the deep link when the invitation went as a Telegram link, else
    the web chat."""
    token = token_of(vault, invitation)
    if invitation.sent_note and invitation.sent_note.startswith(TELEGRAM_LINK_NOTE):
        link = telegram_link(settings, token)
        if link is not None:
            return link, True
    return chat_link(settings, token), False


def sms_number(settings: Settings) -> str | None:
    """The number people text, printed in letters (a Messaging Service has none)."""
    number = settings.invitation_sms_number or settings.twilio_from
    return number if number.startswith("+") else None


def route(
    channels: Sequence[str],
    personal: Personal,
    settings: Settings,
    available: frozenset[Channel],
    language: str,
    token: str,
    tried: Sequence[str] = (),
) -> Route | str:
    """The first of the person's channels that can carry the invitation, or why none can."""
    reasons: list[str] = []
    phone, address = personal.phone is not None, personal.postal_address is not None
    for name in channels:
        channel = Channel(name)
        if name in tried:
            continue
        if channel is Channel.SMS:
            if phone and Channel.SMS in available:
                return Route(Channel.SMS)
            reasons.append("sms: not configured" if phone else "sms: no phone number")
        elif channel is Channel.WHATSAPP:
            templates = settings.whatsapp_templates.get(WHATSAPP_TEMPLATE, {})
            if not phone:
                reasons.append("whatsapp: no phone number")
            elif Channel.WHATSAPP not in available:
                reasons.append("whatsapp: not configured")
            elif not (templates.get(language) or templates.get("en")):
                # Lotse writes first: WhatsApp only allows an approved template then.
                reasons.append("whatsapp: no approved invitation template")
            else:
                return Route(Channel.WHATSAPP)
        elif channel is Channel.LETTER:
            if address:
                return Route(Channel.LETTER)
            reasons.append("letter: no postal address")
        elif channel is Channel.TELEGRAM:
            link = telegram_link(settings, token)
            if link is None:
                reasons.append("telegram: LOTSE_TELEGRAM_BOT_USERNAME not set")
            elif phone and Channel.SMS in available:
                note = f"{TELEGRAM_LINK_NOTE} SMS (a bot cannot write first on Telegram)"
                return Route(Channel.SMS, note, link)
            elif address:
                note = f"{TELEGRAM_LINK_NOTE} letter (a bot cannot write first on Telegram)"
                return Route(Channel.LETTER, note, link)
            else:
                reasons.append("telegram: a bot cannot write first, and no phone or address")
    return "; ".join(reasons) or "no channel left to try"


def invitation_texts(
    office: Office, code: str, link: str, telegram: bool, *, reminder: bool = False
) -> list[Text]:
    """The message. Its first line stands alone (WhatsApp templates carry only it)."""
    shown = display_code(code)
    first = (
        # TRANSLATORS: Reminder message (SMS/WhatsApp); keep it short: SMS costs per segment.
        t("Reminder: {office} invites you to free advice in your language. Your code: {code}",
          office=office.name, code=shown)
        if reminder
        # TRANSLATORS: Invitation message (SMS/WhatsApp); keep it short: SMS costs per segment.
        else t("{office} invites you to free advice in your language. Your code: {code}",
               office=office.name, code=shown)
    )  # fmt: skip
    how = (
        t("Open {link} to start in Telegram.", link=link)
        if telegram
        else t("Reply with the code to start, or open {link}", link=link)
    )
    return [first, how]


class InvitationSender:
    """Queues an invitation's message (outbox) or letter (print queue)."""

    def __init__(
        self,
        *,
        settings: Settings,
        vault: Vault,
        catalogs: Catalogs,
        available: frozenset[Channel],
    ) -> None:
        self.settings = settings
        self.vault = vault
        self.catalogs = catalogs
        self.available = available

    async def send(
        self,
        session: AsyncSession,
        invitation: Invitation,
        office: Office,
        personal: Personal,
        now: datetime,
        *,
        tried: Sequence[str] = (),
        reminder: bool = False,
    ) -> bool:
        """Queue the invitation (or its reminder) on the best route; False if none is left
        (the invitation is then failed)."""
        if reminder and invitation.sent_via is not None:
            # A reminder goes the way the invitation went.
            link, telegram = entry_link(self.settings, self.vault, invitation)
            chosen: Route | str = Route(
                Channel(invitation.sent_via), invitation.sent_note, link if telegram else None
            )
        else:
            chosen = route(
                invitation.channels,
                personal,
                self.settings,
                self.available,
                invitation.language,
                token_of(self.vault, invitation),
                tried,
            )
        if isinstance(chosen, str):
            fail(session, invitation, now, chosen)
            return False
        if chosen.channel is Channel.LETTER:
            kind = LetterKind.REMINDER if reminder else LetterKind.INVITATION
            session.add(
                Letter(
                    invitation_id=invitation.id,
                    kind=kind.value,
                    status=LetterStatus.PENDING.value,
                    created_at=now,
                )
            )
            invitation.message_id = None
        else:
            assert personal.phone is not None
            invitation.message_id = await self._queue_message(
                session, invitation, office, personal.phone, chosen, now, reminder
            )
        if not reminder:
            invitation.sent_via = chosen.channel.value
            invitation.sent_note = chosen.note
            add_event(session, invitation, "queued", now, _route_detail(chosen))
        return True

    async def _queue_message(
        self,
        session: AsyncSession,
        invitation: Invitation,
        office: Office,
        phone: str,
        chosen: Route,
        now: datetime,
        reminder: bool,
    ) -> int:
        channel = chosen.channel
        index = address_index(self.vault, channel, phone)
        contact = await session.scalar(
            select(Contact).where(Contact.channel == channel.value, Contact.address_index == index)
        )
        if contact is None:
            # Nobody uses this number with Lotse yet: a contact without a person, kept
            # until a week after the invitation expires unless the person answers.
            contact = Contact(
                channel=channel.value,
                address_index=index,
                address_enc=self.vault.encrypt(phone),
                created_at=now,
                purge_after=invitation.expires_at + timedelta(days=7),
            )
            session.add(contact)
            await session.flush()
        translator = self.catalogs[invitation.language]
        link = chosen.telegram_link or chat_link(self.settings, token_of(self.vault, invitation))
        texts = invitation_texts(office, code_of(self.vault, invitation), link,
                                 chosen.telegram_link is not None, reminder=reminder)  # fmt: skip
        text = "\n".join(translator.text(x) for x in texts)
        template = WHATSAPP_TEMPLATE if channel is Channel.WHATSAPP else None
        message = Message(
            person_id=contact.person_id,
            contact_id=contact.id,
            direction=Direction.OUT.value,
            channel=channel.value,
            status=OutboxStatus.QUEUED.value,
            body_enc=encode_body(self.vault, text, template=template),
            lang=invitation.language,
            important=False,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        session.add(message)
        await session.flush()
        return message.id


def _route_detail(chosen: Route) -> str:
    return chosen.note or f"by {chosen.channel.value}"


def fail(session: AsyncSession, invitation: Invitation, now: datetime, reason: str) -> None:
    invitation.status = InvitationStatus.FAILED.value
    invitation.error = reason[:300]
    close(invitation, now)
    add_event(session, invitation, InvitationStatus.FAILED, now, reason[:200])


def close(invitation: Invitation, now: datetime) -> None:
    """An invitation that is no longer open keeps no contact details; a connected one
    keeps their keyed hashes, to prove later whose it is (bot/invitations/connect.py)."""
    invitation.closed_at = now
    invitation.personal_enc = None
    if invitation.status != InvitationStatus.CONNECTED.value:
        invitation.phone_index = invitation.postal_index = None


def personal_of(vault: Vault, invitation: Invitation) -> Personal | None:
    return (
        None
        if invitation.personal_enc is None
        else Personal.decode(vault.decrypt(invitation.personal_enc))
    )


# ---------------------------------------------------------------- following up


def _advance(
    session: AsyncSession, invitation: Invitation, status: InvitationStatus, at: datetime
) -> None:
    invitation.status = status.value
    if status is InvitationStatus.SENT:
        invitation.sent_at = at
    elif status is InvitationStatus.DELIVERED:
        invitation.sent_at = invitation.sent_at or at
        invitation.delivered_at = at
    add_event(session, invitation, status, at)


async def sync_statuses(
    sessionmaker: async_sessionmaker[AsyncSession], sender: InvitationSender, now: datetime
) -> int:
    """Follow open invitations' messages: sent, delivered, or failed (then the next
    channel is tried). Returns how many invitations changed."""
    changed = 0
    async with sessionmaker() as session, session.begin():
        rows = (
            await session.execute(
                select(Invitation, Message, Office)
                .join(Message, Message.id == Invitation.message_id)
                .join(Office, Office.id == Invitation.office_id)
                .where(
                    Invitation.status.in_(
                        [InvitationStatus.CREATED.value, InvitationStatus.SENT.value]
                    ),
                    Message.status.in_(
                        [
                            OutboxStatus.SENT.value,
                            OutboxStatus.DELIVERED.value,
                            OutboxStatus.FAILED.value,
                        ]
                    ),
                )
                .limit(1000)
            )
        ).all()
        for invitation, message, office in rows:
            status = OutboxStatus(message.status)
            if status is OutboxStatus.FAILED:
                if invitation.status != InvitationStatus.CREATED.value:
                    continue  # a failed reminder does not undo the invitation
                personal = personal_of(sender.vault, invitation)
                add_event(
                    session, invitation, "retry", now, f"{message.channel}: {message.error}"[:200]
                )
                if personal is None:
                    fail(session, invitation, now, "contact details gone")
                else:
                    tried = [message.channel]
                    await sender.send(session, invitation, office, personal, now, tried=tried)
                changed += 1
                continue
            if invitation.status == InvitationStatus.CREATED.value:
                _advance(session, invitation, InvitationStatus.SENT, message.sent_at or now)
                changed += 1
            if status is OutboxStatus.DELIVERED:
                _advance(
                    session, invitation, InvitationStatus.DELIVERED, message.delivered_at or now
                )
                changed += 1
    return changed


def quiet(now: datetime, settings: Settings) -> bool:
    """Within quiet hours in local time: no reminders then."""
    local = now.astimezone(ZoneInfo(settings.timezone)).hour
    start, end = settings.quiet_hours_start, settings.quiet_hours_end
    return (start <= local or local < end) if start > end else start <= local < end


async def remind_and_expire(
    sessionmaker: async_sessionmaker[AsyncSession], sender: InvitationSender, now: datetime
) -> tuple[int, int]:
    """Expire what is past its date; remind once those not connected after the
    configured days (outside quiet hours). Returns (reminded, expired)."""
    settings = sender.settings
    async with sessionmaker() as session, session.begin():
        expiring = await session.scalars(
            select(Invitation).where(
                Invitation.status.in_([s.value for s in OPEN]), Invitation.expires_at <= now
            )
        )
        expired = 0
        for invitation in expiring:
            invitation.status = InvitationStatus.EXPIRED.value
            close(invitation, now)
            add_event(session, invitation, InvitationStatus.EXPIRED, now)
            expired += 1
        await session.execute(
            update(Letter)
            .where(
                Letter.status == LetterStatus.PENDING.value,
                Letter.invitation_id.in_(
                    select(Invitation.id).where(Invitation.personal_enc.is_(None))
                ),
            )
            .values(status=LetterStatus.CANCELLED.value)
        )
        reminded = 0
        if not quiet(now, settings):
            due = now - timedelta(days=settings.invitation_reminder_days)
            rows = (
                await session.execute(
                    select(Invitation, Office)
                    .join(Office, Office.id == Invitation.office_id)
                    .where(
                        Invitation.status.in_(
                            [InvitationStatus.SENT.value, InvitationStatus.DELIVERED.value]
                        ),
                        Invitation.reminded_at.is_(None),
                        Invitation.sent_at <= due,
                        Invitation.expires_at > now,
                    )
                    .limit(1000)
                )
            ).all()
            for invitation, office in rows:
                personal = personal_of(sender.vault, invitation)
                if personal is None:
                    continue
                invitation.reminded_at = now
                await sender.send(session, invitation, office, personal, now, reminder=True)
                add_event(session, invitation, "reminded", now, f"by {invitation.sent_via}")
                reminded += 1
    return reminded, expired


def counts_by_status(rows: Mapping[str, int]) -> dict[str, int]:
    return {status.value: rows.get(status.value, 0) for status in InvitationStatus}


def invitation_view(invitation: Invitation, vault: Vault) -> dict[str, Any]:
    """The office's view of an invitation (no contact details)."""
    return {
        "id": invitation.public_id,
        "reference": invitation.reference,
        "status": invitation.status,
        "language": invitation.language,
        "channels": list(invitation.channels),
        "code": display_code(code_of(vault, invitation)),
        "expires_at": invitation.expires_at.isoformat(),
        "sent_via": invitation.sent_via,
        "sent_note": invitation.sent_note,
        "error": invitation.error,
        "created_at": invitation.created_at.isoformat(),
        "sent_at": _iso(invitation.sent_at),
        "delivered_at": _iso(invitation.delivered_at),
        "reminded_at": _iso(invitation.reminded_at),
        "closed_at": _iso(invitation.closed_at),
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
