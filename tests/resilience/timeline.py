"""When each phase of a resilience test ended, for its report (and its failure message)."""

from __future__ import annotations

import time


class Timeline:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.marks: list[tuple[str, float]] = []

    def mark(self, what: str) -> None:
        self.marks.append((what, time.monotonic() - self.started))

    def __str__(self) -> str:
        return "timeline: " + ", ".join(f"{what} {at:.1f} s" for what, at in self.marks)
