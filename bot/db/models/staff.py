"""Staff logins and their sessions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId
from bot.kernel.clock import utcnow


class StaffUser(Base):
    """A staff login: office staff (one office each), or an advisor or service admin
    (no office; the advice services they belong to are `StaffServiceMember` rows)."""

    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int | None] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), index=True
    )
    #: bot.staff.StaffRole value: "office", "advisor" or "service-admin".
    role: Mapped[str] = mapped_column(String(16), default="office", server_default="office")
    #: Lotse language codes an advisor reads (cases in other languages are flagged).
    languages: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: argon2id
    password_hash: Mapped[str] = mapped_column(String(200))
    #: Keyed hashes of the clients this login last succeeded from (its usual places):
    #: while the account is under attack, only they may still log in.
    known_clients: Mapped[list[str]] = mapped_column(default=list)
    disabled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The language of the office pages this login chose (None: the browser's).
    language: Mapped[str | None] = mapped_column(String(8))
    #: The local day whose advisors' digest was last tried for this login (at most one
    #: a day, however many processes run the job).
    digest_on: Mapped[date | None]


class StaffSession(Base):
    __tablename__ = "staff_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Keyed hash of the cookie's token: a database leak does not leak sessions.
    token_index: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class StaffServiceMember(Base):
    """An advisor or service admin belongs to an advice service: they see its cases."""

    __tablename__ = "staff_services"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("advice_services.id", ondelete="CASCADE"), primary_key=True, index=True
    )
