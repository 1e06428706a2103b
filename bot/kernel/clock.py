"""The time: always aware, always UTC. Code that needs "now" takes a clock (tests bring theirs)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
