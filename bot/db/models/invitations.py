"""Invitations from offices, their events, and their letters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId
from bot.db.models.erasure import OnErasure, on_erasure
from bot.kernel.clock import utcnow


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
    #: How the person proved the invitation was theirs when connecting (bot/invitations/connect.py).
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
    #: The office's record stays when its person is erased; only the link goes. Indexed:
    #: "My data" and erasure look a person's invitations up.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"),
        index=True,
        info=on_erasure(OnErasure.DETACH),
    )
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
