"""The overview's figures as plain values, and the small-numbers rule applied to them.

Every figure here counts people (one case is one person's request). A count of 1 to 4 is
never shown: it could point at a person ("the two Tigrinya speakers this week"). Where a
total is shown beside its parts, hiding one part is not enough (total minus the others
gives it back), so more parts are hidden until none of the hidden ones can be worked
out: complementary suppression. Zero is shown; it points at nobody. Totals over the
weeks per category are not offered: they would need the same rule across the other
dimension too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

#: Fewer people than this are never shown.
THRESHOLD: Final = 5


def small(count: int) -> bool:
    """A count that would point at people: 1 to 4."""
    return 0 < count < THRESHOLD


@dataclass(frozen=True, slots=True)
class WeekCount:
    """One figure for the week starting on `week` (a Monday)."""

    week: date
    count: int


@dataclass(frozen=True, slots=True)
class OpenCases:
    """Cases not yet resolved at the end of each week."""

    weeks: tuple[WeekCount, ...]


@dataclass(frozen=True, slots=True)
class WeekResponse:
    """The week's first responses: how many cases got one, and the median time to it in
    business minutes (None when there were none)."""

    week: date
    answered: int
    median_minutes: int | None


@dataclass(frozen=True, slots=True)
class FirstResponse:
    """First-response time per week against the service's target (business minutes)."""

    weeks: tuple[WeekResponse, ...]
    target_minutes: int


@dataclass(frozen=True, slots=True)
class Category:
    """One part of a breakdown: a language (`lang` is its code, shown in its own
    script too) or a topic (`lang` None). `key` is stable; `label` is shown."""

    key: str
    label: str
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Breakdown:
    """New cases per week split into categories (languages, topics): `counts[w][c]` is
    week `weeks[w]`'s count of category `categories[c]`."""

    weeks: tuple[date, ...]
    categories: tuple[Category, ...]
    counts: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.weeks):
            raise ValueError("a breakdown needs one row of counts per week")
        if any(len(row) != len(self.categories) for row in self.counts):
            raise ValueError("a breakdown needs one count per category in every week")
        if any(n < 0 for row in self.counts for n in row):
            raise ValueError("counts are never negative")


#: The palette has this many distinguishable series; the rest are grouped as "Other".
MOST_CATEGORIES: Final = 6
OTHER: Final = "other"


def grouped(breakdown: Breakdown, other_label: str, most: int = MOST_CATEGORIES) -> Breakdown:
    """The `most` largest categories over the whole period (largest first), the rest
    added up as one "Other" category; categories with no case at all are left out."""
    totals = [sum(row[c] for row in breakdown.counts) for c in range(len(breakdown.categories))]
    order = sorted((c for c, total in enumerate(totals) if total), key=lambda c: (-totals[c], c))
    keep, rest = order[:most], order[most:]
    if len(rest) == 1:  # "Other" of one category is that category under another name
        keep, rest = order, []
    categories = tuple(breakdown.categories[c] for c in keep)
    rows = []
    for row in breakdown.counts:
        kept = tuple(row[c] for c in keep)
        rows.append((*kept, sum(row[c] for c in rest)) if rest else kept)
    if rest:
        categories += (Category(OTHER, other_label),)
    return Breakdown(breakdown.weeks, categories, tuple(rows))


@dataclass(frozen=True, slots=True)
class ProtectedRow:
    """A week of a breakdown as it may be shown: None where a count is hidden."""

    week: date
    total: int | None
    cells: tuple[int | None, ...]

    @property
    def hidden(self) -> int | None:
        """What the hidden cells add up to (derivable from the total anyway), for the
        chart's "not shown" segment; None when the total is hidden too."""
        if self.total is None:
            return None
        return self.total - sum(n for n in self.cells if n is not None)


def protect_row(week: date, counts: Sequence[int]) -> ProtectedRow:
    """Hides every count of 1 to 4, then (the total being shown) the smallest shown
    counts until no hidden count can be worked out from the total and the others.
    A total under 5 is hidden, and with it every part that is not zero."""
    total = sum(counts)
    if small(total):
        return ProtectedRow(week, None, tuple(None if n else 0 for n in counts))
    hidden = {c for c, n in enumerate(counts) if small(n)}
    while hidden and not _covered([counts[c] for c in hidden]):
        shown = [c for c, n in enumerate(counts) if n and c not in hidden]
        if not shown:  # cannot happen with a total of 5 or more; fail closed regardless
            return ProtectedRow(week, None, tuple(None if n else 0 for n in counts))
        hidden.add(min(shown, key=lambda c: (counts[c], c)))
    cells = tuple(None if c in hidden else n for c, n in enumerate(counts))
    return ProtectedRow(week, total, cells)


def _covered(hidden: list[int]) -> bool:
    """Hidden cells nobody can work out: at least two, adding up to 5 or more, and to
    more than their number (a hidden cell is never 0, so five hidden cells adding up
    to 5 would each be 1)."""
    total = sum(hidden)
    return len(hidden) >= 2 and total >= THRESHOLD and total > len(hidden)


def protect(breakdown: Breakdown) -> tuple[ProtectedRow, ...]:
    return tuple(
        protect_row(week, row) for week, row in zip(breakdown.weeks, breakdown.counts, strict=True)
    )


def shown(count: int) -> int | None:
    """A count standing alone (no total beside it): hidden when 1 to 4."""
    return None if small(count) else count


def week_end(week: date) -> date:
    return week + timedelta(days=6)
