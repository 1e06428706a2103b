"""Pauses for loops that retry after a failure (the database away, a provider down)."""

from __future__ import annotations

import random

#: The first pause and the longest, in seconds.
FIRST, LONGEST = 0.5, 30.0


def pause(failures: int) -> float:
    """Seconds to wait after `failures` failures in a row: doubling, capped, with
    jitter so that processes that failed together do not retry together."""
    delay: float = min(FIRST * 2 ** max(failures - 1, 0), LONGEST)
    return delay * random.uniform(0.75, 1.0)


def worth_logging(failures: int) -> bool:
    """Log the first failure of a run, then every 20th: an outage of an hour must not
    write thousands of lines."""
    return failures == 1 or failures % 20 == 0
