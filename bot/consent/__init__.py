"""Consent: the append-only consent book, purposes, the privacy notice and its versions."""

from bot.consent.book import (
    CONTACT,
    OFFICE_NOTICE_ID,
    ConsentBook,
    Decision,
    decision_text,
    export,
    receipt,
)
from bot.consent.person_export import export_for_person

__all__ = [
    "CONTACT",
    "OFFICE_NOTICE_ID",
    "ConsentBook",
    "Decision",
    "decision_text",
    "export",
    "export_for_person",
    "receipt",
]
