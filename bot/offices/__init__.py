"""Registration offices and their API keys."""

from bot.offices.registry import (
    ApiCaller,
    OfficeError,
    caller_for_key,
    create_key,
    create_office,
    office_by_slug,
    office_for_key,
    revoke_key,
    touch_key,
)

__all__ = [
    "ApiCaller",
    "OfficeError",
    "caller_for_key",
    "create_key",
    "create_office",
    "office_by_slug",
    "office_for_key",
    "revoke_key",
    "touch_key",
]
