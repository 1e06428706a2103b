"""Messages in and out: the inbox and the outbox are one table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId
from bot.db.models.erasure import OnErasure, on_erasure
from bot.kernel.clock import utcnow


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
        ForeignKey("persons.id", ondelete="CASCADE"),
        index=True,
        info=on_erasure(OnErasure.DELETE),
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
    #: The first part's provider id (receipts find the row by it).
    provider_id: Mapped[str | None] = mapped_column(String(200))
    #: Outbound messages split into parts (SMS segments, long Telegram texts) are
    #: tracked part by part: how many parts the rendering made, how many are done,
    #: the part whose provider call is under way (its durable "started" mark), and
    #: the first part whose delivery became unknown when a sender died mid-call.
    parts_total: Mapped[int | None] = mapped_column(Integer)
    parts_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    part_started: Mapped[int | None] = mapped_column(Integer)
    uncertain_part: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    #: The message this one re-sends on another channel after that one failed.
    fallback_of: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
