from bot.audit.log import log_access

__all__ = [
    "log_access",
]
