"""What a scheduled job is. Features describe their jobs; `bot.runtime.jobs` runs them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    every: timedelta
    #: Runs once; True when it queued messages (the dispatcher is woken then). One
    #: process runs each schedule (`bot.runtime.job_runs`), but a run that outlives its
    #: time may overlap the next: what it sends, it selects under row locks.
    run: Callable[[], Awaitable[bool]]
    #: Also right at start-up, not only after the first interval.
    at_start: bool = False
