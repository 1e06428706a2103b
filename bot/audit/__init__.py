"""The access log: who read or changed personal data, when, and why (metadata only)."""

from bot.audit.history import (
    AccessLine,
    AccessPage,
    UnknownCursor,
    access_history,
    complete_since,
)
from bot.audit.jobs import audit_jobs
from bot.audit.log import (
    Access,
    Actor,
    Category,
    Concerned,
    Role,
    for_person,
    link_to_person,
    purge_tombstoned,
    record,
)

__all__ = [
    "Access",
    "AccessLine",
    "AccessPage",
    "Actor",
    "Category",
    "Concerned",
    "Role",
    "UnknownCursor",
    "access_history",
    "audit_jobs",
    "complete_since",
    "for_person",
    "link_to_person",
    "purge_tombstoned",
    "record",
]
