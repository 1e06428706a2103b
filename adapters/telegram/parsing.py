"""Telegram Updates → `InboundMessage`s, and button presses → what answering them needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.kernel.types import Channel, InboundMessage

#: Bot commands that stand for the engine's keywords (English words always work).
COMMANDS = {"language": "language", "help": "help", "menu": "menu", "stop": "stop"}
#: Telegram's deep-link alphabet for /start payloads.
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: What a person can send that Lotse cannot read; they get a polite answer.
UNSUPPORTED = (
    "photo", "voice", "video", "video_note", "audio", "animation", "sticker",
    "document", "location", "venue", "contact", "poll", "dice", "story",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """What answering a button press needs: the query, and the message to mark."""

    query_id: str
    chat_id: int = field(repr=False)
    #: None when Telegram no longer shows the bot the message (too old to edit).
    message_id: int | None
    choice: str
    #: The pressed button's label and the message's text, to show the choice as made.
    label: str | None = field(default=None, repr=False)
    text: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class ParsedUpdate:
    inbound: InboundMessage
    callback: CallbackAnswer | None = None


def parse_update(data: dict[str, Any]) -> ParsedUpdate | None:
    """One Update as Lotse sees it, or None for what Lotse ignores (groups, channels,
    edits, service messages). Raises ValueError for JSON that is not an Update."""
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        raise ValueError("not a Telegram update (no integer update_id)")
    try:
        return from_update(Update.de_json(data, bot=None))
    except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as error:
        # The message names only the error type: its text may quote the update.
        raise ValueError(f"malformed Telegram update ({type(error).__name__})") from None


def from_update(update: Update) -> ParsedUpdate | None:
    # Telegram repeats a webhook it thinks failed: the engine drops a repeated id.
    provider_id = f"u{update.update_id}"
    if update.callback_query is not None:
        return _from_callback(update.callback_query, provider_id)
    if update.message is not None:
        return _from_message(update.message, provider_id)
    return None


def _private_chat_id(chat: Chat) -> int | None:
    if chat.type != Chat.PRIVATE:
        return None
    if type(chat.id) is not int:
        raise ValueError("chat id is not an integer")
    return chat.id


def _hints(user: User | None) -> tuple[str, ...]:
    code = user.language_code if user is not None else None
    return (code,) if isinstance(code, str) and code else ()


def _from_message(message: Message, provider_id: str) -> ParsedUpdate | None:
    chat_id = _private_chat_id(message.chat)
    if chat_id is None:
        return None
    base = InboundMessage(
        channel=Channel.TELEGRAM,
        address=str(chat_id),
        provider_id=provider_id,
        language_hints=_hints(message.from_user),
        received_at=message.date,
    )
    if isinstance(message.text, str) and message.text.strip():
        return ParsedUpdate(_with_text(base, message.text.strip()))
    if any(getattr(message, kind, None) for kind in UNSUPPORTED):
        return ParsedUpdate(replace(base, unsupported=True))
    return None


def _with_text(base: InboundMessage, text: str) -> InboundMessage:
    if not text.startswith("/"):
        return replace(base, text=text)
    head, *rest = text.split(maxsplit=1)
    command = head[1:].split("@", 1)[0].lower()  # "/start@lotse_bot" in some clients
    if command == "start":
        payload = rest[0] if rest else ""
        return replace(base, start=True, payload=payload if _PAYLOAD.fullmatch(payload) else None)
    if command in COMMANDS:
        return replace(base, text=COMMANDS[command])
    return replace(base, text=text)


def _from_callback(query: CallbackQuery, provider_id: str) -> ParsedUpdate | None:
    message = query.message
    if message is None or not isinstance(query.data, str) or not query.data:
        return None  # inline-mode or game buttons: Lotse sends neither
    chat_id = _private_chat_id(message.chat)
    if chat_id is None:
        return None
    if isinstance(message, Message):
        answer = CallbackAnswer(
            str(query.id), chat_id, message.message_id, query.data,
            label=_label(message, query.data), text=message.text,
        )  # fmt: skip
    else:  # an InaccessibleMessage: too old for the bot to see or edit
        answer = CallbackAnswer(str(query.id), chat_id, None, query.data)
    inbound = InboundMessage(
        channel=Channel.TELEGRAM,
        address=str(chat_id),
        provider_id=provider_id,
        choice=query.data,
        language_hints=_hints(query.from_user),
    )
    return ParsedUpdate(inbound, answer)


def _label(message: Message, choice: str) -> str | None:
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return next((b.text for row in rows for b in row if b.callback_data == choice), None)
