"""The small-numbers rule: no count of 1 to 4 people is shown or can be worked out."""

from __future__ import annotations

import itertools
import random
from datetime import date

import pytest

from bot.cases.charts import Breakdown, Category, grouped, protect_row
from bot.cases.charts.figures import ProtectedRow

MONDAY = date(2026, 11, 23)


def possible(row: ProtectedRow, upper: int) -> list[tuple[int, ...]]:
    """Every table a reader could reconstruct from what is shown: shown cells as they
    are, hidden ones at least 1 (a 0 would be shown), the total if shown."""
    choices = [range(1, upper + 1) if n is None else [n] for n in row.cells]
    return [
        cells
        for cells in itertools.product(*choices)
        if row.total is None or sum(cells) == row.total
    ]


def assert_protected(counts: list[int]) -> ProtectedRow:
    row = protect_row(MONDAY, counts)
    assert all(n is None or n == c for n, c in zip(row.cells, counts, strict=True))
    assert not any(n is not None and 0 < n < 5 for n in row.cells), row
    total = sum(counts)
    assert row.total in (total, None)
    if row.total is None:
        assert 0 < total < 5 or all(n is None or n == 0 for n in row.cells)
    candidates = possible(row, max(counts) + 5)
    assert tuple(counts) in candidates
    for c, n in enumerate(counts):
        if 0 < n < 5:  # a small count: more than one value fits what is shown
            assert len({cells[c] for cells in candidates}) > 1, (counts, row)
    return row


def test_a_small_count_hides_the_smallest_other_too() -> None:
    row = assert_protected([10, 3, 7])
    assert row.cells == (10, None, None) and row.total == 20 and row.hidden == 10


def test_nothing_small_shows_everything() -> None:
    row = assert_protected([10, 0, 7])
    assert row.cells == (10, 0, 7) and row.hidden == 0


def test_two_small_counts_adding_up_to_5_cover_each_other() -> None:
    assert assert_protected([2, 3, 10]).cells == (None, None, 10)


def test_small_counts_adding_up_to_less_than_5_take_another() -> None:
    assert assert_protected([1, 2, 10, 6]).cells == (None, None, 10, None)


def test_five_ones_would_each_be_1_so_the_total_goes_too() -> None:
    row = assert_protected([1, 1, 1, 1, 1])
    assert row.total is None and row.cells == (None,) * 5


def test_a_small_total_hides_every_part_but_zeros() -> None:
    row = assert_protected([1, 3, 0])
    assert row.total is None and row.cells == (None, None, 0)


@pytest.mark.parametrize("seed", range(40))
def test_random_rows_never_give_away_a_small_count(seed: int) -> None:
    rng = random.Random(seed)
    counts = [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 14]) for _ in range(rng.randint(2, 5))]
    assert_protected(counts)


def test_the_largest_categories_stay_and_the_rest_become_other() -> None:
    categories = tuple(Category(f"c{i}", f"C{i}") for i in range(9))
    counts = ((9, 8, 7, 6, 5, 4, 3, 2, 0), (9, 8, 7, 6, 5, 4, 3, 2, 0))
    data = grouped(Breakdown((MONDAY, MONDAY), categories, counts), "Other")
    assert [c.key for c in data.categories] == ["c0", "c1", "c2", "c3", "c4", "c5", "other"]
    assert data.counts[0] == (9, 8, 7, 6, 5, 4, 5)  # c8 had nobody: left out


def test_other_of_one_category_is_that_category() -> None:
    categories = tuple(Category(f"c{i}", f"C{i}") for i in range(7))
    data = grouped(Breakdown((MONDAY,), categories, ((7, 6, 5, 4, 3, 2, 1),)), "Other")
    assert [c.key for c in data.categories] == [f"c{i}" for i in range(7)]


def test_a_breakdown_needs_one_count_per_category_and_week() -> None:
    with pytest.raises(ValueError, match="one count per category"):
        Breakdown((MONDAY,), (Category("a", "A"),), ((1, 2),))
    with pytest.raises(ValueError, match="never negative"):
        Breakdown((MONDAY,), (Category("a", "A"),), ((-1,),))
