"""The advisors' daily e-mail: counts and links to the inbox, never personal data."""

from bot.cases.digest.compose import (
    INBOX_PATH,
    Recipient,
    ServiceCounts,
    View,
    compose,
    inbox_link,
    staff_catalogs,
)
from bot.cases.digest.run import DigestSource, digest_due, digest_jobs, send_digests
from bot.cases.digest.smtp import Outgoing, send, send_now

__all__ = [
    "INBOX_PATH",
    "DigestSource",
    "Outgoing",
    "Recipient",
    "ServiceCounts",
    "View",
    "compose",
    "digest_due",
    "digest_jobs",
    "inbox_link",
    "send",
    "send_digests",
    "send_now",
    "staff_catalogs",
]
