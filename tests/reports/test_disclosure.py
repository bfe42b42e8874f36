"""Disclosure control: nothing published reveals a small cell, directly or by subtraction."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from asylon.reports.disclosure import (
    UNBOUNDED,
    augmented,
    bounds_of_hidden,
    protect_table,
    protect_vector,
    recoverable_cells,
    recoverable_in_vector,
    suppress_table,
    suppress_vector,
)

# Camp-like counts: many small numbers and zeros, some large ones.
counts = st.one_of(st.integers(0, 6), st.integers(0, 60))


@st.composite
def tables(draw):
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 4))
    return [[draw(counts) for _ in range(n_cols)] for _ in range(n_rows)]


def small(n, threshold, zeros_safe):
    return 0 < n < threshold or (n == 0 and not zeros_safe)


@settings(max_examples=200, deadline=None)
@given(tables(), st.integers(2, 10), st.booleans())
def test_no_published_table_reveals_a_small_cell(table, threshold, zeros_safe):
    hidden = suppress_table(table, threshold=threshold, zeros_safe=zeros_safe)
    aug = augmented(table)
    published = {(i, j): v for i, row in enumerate(aug) for j, v in enumerate(row) if (i, j) not in hidden}
    assert not [p for p, v in published.items() if small(v, threshold, zeros_safe)]
    assert recoverable_cells(table, hidden, threshold=threshold, zeros_safe=zeros_safe) == set()
    grand = (len(table), len(table[0]))
    if not small(aug[-1][-1], threshold, zeros_safe):
        assert grand not in hidden  # the headline population figure is always printed


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, min_size=1, max_size=12), st.integers(2, 10), st.booleans())
def test_no_published_vector_reveals_a_small_cell(values, threshold, zeros_safe):
    hidden = suppress_vector(values, threshold=threshold, zeros_safe=zeros_safe)
    full = [*values, sum(values)]
    assert not [i for i, v in enumerate(full) if i not in hidden and small(v, threshold, zeros_safe)]
    assert recoverable_in_vector(values, hidden, threshold=threshold, zeros_safe=zeros_safe) == set()


def brute_bounds(table, hidden):
    """Every interior assignment that reproduces the published figures, by enumeration."""
    aug = augmented(table)
    n_rows, n_cols = len(table), len(table[0])
    grand = aug[-1][-1]
    free = [(i, j) for i in range(n_rows) for j in range(n_cols) if (i, j) in hidden]
    seen: dict = {p: set() for p in hidden}
    for combo in itertools.product(range(grand + 1), repeat=len(free)):
        trial = [row[:] for row in table]
        for (i, j), v in zip(free, combo, strict=True):
            trial[i][j] = v
        t_aug = augmented(trial)
        if all(t_aug[i][j] == aug[i][j] for i in range(n_rows + 1) for j in range(n_cols + 1) if (i, j) not in hidden):
            for i, j in hidden:
                seen[(i, j)].add(t_aug[i][j])
    return {p: (min(v), max(v)) for p, v in seen.items()}


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 2).flatmap(
        lambda r: st.lists(st.lists(st.integers(0, 3), min_size=2, max_size=2), min_size=r, max_size=r)
    ),
    st.data(),
)
def test_the_auditor_bounds_agree_with_brute_force(table, data):
    """The auditor's bounds are exact: checked against enumerating every consistent table."""
    n_rows, n_cols = len(table), len(table[0])
    positions = [(i, j) for i in range(n_rows + 1) for j in range(n_cols + 1) if (i, j) != (n_rows, n_cols)]
    hidden = set(data.draw(st.lists(st.sampled_from(positions), unique=True, max_size=len(positions))))
    computed = bounds_of_hidden(table, hidden)
    expected = brute_bounds(table, hidden)
    for p in hidden:
        assert computed[p].low == expected[p][0]
        # The grand total caps every cell, so nothing is unbounded here.
        assert computed[p].high != UNBOUNDED and computed[p].high == expected[p][1]


def test_a_row_with_one_small_cell_gets_a_complementary_suppression():
    table = [[10, 2, 30], [20, 15, 12], [7, 8, 9]]
    hidden = suppress_table(table, threshold=5)
    assert (0, 1) in hidden
    row0 = [p for p in hidden if p[0] == 0]
    col1 = [p for p in hidden if p[1] == 1]
    assert len(row0) >= 2 and len(col1) >= 2  # no line with exactly one unknown
    # Smallest rectangle: (0,1) with 10, 7 and 8, totals all published.
    assert hidden == {(0, 0), (0, 1), (2, 0), (2, 1)}
    published = protect_table(["a", "b", "c"], ["x", "y", "z"], table, threshold=5)
    assert published.total == 113 and published.row_totals == [42, 47, 24]
    assert published.cells[0] == [None, None, 30]


def test_a_single_hidden_cell_is_recovered_by_subtraction():
    table = [[10, 2, 30], [20, 15, 12]]
    assert recoverable_cells(table, {(0, 1)}) == {(0, 1)}
    # Hiding its row total as well does not help: the column still gives it away.
    assert (0, 1) in recoverable_cells(table, {(0, 1), (0, 3)})


def test_two_small_cells_that_only_hide_each_other_are_still_exposed():
    # 1 and 2 hidden in the same row and nowhere else: both are known to be at most 3.
    hidden = {(0, 0), (0, 1), (1, 0), (1, 1)}  # with a one-row table the column totals repeat the cells
    assert recoverable_cells([[1, 2, 30]], hidden) == hidden
    hidden = suppress_vector([1, 2, 30])
    assert 2 in hidden  # the 30 shields them
    assert recoverable_in_vector([1, 2, 30], hidden) == set()


def test_zeros_are_shown_unless_the_caller_says_they_disclose():
    assert suppress_table([[0, 40], [50, 60]]) == set()
    hidden = suppress_table([[0, 40], [50, 60]], zeros_safe=False)
    assert (0, 0) in hidden and recoverable_cells([[0, 40], [50, 60]], hidden, zeros_safe=False) == set()


def test_a_population_below_the_threshold_is_not_published_at_all():
    published = protect_table(["0-4"], ["F", "M"], [[1, 2]], threshold=5)
    assert published.total is None and published.cells == [[None, None]]
    vector = protect_vector(["IR", "IQ"], [3, 1], threshold=5)
    assert vector.values == [None, None] and vector.total is None


def test_overlapping_categories_without_a_total_need_only_primary_suppression():
    vector = protect_vector(["SM", "DS", "TR"], [12, 3, 7], with_total=False, threshold=5)
    assert vector.values == [12, None, 7] and vector.total is None


def test_internal_tables_show_every_figure():
    published = protect_table(["a"], ["x", "y"], [[1, 40]], suppress=False)
    assert published.cells == [[1, 40]] and published.hidden == 0
