"""The canned replies' setting (prefix LOTSE_). Part of `bot.config.Settings`."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings


class CannedSettings(BaseSettings):
    #: The operator's own canned replies (JSON shaped as bot/cases/data/canned.json):
    #: added to the shipped ones; a code of theirs replaces the shipped reply of that
    #: code, and `null` withdraws it. Checked at start like the shipped ones.
    canned_file: Path | None = None
