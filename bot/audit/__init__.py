"""The access log: who read or changed personal data, when, and why (metadata only)."""

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
    "Actor",
    "Category",
    "Concerned",
    "Role",
    "audit_jobs",
    "for_person",
    "link_to_person",
    "purge_tombstoned",
    "record",
]
