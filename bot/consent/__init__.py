"""Consent: the append-only consent book, purposes, the privacy notice and its versions."""

from bot.consent.book import CONTACT, OFFICE_NOTICE_ID, ConsentBook, decision_text, export, receipt

__all__ = [
    "CONTACT",
    "OFFICE_NOTICE_ID",
    "ConsentBook",
    "decision_text",
    "export",
    "receipt",
]
