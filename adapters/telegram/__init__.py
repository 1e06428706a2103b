"""Telegram: send through the Bot API (python-telegram-bot), receive by webhook or polling."""

# The adapter stays thin: the outbox renders, paces, retries and marks dead chats; here
# are only the Bot API calls (sending), the mapping of Telegram's errors onto the core's
# failures (sending), the normalising of Updates into `InboundMessage`s (parsing), and
# the two ways updates arrive (webhook, polling), which share `handling`.

from __future__ import annotations

from adapters.telegram.handling import ALLOWED_UPDATES, process
from adapters.telegram.parsing import (
    COMMANDS,
    UNSUPPORTED,
    CallbackAnswer,
    ParsedUpdate,
    from_update,
    parse_update,
)
from adapters.telegram.polling import POLL_BACKOFF, POLL_TIMEOUT, poll
from adapters.telegram.sending import CHOSEN, REQUEST_TIMEOUT, TelegramAdapter
from adapters.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH, routes, set_webhook

__all__ = [
    "ALLOWED_UPDATES",
    "CHOSEN",
    "COMMANDS",
    "POLL_BACKOFF",
    "POLL_TIMEOUT",
    "REQUEST_TIMEOUT",
    "SECRET_HEADER",
    "UNSUPPORTED",
    "WEBHOOK_PATH",
    "CallbackAnswer",
    "ParsedUpdate",
    "TelegramAdapter",
    "from_update",
    "parse_update",
    "poll",
    "process",
    "routes",
    "set_webhook",
]
