"""Requests to data holders (bot.rights): what the person typed for a letter, encrypted,
kept only while the request is open."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
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

    # The deadline clock (bot.rights.deadlines, bot.rights.clock): NULL until the
    # person says the letter went (or an office on this installation received it).
    #: The day the request letter went, and how (bot.rights.SentBy value).
    sent_on: Mapped[date | None]
    sent_by: Mapped[str | None] = mapped_column(String(16))
    #: When it arrived: estimated for a posted letter, known for the others.
    receipt_on: Mapped[date | None]
    #: The last day for the answer: one month after receipt, three when extended.
    due_on: Mapped[date | None]
    #: The day of the holder's notice that it needs more time (within the first month).
    extended_on: Mapped[date | None]
    #: The day the answer came, and what it said (bot.rights.Outcome value).
    answered_on: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    #: For a correction: whether the answer named the recipients told of it (Art. 19).
    recipients_named: Mapped[bool | None] = mapped_column(Boolean)
    #: The reminder letter: the day it went, and the deadline it set (two weeks).
    reminder_on: Mapped[date | None]
    reminder_due_on: Mapped[date | None]
    #: The day the complaint to the supervisory authority went.
    complaint_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    #: When Lotse next asks the person about this request, and what (bot.rights.Ask);
    #: NULL when nothing is to be asked.
    ask_at: Mapped[datetime | None] = mapped_column(index=True)
    ask: Mapped[str | None] = mapped_column(String(16))
    #: Which letter the current link opens (bot.rights.LetterKind value).
    letter_kind: Mapped[str] = mapped_column(
        String(16), default="request", server_default="request"
    )
    #: The office on this installation the request was sent to through Lotse (its staff
    #: page); NULL for a letter the person sent themselves.
    office_id: Mapped[int | None] = mapped_column(
        ForeignKey("offices.id", ondelete="SET NULL"), index=True
    )
    #: What the office's staff recorded (reasons for an extension, a note on the answer),
    #: encrypted; the person reads it in "My requests".
    office_note_enc: Mapped[str | None] = mapped_column(Text)
