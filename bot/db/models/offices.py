"""Registration offices and their API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.kernel.clock import utcnow


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
