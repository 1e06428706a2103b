"""The access log: who read or changed personal data, when, and why (metadata only)."""

from bot.audit.log import log_access

__all__ = [
    "log_access",
]
