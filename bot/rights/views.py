"""What the chat sees of a request: never the values typed, only what is still missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.holders import RequestKind
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

    @property
    def complete(self) -> bool:
        return not self.missing


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
