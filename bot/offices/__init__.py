"""Registration offices and their API keys."""

from bot.offices.registry import (
    OfficeError,
    create_key,
    create_office,
    office_by_slug,
    office_for_key,
    revoke_key,
    touch_key,
)

__all__ = [
    "OfficeError",
    "create_key",
    "create_office",
    "office_by_slug",
    "office_for_key",
    "revoke_key",
    "touch_key",
]
