"""What "My data" lists: one frozen item type per category, each saying why it is held
and until when. Ids only (categories, bases, channels, states): the flows translate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from bot.kernel.types import Channel


class CategoryId(StrEnum):
    LANGUAGE = "language"
    CHANNELS = "channels"
    OFFICE_INVITATION = "office-invitation"
    POSTAL_ADDRESS = "postal-address"
    PHONE = "phone"
    MESSAGES = "messages"
    ACCESS_LOG = "access-log"
    REQUESTS = "requests"
    CASES = "cases"


class Basis(StrEnum):
    """Why an item is held."""

    #: Needed to talk to the person at all (their language, their chat).
    SERVICE = "service"
    #: Their consent to be contacted on a channel (a consent record).
    CONSENT = "consent"
    #: The office's invitation, which the person took up.
    OFFICE_INVITATION = "office-invitation"
    #: Their consent to letters (a consent record): the address is kept only with it.
    LETTERS_CONSENT = "letters-consent"
    #: Kept for a fixed time, then purged (message texts).
    RETENTION = "retention"
    #: Accountability for who accessed personal data (GDPR Art. 5(2), 32).
    ACCOUNTABILITY = "accountability"
    #: The person asked for it (an export, a transfer code) and it ends by itself.
    REQUEST = "request"


@dataclass(frozen=True, slots=True)
class Held:
    basis: Basis
    #: The latest at which it goes (if nothing renews it: activity, a new consent).
    until: date
    #: The consent record it rests on (ISO/IEC TS 27560 record id), if consent.
    record_id: str | None = None


@dataclass(frozen=True, slots=True)
class ConsentDecision:
    record_id: str
    #: bot.kernel.types.ConsentState value: given, refused, withdrawn.
    state: str
    #: bot.kernel.types.ConsentMethod value: chat, office, letter, carrier.
    method: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class LanguageItem:
    category: ClassVar[CategoryId] = CategoryId.LANGUAGE
    #: None while the person has not chosen one (the default language is used).
    language: str | None
    held: Held


@dataclass(frozen=True, slots=True)
class ChannelItem:
    category: ClassVar[CategoryId] = CategoryId.CHANNELS
    channel: Channel
    #: Place in the person's order of preference (1 first); None when not ranked.
    rank: int | None
    #: The newest decision for this channel; None when never asked.
    consent: ConsentDecision | None
    #: How many addresses on this channel (web chat sessions, numbers) are theirs.
    addresses: int
    #: False after the provider said the address cannot be reached (blocked, STOP).
    reachable: bool
    held: Held


@dataclass(frozen=True, slots=True)
class InvitationItem:
    """An office's invitation the person connected with, and what the office recorded."""

    category: ClassVar[CategoryId] = CategoryId.OFFICE_INVITATION
    reference: str
    office_name: str
    language: str
    channels: tuple[Channel, ...]
    #: bot.invitations status value (connected, once the person took it up).
    status: str
    created_at: datetime
    #: When the office recorded the person's consent, and the notice version it showed.
    consent_recorded_at: datetime
    notice_version: str
    closed_at: datetime | None
    expires_at: datetime
    #: Whether the office's record still holds keyed fingerprints of the phone number
    #: and postal address it gave (to recognise a code texted from that number).
    fingerprints: bool
    held: Held


@dataclass(frozen=True, slots=True)
class PostalItem:
    """The address letters go to, masked: no name, house number or extra line."""

    category: ClassVar[CategoryId] = CategoryId.POSTAL_ADDRESS
    street_name: str
    postcode: str
    city: str
    held: Held


@dataclass(frozen=True, slots=True)
class PhoneItem:
    category: ClassVar[CategoryId] = CategoryId.PHONE
    #: The number's last digits only.
    ending: str
    channels: tuple[Channel, ...]
    held: Held


@dataclass(frozen=True, slots=True)
class MessagesItem:
    category: ClassVar[CategoryId] = CategoryId.MESSAGES
    received: int
    sent: int
    #: Messages whose text is still stored (the rest keep only time, channel, status).
    texts_kept: int
    #: When the last of the texts kept now is purged; None when none is kept.
    texts_purged_by: date | None
    #: The texts' retention; `until` is that of the newest text.
    held: Held


@dataclass(frozen=True, slots=True)
class AccessLogItem:
    category: ClassVar[CategoryId] = CategoryId.ACCESS_LOG
    entries: int
    #: Kept after an erasure for complaints and breaches (LOTSE_ACCESS_LOG_RETENTION_DAYS).
    held: Held


class RequestKind(StrEnum):
    EXPORT = "export"
    TRANSFER_CODE = "transfer-code"
    #: A request to a data holder (bot.rights), with what was typed for its letter.
    HOLDER_REQUEST = "holder-request"


@dataclass(frozen=True, slots=True)
class RequestItem:
    """Something the person asked for that Lotse keeps until it expires: an export
    ready to download, a transfer code for another Lotse (kept as a keyed hash only), a
    request to a data holder (kept encrypted until LOTSE_REQUEST_DAYS after its last
    change)."""

    category: ClassVar[CategoryId] = CategoryId.REQUESTS
    kind: RequestKind
    made_at: datetime
    #: `held.until` is the day; this the exact end.
    expires_at: datetime
    held: Held
    #: A holder request: the holder's name as the catalog gives it (an English catalog
    #: id, translated like every message), and the bot.holders.RequestKind value.
    holder_name: str | None = None
    request_kind: str | None = None


@dataclass(frozen=True, slots=True)
class CaseItem:
    """A hand-off to an advice service: which fields went (never their values, as for
    requests), held on the person's consent until the case is erased."""

    category: ClassVar[CategoryId] = CategoryId.CASES
    service_name: str
    #: bot.cases.CaseStatus value.
    status: str
    #: bot.cases.Field values, in the order they were offered.
    fields: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    withdrawn_at: datetime | None
    held: Held


@dataclass(frozen=True, slots=True)
class Inventory:
    person_id: int
    made_at: datetime
    #: The day the person is erased if inactive until then (LOTSE_RETENTION_DAYS).
    erased_if_inactive_on: date
    language: LanguageItem
    channels: tuple[ChannelItem, ...]
    invitations: tuple[InvitationItem, ...]
    postal_address: PostalItem | None
    phones: tuple[PhoneItem, ...]
    messages: MessagesItem
    access_log: AccessLogItem
    requests: tuple[RequestItem, ...] = ()
    cases: tuple[CaseItem, ...] = ()

    def categories(self) -> tuple[CategoryId, ...]:
        """The categories with something in them, in the order they are listed."""
        present = {
            CategoryId.LANGUAGE: True,
            CategoryId.CHANNELS: bool(self.channels),
            CategoryId.OFFICE_INVITATION: bool(self.invitations),
            CategoryId.POSTAL_ADDRESS: self.postal_address is not None,
            CategoryId.PHONE: bool(self.phones),
            CategoryId.MESSAGES: self.messages.received + self.messages.sent > 0,
            CategoryId.ACCESS_LOG: self.access_log.entries > 0,
            CategoryId.REQUESTS: bool(self.requests),
            CategoryId.CASES: bool(self.cases),
        }
        return tuple(category for category, shown in present.items() if shown)
