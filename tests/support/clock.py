"""A clock the test controls: starts on a fixed Monday morning, moves only when told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Now is 2026-11-23 09:00 UTC until `advance` moves it."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
