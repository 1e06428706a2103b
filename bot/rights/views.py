"""What the chat sees of a request: never the values typed, only what is still missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.holders import RequestKind
from bot.kernel.postal import MaskedAddress
from bot.rights.identity import Part


class RequestStatus(StrEnum):
    """A request's life so far; the deadline clock (sent, answered, overdue…) comes later."""

    DRAFTED = "drafted"  # parts still being typed
    READY = "ready"  # complete; the letter has been made at least once


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
    #: The short link with its capability token (SMS, WhatsApp); never stored.
    link: str | None = None

    @property
    def reference(self) -> str:
        """What a reply carries (bot.kernel.types.Reply.attachment): the web chat shows
        the letter's link, Telegram sends the PDF (bot.web.rights, the outbox loader)."""
        return f"{LETTER_REFERENCE}{self.request_id}"


#: The attachment reference prefix of a request letter.
LETTER_REFERENCE = "rights-letter:"
