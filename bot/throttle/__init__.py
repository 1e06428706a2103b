"""Counted attempts: wrong connect codes, failed logins, new chat sessions."""

from bot.throttle.attempts import (
    Limit,
    client_key,
    forget,
    key_of,
    purge,
    reached,
    record,
    take,
    take_committed,
)

__all__ = [
    "Limit",
    "client_key",
    "forget",
    "key_of",
    "purge",
    "reached",
    "record",
    "take",
    "take_committed",
]
