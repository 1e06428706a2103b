"""Requests to data holders (bot.rights): what the person typed for a letter, encrypted,
kept only while the request is open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId
from bot.db.models.erasure import OnErasure, on_erasure


class RightsRequest(Base):
    """One request (access, correction, …) to one holder. The name, birth data, address
    and the person's own words are encrypted JSON, NULL until typed; the row goes at
    `erase_at` (LOTSE_REQUEST_DAYS after its last change), when the person deletes it,
    or with the person."""

    __tablename__ = "rights_requests"
    # A letter link names its request by id: SQLite must never give a deleted one's id again.
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"),
        index=True,
        info=on_erasure(OnErasure.DELETE),
    )
    #: The holder's slug in the catalog (bot.holders).
    holder: Mapped[str] = mapped_column(String(64))
    #: bot.holders.RequestKind value.
    kind: Mapped[str] = mapped_column(String(32))
    #: bot.rights.RequestStatus value.
    status: Mapped[str] = mapped_column(String(16))
    #: The language of the working translation beside the German letter.
    lang: Mapped[str] = mapped_column(String(8))
    #: The chat that last asked for the letter: a web chat link works only in it.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    #: The channel of that chat (the access log says where a letter was fetched).
    channel: Mapped[str] = mapped_column(String(16))
    #: bot.rights.Identity as JSON, encrypted with the field key; NULL until typed.
    identity_enc: Mapped[str | None] = mapped_column(Text)
    #: bot.rights.Details as JSON, encrypted; NULL until typed.
    details_enc: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    erase_at: Mapped[datetime] = mapped_column(index=True)
    #: Keyed hash of the short link's capability token (SMS, WhatsApp); the token is
    #: never stored.
    letter_token_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Until when the letter's link works; NULL before the letter is made.
    letter_expires_at: Mapped[datetime | None]
    #: The consent record (ISO/IEC TS 27560 record id) the request rests on.
    consent_record_id: Mapped[str] = mapped_column(String(36))
    #: When the person asked for the letter printed and posted (LOTSE_REQUEST_POST);
    #: NULL when they did not.
    post_requested_at: Mapped[datetime | None]
    #: When the operator printed it for the post (`lotse requests print`), and the batch.
    posted_at: Mapped[datetime | None]
    post_batch: Mapped[str | None] = mapped_column(String(40), index=True)
