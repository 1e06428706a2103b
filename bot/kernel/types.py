"""Normalised message types shared by the engine, the flows and the adapters.

Nothing here knows a provider or a flow by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    WEBCHAT = "webchat"
    TELEGRAM = "telegram"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    LETTER = "letter"


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


class InboxStatus(StrEnum):
    PROCESSED = "processed"
    ERROR = "error"


class ConsentState(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class ConsentMethod(StrEnum):
    CHAT = "chat"
    OFFICE = "office"
    LETTER = "letter"
    #: Reported by the provider: the person opted out with the carrier (SMS STOP).
    CARRIER = "carrier"


@dataclass(frozen=True, slots=True)
class Text:
    """A translatable text: a catalog message id plus its parameters.

    Translation happens when the engine writes the outbound row, in the
    person's language at that moment. Parameters may themselves be `Text`s
    (channel names inside a sentence) or dates (formatted per locale).
    """

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None
    n: int | None = None
    #: The language of each line, for text shown as it is in several languages at once
    #: (`multilingual`); empty: the text is in the language it is rendered in.
    line_langs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Keyword:
    """A command word that works in every language (menu, language, help).

    Its catalog entry (`keyword-<name>`) lists the words a language accepts,
    separated by `|`; the first is the one shown to people.
    """

    msgid: str

    @classmethod
    def named(cls, name: str) -> Keyword:
        """The keyword called `name` (menu, help…), for code that holds only the name."""
        return cls("keyword-" + name)

    @property
    def name(self) -> str:
        return self.msgid.removeprefix("keyword-")


def t(msgid: str, **params: Any) -> Text:
    """Mark a message for extraction (`pybabel extract -k t`)."""
    return Text(msgid, params)


def tn(singular: str, plural: str, n: int, **params: Any) -> Text:
    """Mark a plural message (`pybabel extract -k tn:1,2`); `n` is also a parameter."""
    return Text(singular, {"n": n, **params}, plural, n)


#: The id prefix of a choice that picks a language ("lang:fa"): a list of them is
#: read by someone whose language Lotse may not know yet.
LANGUAGE_CHOICE = "lang:"


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: Text | str  # a plain str is shown as is (language names in their own script)


@dataclass(frozen=True, slots=True)
class Reply:
    """One bot message as a flow sees it: paragraphs and optional choices."""

    texts: tuple[Text, ...]
    choices: tuple[Choice, ...] = ()
    #: An important reply may fall back to another consented channel when the
    #: current one cannot deliver it.
    important: bool = False
    #: The confirmation of an opt-out: the one message still sent after STOP.
    opt_out_notice: bool = False
    #: A pre-approved template it may be sent as outside a messaging window.
    template: str | None = None
    #: A document the message carries, by reference ("mydata-export:12"): the channel
    #: sends it as a file (Telegram) or shows a link to it (web chat).
    attachment: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message, loaded just before its provider call."""

    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """What a person sent, as every adapter normalises it."""

    channel: Channel
    address: str  # the channel's address of the person (session token, chat id, E.164 number)
    provider_id: str  # unique per channel: used to drop duplicate deliveries
    text: str | None = None
    choice: str | None = None
    #: Hints the adapter has about the person's language, best first.
    language_hints: tuple[str, ...] = ()
    #: The person opened the conversation (web chat session, Telegram /start).
    start: bool = False
    #: A start payload (a deep-link code) the channel carried.
    payload: str | None = None
    #: Something Lotse cannot read (a photo, a voice message, a sticker): the
    #: person gets a polite answer in their language.
    unsupported: bool = False
    received_at: datetime | None = None
    #: Web chat: a keyed hash of the client's address (through trusted proxies), for
    #: the limits on connect codes; never the address itself.
    client: str | None = None
    #: Made by Lotse itself to continue a conversation (a transfer's result coming
    #: back), not written by the person: it shows no activity of theirs, so it opens
    #: no WhatsApp reply window and unblocks no contact.
    internal: bool = False

    @property
    def inbound_key(self) -> str:
        """The message's key across deliveries: a provider's retry has the same one."""
        return f"{self.channel}:{self.provider_id}"


@dataclass(frozen=True, slots=True)
class RenderedChoice:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A translated bot message as stored in the outbox, before channel rendering."""

    id: int
    channel: Channel
    address: str
    text: str
    choices: tuple[RenderedChoice, ...]
    lang: str
    contact_id: int = 0
    #: When the person last wrote on this channel (WhatsApp's 24-hour window).
    last_inbound_at: datetime | None = None
    #: A pre-approved template this message may be sent as outside a messaging window
    #: (WhatsApp), e.g. "invitation"; None for conversation replies.
    template: str | None = None
    #: The reference of a document the message carries (Reply.attachment), and the files
    #: loaded for it (only on the part that goes last).
    attachment: str | None = None
    files: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class DeliveryReceipt:
    """A provider's word on an outbound message it accepted earlier."""

    channel: Channel
    provider_id: str
    status: OutboxStatus  # DELIVERED or FAILED (SENT for "accepted by the carrier")
    error_code: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can carry; rendering adapts replies to it."""

    buttons: bool
    #: Longest text one message may carry; longer texts are split at sentence ends.
    max_length: int | None
    needs_rtl_marks: bool = False
    max_buttons: int = 100
    #: SMS: split so that each message costs at most this many segments.
    max_sms_segments: int | None = None
    #: Sends a message's attached files itself (Telegram); elsewhere the message shows
    #: links to them (web chat) or a link is in its text.
    files: bool = False


@dataclass(frozen=True, slots=True)
class RateLimit:
    """How fast a channel may send: overall, and to one address."""

    per_second: float
    per_address_per_second: float | None = None


def verbatim(text: str) -> Text:
    """Text that is shown as it is, in every language (already translated or a name)."""
    return Text("{text}", {"text": text})


def multilingual(lines: Sequence[tuple[str, str]]) -> Text:
    """(language, text) lines shown as they are, one a line (the language menu); pages
    mark each line with its language ("" for none, e.g. a symbol)."""
    return Text(
        "{text}",
        {"text": "\n".join(text for _, text in lines)},
        line_langs=tuple(lang for lang, _ in lines),
    )
