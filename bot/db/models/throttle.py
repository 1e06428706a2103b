"""Attempts counted by the throttle (connect codes, logins, new chat sessions)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId


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
