"""Consent records, append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId
from bot.db.models.erasure import OnErasure, on_erasure
from bot.kernel.clock import utcnow


class ConsentRecord(Base):
    """Append-only consent events, shaped after ISO/IEC TS 27560."""

    __tablename__ = "consent_records"
    __table_args__ = ({"sqlite_autoincrement": True},)
    #: Orders the history (timestamps can tie); never reused.
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: The record id people and other systems see (ISO/IEC TS 27560 "record id").
    record_id: Mapped[str] = mapped_column(String(36), unique=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"),
        index=True,
        info=on_erasure(OnErasure.DELETE),
    )
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
