"""The inbound queue (messages acknowledged, not yet processed) and scheduled job runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId


class InboxEntry(Base):
    """An inbound message a provider (or the web chat) was told we have, until the
    engine has processed it: the row is deleted in the engine step's transaction.

    No person column: the sender is found when the message is processed. The message
    (address included) is kept encrypted; `sender_key` is a keyed hash of channel and
    address that keeps each sender's messages in order.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        Index("ix_inbox_sender", "sender_key", "id"),
        # Arrival order is processing order: SQLite must never reuse an id.
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: "<channel>:<provider id>": a repeated delivery is not queued twice.
    inbound_key: Mapped[str] = mapped_column(String(200), unique=True)
    sender_key: Mapped[str] = mapped_column(String(64))
    payload_enc: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    #: Failed processing attempts (the database failed, not the flow: a flow's error is
    #: answered with an apology); the next try waits until `not_before`.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(200))


class JobRun(Base):
    """The last run of a scheduled job, shared by every process on one database: a
    process runs a job only when it wins this row for the current schedule."""

    __tablename__ = "job_runs"
    job_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: A run that has not finished by then is taken to have died with its process.
    running_until: Mapped[datetime | None]
    #: host:pid of the process that ran it last (for the operator).
    process: Mapped[str | None] = mapped_column(String(80))
