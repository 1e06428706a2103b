"""What the casework's pages and the person's "My consents" show: plain frozen copies,
never database rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CaseStatus(StrEnum):
    #: Handed off; no advisor has taken it yet.
    NEW = "new"
    #: An advisor has it (assigned).
    OPEN = "open"
    #: Waiting for the person (the service-level clock is paused).
    WAITING = "waiting"
    RESOLVED = "resolved"


class Direction(StrEnum):
    #: From the person.
    IN = "in"
    #: From an advisor.
    OUT = "out"
    #: A notice: an advisor joined, the case was closed.
    EVENT = "event"


class Field(StrEnum):
    """What a person may choose to share with a hand-off, item by item."""

    FIRST_NAME = "first-name"
    LANGUAGE = "language"
    CHANNEL = "channel"
    TOPIC = "topic"
    #: A short description in the person's own words (may reveal special categories:
    #: shared only with explicit consent, GDPR Art. 9(2)(a)).
    DESCRIPTION = "description"
    #: The reference of the office invitation that brought them to Lotse.
    REFERENCE = "reference"
    #: Summaries of earlier hand-offs (so that advice does not contradict itself).
    HISTORY = "history"


class View(StrEnum):
    """The inbox's lists."""

    MINE = "mine"
    UNASSIGNED = "unassigned"
    ALL = "all"
    #: Open cases with a running due time, the earliest (most overdue) first.
    DUE = "due"


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case in a list: what the list needs, none of what the person shared."""

    id: int
    service_id: int
    service_name: str
    status: CaseStatus
    language: str
    topic: str | None
    created_at: datetime
    assigned_to: int | None
    first_response_due: datetime | None
    next_response_due: datetime | None
    #: Whether any advisor of the service reads the case's language (else it is flagged).
    language_covered: bool
    #: The due time that runs: the first answer's until it is given, then the next one's
    #: (what View.DUE orders by).
    due_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    author_id: int | None
    body: str
    created_at: datetime


class MessageState(StrEnum):
    """Where a relayed message stands (`case_messages.state`)."""

    #: Written; its translation is still to be made (outside any transaction).
    STORED = "stored"
    #: Translated (or found untranslatable); from the person: ready for the advisor.
    TRANSLATED = "translated"
    #: An advisor's message, handed to the outbox for the person.
    QUEUED = "queued"


@dataclass(frozen=True, slots=True)
class Rendering:
    """A message's translation as stored: the text (None when there is none) and its
    provenance, never recomputed for display."""

    outcome: str
    text: str | None
    engine: str | None
    #: "fa-en 1.9", "en-de 1.9": each model and its version.
    models: tuple[str, ...]
    #: ("fa", "en", "de"); empty when nothing was translated.
    path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    """One message of a case as its advisors see it: the original (None once erased)
    and, beside it, the German (or the person's language) rendering with provenance."""

    id: int
    direction: Direction
    author_id: int | None
    language: str
    original: str | None
    #: The canned reply's code when the advisor chose one (then no machine translation).
    canned: str | None
    #: None while the translation is still being made.
    rendering: Rendering | None
    state: MessageState
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """One case opened by an advisor of its service (the look is logged)."""

    row: CaseRow
    #: The fields the person chose, in their order, and their values.
    fields: tuple[Field, ...]
    shared: Mapping[Field, str]
    special_consent: bool
    expires_at: datetime
    history_from: int | None
    notes: tuple[Note, ...]
    #: The relay's messages, oldest first.
    messages: tuple[ThreadMessage, ...] = ()


@dataclass(frozen=True, slots=True)
class Handoff:
    """One hand-off as the person sees it in "My consents"."""

    case_id: int
    service_name: str
    fields: tuple[Field, ...]
    status: CaseStatus
    created_at: datetime
    expires_at: datetime
    withdrawn_at: datetime | None
    consent_record_id: str

    def active(self, now: datetime) -> bool:
        """The service still has access (not withdrawn, not expired)."""
        return self.withdrawn_at is None and self.expires_at > now
