"""The access log: who read or changed personal data, as metadata only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId
from bot.db.models.erasure import OnErasure, on_erasure
from bot.kernel.clock import utcnow


class AccessEntry(Base):
    """One access to personal data by someone other than the person (or a change or
    export the person made themselves): who (organisation, role, actor), what (action,
    data categories), whose (person, or the invitation before its person connected),
    when. Never the data itself."""

    __tablename__ = "access_log"
    __table_args__ = (
        # The person's own view: everything about one person, newest first.
        Index("ix_access_log_person_at", "person_id", "at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), info=on_erasure(OnErasure.TOMBSTONE)
    )
    #: After the person's erasure: their tombstone instead of them, until retention ends.
    tombstone_id: Mapped[int | None] = mapped_column(
        ForeignKey("erasure_tombstones.id", ondelete="SET NULL"), index=True
    )
    #: The invitation concerned; its person is filled in when they connect.
    invitation_id: Mapped[int | None] = mapped_column(BigId, index=True)
    #: The organisation acting (None: the operator of this Lotse).
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id", ondelete="SET NULL"))
    #: bot.audit.Role: "office-api", "office-staff", "operator", "person", "peer".
    role: Mapped[str] = mapped_column(String(20))
    #: "key:<prefix>", "user:<id>", "cli", "self" or "peer:<id>".
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    #: Data categories touched (bot.audit.Category values).
    categories: Mapped[list[str]] = mapped_column(default=list)
    detail: Mapped[str | None] = mapped_column(String(200))
