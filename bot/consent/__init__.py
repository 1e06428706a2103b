"""Consent: the append-only consent book, purposes, the privacy notice and its versions."""

from bot.consent.book import (
    CONTACT,
    HANDOFF,
    HANDOFF_NOTICE_ID,
    NOTICE_VERSION,
    OFFICE_NOTICE_ID,
    REQUESTS,
    ConsentBook,
    Decision,
    decision_text,
    decisions_in_short,
    export,
    receipt,
)
from bot.consent.notice import (
    PRIVACY_PATH,
    full_notice,
    notice_link,
    notice_link_text,
    sms_notice,
)
from bot.consent.person_export import export_for_person

__all__ = [
    "CONTACT",
    "HANDOFF",
    "HANDOFF_NOTICE_ID",
    "NOTICE_VERSION",
    "OFFICE_NOTICE_ID",
    "PRIVACY_PATH",
    "REQUESTS",
    "ConsentBook",
    "Decision",
    "decision_text",
    "decisions_in_short",
    "export",
    "export_for_person",
    "full_notice",
    "notice_link",
    "notice_link_text",
    "receipt",
    "sms_notice",
]
