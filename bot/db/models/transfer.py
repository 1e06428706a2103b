"""Transfers between installations of Lotse: the codes a person asked for here, and the
documents received from peers (their ids, so that none is accepted twice)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId
from bot.db.models.erasure import OnErasure, on_erasure


class TransferCode(Base):
    """A person's live transfer code: one per person (asking again replaces it), kept as
    a keyed hash only. `used_at` is set by the one claim that consumes it."""

    __tablename__ = "transfer_codes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"),
        unique=True,
        info=on_erasure(OnErasure.DELETE),
    )
    code_index: Mapped[str] = mapped_column(String(64), unique=True)
    #: What the person chose to take along (bot.transfer.Item values).
    items: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    #: The peer that claimed it.
    used_by: Mapped[str | None] = mapped_column(String(16))


class TransferReceived(Base):
    """A document accepted from a peer, by its id: a replayed one is refused. No person:
    the id says nothing about anyone. Kept until the document's own expiry has passed."""

    __tablename__ = "transfers_received"
    document_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    issuer: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class TransferFetch(Base):
    """A code a person typed here, waiting to be claimed from its issuer outside the
    conversation step (bot.transfer.fetcher), and then what came back, until the person's
    next step reads it once. The code, the contact's address and the result are
    encrypted: the row exists only to carry them from the step to the fetch and back."""

    __tablename__ = "transfer_fetches"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"),
        index=True,
        info=on_erasure(OnErasure.DELETE),
    )
    #: pending → taken (a fetcher claims it) → done (the result is stored).
    status: Mapped[str] = mapped_column(String(16), index=True)
    code_enc: Mapped[str] = mapped_column(Text)
    #: Where the result goes back in: the channel and the contact's address (for the web
    #: chat, the session token), encrypted.
    channel: Mapped[str] = mapped_column(String(16))
    address_enc: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    taken_at: Mapped[datetime | None]
    #: JSON, encrypted: what was received, or why nothing was.
    result_enc: Mapped[str | None] = mapped_column(Text)
