"""The access log: who read or changed personal data, as metadata only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId
from bot.kernel.clock import utcnow


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
