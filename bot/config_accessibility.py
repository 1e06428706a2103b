"""The accessibility statement's settings (/accessibility, Directive (EU) 2016/2102,
BITV 2.0), a part of bot.config.Settings kept here for the size of that module."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

from pydantic import field_validator
from pydantic_settings import BaseSettings


class AccessibilitySettings(BaseSettings):
    # Where people report barriers, and the enforcement body they may turn to. The
    # defaults are the demo's placeholders (*.example): set them before going live.
    accessibility_email: str = "barrierefreiheit@musterstadt.example"
    accessibility_phone: str = "0123 456789"
    accessibility_address: str = (
        "Stadt Musterstadt, Integrationsbüro, Musterstraße 1, 12345 Musterstadt"
    )
    accessibility_enforcement_body: str = "Durchsetzungsstelle Barrierefreiheit Musterland"
    accessibility_enforcement_contact: str = (
        "durchsetzung@musterland.example, Musterweg 2, 12345 Musterland"
    )
    accessibility_enforcement_url: str = ""
    #: When the statement was prepared, and last reviewed (default: when prepared).
    accessibility_prepared: date = date(2026, 11, 30)
    accessibility_reviewed: date | None = None

    @field_validator("accessibility_enforcement_url")
    @classmethod
    def _check_enforcement_url(cls, value: str) -> str:
        parsed = urlparse(value)
        if value and (parsed.scheme not in ("http", "https") or not parsed.netloc):
            raise ValueError("must be an http(s) URL")
        return value
