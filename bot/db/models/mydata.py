"""A person's export of their own data (GDPR Art. 15 and 20), kept until its link expires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId
from bot.db.models.erasure import OnErasure, on_erasure


class MyDataExport(Base):
    """The JSON document, encrypted; the PDF is rendered from it when fetched. One per
    person at a time (`person_id` is unique): a request made twice at once finds the
    other's row instead of making a second document."""

    __tablename__ = "mydata_exports"
    # A link names its export by id: SQLite must never give a deleted one's id again.
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"),
        unique=True,
        info=on_erasure(OnErasure.DELETE),
    )
    #: The contact that asked: a web chat link works only in this session.
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8))
    #: Keyed hash of the link's capability token (SMS, WhatsApp); None on other channels.
    token_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: The export (JSON), encrypted with the field key.
    document_enc: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
