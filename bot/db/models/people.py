"""People, their contacts and conversations; who runs this Lotse; tombstones of erased people."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId
from bot.db.models.erasure import OnErasure, on_erasure
from bot.kernel.clock import utcnow


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
        ForeignKey("persons.id", ondelete="CASCADE"),
        index=True,
        info=on_erasure(OnErasure.DELETE),
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
        ForeignKey("persons.id", ondelete="CASCADE"),
        primary_key=True,
        info=on_erasure(OnErasure.DELETE),
    )
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Choice ids offered by the last bot message; anything else is free text.
    offered: Mapped[list[str]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ErasureTombstone(Base):
    """What is left of an erased person: only the day, for counts."""

    __tablename__ = "erasure_tombstones"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    erased_on: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(16))
