"""Cases (bot.cases): a hand-off the person chose to make to an advice service, and the
casework on it. Everything the person shared or wrote, and what advisors wrote, is
encrypted (`*_enc`); it is erased LOTSE_CASE_DAYS after the case was resolved, or at
once when the person withdraws the hand-off. The timestamps stay until `erase_at`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId
from bot.db.models.erasure import OnErasure, on_erasure


class Case(Base):
    __tablename__ = "cases"
    # Pages name a case by id: SQLite must never give an erased one's id again.
    __table_args__ = (
        Index("ix_cases_service_status", "service_id", "status"),
        # The inbox's pages: a service's cases newest first, without a sort.
        Index("ix_cases_service_id", "service_id", "id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: The service handed off to; NULL once the operator removed it from the directory
    #: (then nobody sees the case any more). Slug and name are kept for the person.
    service_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("advice_services.id", ondelete="SET NULL")
    )
    service_slug: Mapped[str] = mapped_column(String(64))
    service_name: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"),
        index=True,
        info=on_erasure(OnErasure.DELETE),
    )
    #: bot.cases.CaseStatus value.
    status: Mapped[str] = mapped_column(String(16))
    assigned_to: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), index=True
    )
    #: The person's language (Lotse code), and the topic they asked about (bot.advice.Topic).
    language: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str | None] = mapped_column(String(32))
    #: The channel the person handed off on (replies go to their preferred one).
    channel: Mapped[str] = mapped_column(String(16))
    #: Names of the fields the person chose to share (bot.cases.Field values), not values.
    fields: Mapped[list[str]] = mapped_column(default=list)
    #: The shared values as encrypted JSON; NULL once erased.
    shared_enc: Mapped[str | None] = mapped_column(Text)
    #: Explicit consent (GDPR Art. 9(2)(a)) to share a description that may reveal
    #: special categories of data.
    special_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    #: An earlier case whose summary the person chose to pass on.
    history_from: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("cases.id", ondelete="SET NULL")
    )
    #: The hand-off's consent record (ISO/IEC TS 27560 record id, purpose "handoff").
    consent_record_id: Mapped[str] = mapped_column(String(36))
    #: When the hand-off consent ends on its own; the advisor's access ends with it.
    expires_at: Mapped[datetime] = mapped_column(index=True)
    withdrawn_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Service levels (bot.cases.service_level), in business minutes of the service.
    first_response_due: Mapped[datetime | None]
    first_responded_at: Mapped[datetime | None]
    next_response_due: Mapped[datetime | None]
    #: Since when the case waits for the person (the clock is paused meanwhile).
    waiting_since: Mapped[datetime | None]
    paused_minutes: Mapped[int] = mapped_column(Integer, default=0)
    resolved_at: Mapped[datetime | None]
    #: When the content goes (LOTSE_CASE_DAYS after resolution); the row goes at
    #: `erase_at` too. NULL while the case is open.
    erase_at: Mapped[datetime | None] = mapped_column(index=True)
    #: Where the relay's answers go: the contact the person last wrote to the service
    #: from (encrypted address; the web chat's session). NULL: a contact Lotse may
    #: write to first. Erased with the content.
    reply_channel: Mapped[str | None] = mapped_column(String(16))
    reply_address_enc: Mapped[str | None] = mapped_column(Text)


class CaseMessage(Base):
    """One message of the relay: from the person ("in"), from an advisor ("out"), or a
    notice ("event": an advisor joined, the case closed)."""

    __tablename__ = "case_messages"
    __table_args__ = (Index("ix_case_messages_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(8))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    body_enc: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    #: The canned reply's code, when the advisor chose one.
    canned: Mapped[str | None] = mapped_column(String(32))
    translation_enc: Mapped[str | None] = mapped_column(Text)
    #: Provenance of the translation: outcome, engine, models, path (no text).
    translation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: "stored", "translated", "queued" (to the person, in the outbox) or "shown".
    state: Mapped[str] = mapped_column(String(16), index=True)
    outbox_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime]


class CaseNote(Base):
    """An internal note of the service's advisors; the person never reads it (but it is
    theirs to know of: it is erased with the case's content)."""

    __tablename__ = "case_notes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    body_enc: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class ServiceLevel(Base):
    """One service's response targets and business hours (bot.cases.service_level)."""

    __tablename__ = "service_levels"
    service_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("advice_services.id", ondelete="CASCADE"), primary_key=True
    )
    #: Targets in business minutes.
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    next_response_minutes: Mapped[int] = mapped_column(Integer)
    #: Weekday ("0" Monday … "6" Sunday) → [["09:00", "17:00"], …].
    hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The Land whose public holidays close the service (ISO 3166-2 subdivision, "NW").
    land: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    #: Staff addresses the daily digest goes to (counts and links only).
    digest_to: Mapped[list[str]] = mapped_column(default=list)
