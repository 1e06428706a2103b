"""The database schema. Personal fields are encrypted (`*_enc`) or keyed hashes (`*_index`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only autoincrements an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class Municipality(Base):
    """Who runs this Lotse: named in the privacy notice and in letters."""

    __tablename__ = "municipalities"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200))
    privacy_contact: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Person(Base):
    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    language: Mapped[str | None] = mapped_column(String(8))
    #: Channels in the order the person prefers them (only consented ones).
    channel_ranking: Mapped[list[str]] = mapped_column(default=list)
    onboarded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Contact(Base):
    """One address of a person on one channel (a web chat session, a chat, a number)."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("channel", "address_index"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    address_index: Mapped[str] = mapped_column(String(64))
    #: Needed to send (phone numbers, chat ids); None where Lotse never writes first.
    address_enc: Mapped[str | None] = mapped_column(Text)
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    opted_out_at: Mapped[datetime | None]
    last_inbound_at: Mapped[datetime | None]
    #: Set when the person was erased: the contact only lives on to deliver the goodbye.
    purge_after: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conversation(Base):
    __tablename__ = "conversations"
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Choice ids offered by the last bot message; anything else is free text.
    offered: Mapped[list[str]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(Base):
    """Inbox and outbox in one table (direction in/out), ordered by id per contact."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_due", "direction", "status", "next_attempt_at"),
        Index("ix_messages_contact", "contact_id", "id"),
        Index("ix_messages_provider", "channel", "provider_id"),
        # Ids are cursors for readers (`?after=`): SQLite must never reuse one.
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(16))
    #: "<channel>:<provider message id>" for inbound rows: a retried delivery is dropped.
    inbound_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    #: Encrypted JSON {"text": ..., "choices": [...]}; None once purged.
    body_enc: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(8))
    important: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    provider_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(String(500))
    #: The message this one re-sends on another channel after that one failed.
    fallback_of: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class ConsentRecord(Base):
    """Append-only consent events, shaped after ISO/IEC TS 27560."""

    __tablename__ = "consent_records"
    __table_args__ = ({"sqlite_autoincrement": True},)
    #: Orders the history (timestamps can tie); never reused.
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: The record id people and other systems see (ISO/IEC TS 27560 "record id").
    record_id: Mapped[str] = mapped_column(String(36), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(16))
    notice_id: Mapped[str] = mapped_column(String(64))
    notice_version: Mapped[str] = mapped_column(String(32))
    notice_language: Mapped[str] = mapped_column(String(8))
    method: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    #: When the person decided (for office consent: when the office recorded it).
    recorded_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ErasureTombstone(Base):
    """What is left of an erased person: only the day, for counts."""

    __tablename__ = "erasure_tombstones"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    erased_on: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(16))


class Office(Base):
    """A registration office of the municipality: it invites people, by API, CSV or letter."""

    __tablename__ = "offices"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    #: How people reach the office (phone, e-mail, opening hours), printed in letters.
    contact: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OfficeApiKey(Base):
    """An API key of one office. Only a hash is kept; the key is shown once."""

    __tablename__ = "office_api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    #: The key's public first part, shown in lists and logs to tell keys apart.
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    #: SHA-256 of the whole key: keys are 256 random bits, so no slow hash is needed.
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class StaffUser(Base):
    """A staff login for the office web page."""

    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: argon2id
    password_hash: Mapped[str] = mapped_column(String(200))
    #: Keyed hashes of the clients this login last succeeded from (its usual places):
    #: while the account is under attack, only they may still log in.
    known_clients: Mapped[list[str]] = mapped_column(default=list)
    disabled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThrottleEvent(Base):
    """One attempt that counts against a limit (a wrong connect code, a failed staff
    login, a new chat session; bot/throttle.py): in the database, so every process
    shares the count and a restart does not reset it. Kept two days."""

    __tablename__ = "throttle_events"
    __table_args__ = (
        Index("ix_throttle_events_kind_at", "kind", "at"),
        Index("ix_throttle_events_kind_key_at", "kind", "key", "at"),
        Index("ix_throttle_events_kind_client_at", "kind", "client", "at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    #: Keyed hashes of who tried: a session or an account, and the client address.
    key: Mapped[str] = mapped_column(String(64))
    client: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]


class StaffSession(Base):
    __tablename__ = "staff_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Keyed hash of the cookie's token: a database leak does not leak sessions.
    token_index: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class StaffAccess(Base):
    """Every staff access to personal data: who, when, what (never the data itself)."""

    __tablename__ = "staff_access_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id", ondelete="SET NULL"))
    #: "key:<prefix>", "user:<id>" or "cli".
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    invitation_id: Mapped[int | None] = mapped_column(BigId, index=True)
    detail: Mapped[str | None] = mapped_column(String(200))


class Invitation(Base):
    """An office's invitation of one person, from creation to connected or expired.

    The contact details (`personal_enc`) are kept only as long as the invitation is
    open: they are erased when it is connected, expired or failed."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("office_id", "reference"),
        Index("ix_invitations_office_status", "office_id", "status", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: The id offices see: random, so ids reveal nothing about other offices' volume.
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(100))
    #: Keyed hash of the request as given, to tell a repeat from a conflicting one.
    request_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    channels: Mapped[list[str]] = mapped_column(default=list)
    #: Encrypted JSON: phone, postal_address, given_name, family_name. None once erased.
    personal_enc: Mapped[str | None] = mapped_column(Text)
    consent_recorded_at: Mapped[datetime]
    notice_version: Mapped[str] = mapped_column(String(64))
    #: The short code a person types (K7QF-9M2X), a secret like a password: found by its
    #: keyed hash, kept encrypted for letters, reminders and the staff page.
    code_index: Mapped[str] = mapped_column(String(64), unique=True)
    code_enc: Mapped[str] = mapped_column(Text)
    #: The long token links and QR codes carry (cannot be guessed, so never throttled).
    token_index: Mapped[str] = mapped_column(String(64), unique=True)
    token_enc: Mapped[str] = mapped_column(Text)
    #: How the person proved the invitation was theirs when connecting (bot/connect.py).
    connected_by: Mapped[str | None] = mapped_column(String(16))
    #: Keyed hashes (as contacts are indexed) of the phone number and postal address the
    #: office gave: a code texted from that number proves the invitation is the sender's,
    #: also after it was connected (by someone who may have guessed the code). Kept while
    #: the invitation is open or connected; erased when it expires or fails.
    phone_index: Mapped[str | None] = mapped_column(String(64))
    postal_index: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16))
    #: The channel the invitation actually went by, and why (e.g. a Telegram link by SMS).
    sent_via: Mapped[str | None] = mapped_column(String(16))
    sent_note: Mapped[str | None] = mapped_column(String(200))
    #: The outbox row of the latest message (invitation or reminder), if by message.
    message_id: Mapped[int | None] = mapped_column(BigId)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class InvitationEvent(Base):
    """Each status change of an invitation, with its time, as the office sees it."""

    __tablename__ = "invitation_events"
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    detail: Mapped[str | None] = mapped_column(String(200))


class Letter(Base):
    """A letter waiting for, or handed to, print. Its text is rendered at export time."""

    __tablename__ = "letters"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    printed_at: Mapped[datetime | None]
    batch: Mapped[str | None] = mapped_column(String(40), index=True)
    pages: Mapped[int | None] = mapped_column(Integer)
