"""What the chat sees of a request: never the values typed, only what is still missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.holders import RequestKind
from bot.kernel.postal import MaskedAddress
from bot.rights.deadlines import SentBy
from bot.rights.identity import Part


class RequestStatus(StrEnum):
    """A request's life: drafted → (ready) → sent → answered | extended → overdue →
    reminded → complaint → closed. Only the person, an office's staff or the clock
    (`overdue`, when the person says no answer came after the deadline) move it."""

    DRAFTED = "drafted"  # parts still being typed
    READY = "ready"  # complete; the letter has been made, not yet sent
    SENT = "sent"  # the letter went: the one-month clock runs from its receipt
    EXTENDED = "extended"  # the holder said in time, with reasons, it needs two more months
    ANSWERED = "answered"  # an answer came (the outcome says what it gave)
    OVERDUE = "overdue"  # the deadline passed with no answer: a reminder is due
    REMINDED = "reminded"  # the reminder went: its two weeks run
    COMPLAINT = "complaint"  # the complaint to the supervisory authority went
    CLOSED = "closed"  # done: erased LOTSE_REQUEST_CLOSED_DAYS later


#: Statuses in which the letter went and the request is not done.
RUNNING = frozenset({
    RequestStatus.SENT, RequestStatus.EXTENDED, RequestStatus.OVERDUE, RequestStatus.REMINDED,
    RequestStatus.COMPLAINT,
})  # fmt: skip


class Outcome(StrEnum):
    """What an answer gave, as the person or the office's staff recorded it."""

    DONE = "done"  # the data given, corrected, erased… as asked
    PARTLY = "partly"
    REFUSED = "refused"


class Ask(StrEnum):
    """What Lotse asks the person next, on their preferred channel outside quiet hours."""

    SOON = "soon"  # some days before the deadline: did an answer come early?
    DUE = "due"  # the deadline passed: did an answer come?
    REMINDER_DUE = "reminder-due"  # the reminder's two weeks passed
    COMPLAINT = "complaint"  # months after the complaint: did the authority answer?
    OFFICE = "office"  # the office's staff recorded an extension or an answer


class LetterKind(StrEnum):
    """The letters of one request: the request, then a reminder, then a complaint."""

    REQUEST = "request"
    REMINDER = "reminder"
    COMPLAINT = "complaint"


@dataclass(frozen=True, slots=True)
class Clock:
    """A sent request's dates (bot.rights.deadlines). `estimated`: receipt, and all
    that follows from it, is an estimate (a posted letter)."""

    sent_on: date
    sent_by: SentBy
    receipt_on: date
    due_on: date
    estimated: bool
    extended_on: date | None = None
    answered_on: date | None = None
    outcome: Outcome | None = None
    recipients_named: bool | None = None
    reminder_on: date | None = None
    reminder_due_on: date | None = None
    complaint_on: date | None = None
    closed_on: date | None = None
    #: The next date that matters (the deadline, the reminder's), None when none does.
    next_on: date | None = None
    #: The office on this installation it went to (its name), if it went through Lotse.
    office: str | None = None
    #: What the office's staff noted (reasons for an extension, on the answer).
    office_note: str | None = None


@dataclass(frozen=True, slots=True)
class RequestView:
    request_id: int
    holder: str  # the holder's slug
    kind: RequestKind
    status: RequestStatus
    #: The parts still to type, in the order to ask them (identity, then details).
    missing: tuple[Part, ...]
    created_at: datetime
    #: The request and everything typed for it are erased then, at the latest.
    erase_at: datetime
    #: When the person asked for the letter by post (LOTSE_REQUEST_POST), and when it
    #: was printed for the post; None when not (yet).
    post_requested_at: datetime | None = None
    posted_at: datetime | None = None
    #: The deadline clock, once the letter went; None before.
    clock: Clock | None = None
    #: What Lotse asks the person about it now (the question a reminder opens).
    ask: Ask | None = None

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True, slots=True)
class PostedLetter:
    """A letter the operator prints and posts to the person (`Requests.post`)."""

    request_id: int
    #: When the person asked (the first time, when they ask twice).
    requested_at: datetime
    #: Where it goes, as a screen may show it.
    address: MaskedAddress
    #: When it was printed for the post; None while it waits for the next print run.
    posted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IssuedLetter:
    """A letter made available on one channel (mirrors bot.mydata.Issued)."""

    request_id: int
    expires_at: datetime
    #: Which of the request's letters (the link opens the newest made).
    kind: LetterKind = LetterKind.REQUEST
    #: The short link with its capability token (SMS, WhatsApp); never stored.
    link: str | None = None

    @property
    def reference(self) -> str:
        """What a reply carries (bot.kernel.types.Reply.attachment): the web chat shows
        the letter's link, Telegram sends the PDF (bot.web.rights, the outbox loader).
        A follow-up letter's carries its kind ("rights-letter:12:reminder") for the link's
        words; what it opens is the letter the request names."""
        if self.kind is LetterKind.REQUEST:
            return f"{LETTER_REFERENCE}{self.request_id}"
        return f"{LETTER_REFERENCE}{self.request_id}:{self.kind.value}"


#: The attachment reference prefix of a request letter.
LETTER_REFERENCE = "rights-letter:"
