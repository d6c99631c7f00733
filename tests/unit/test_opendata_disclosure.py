"""Disclosure control: an attacker holding only what is published tries to recover hidden counts.

The attacker here is written independently of joinedup.opendata.feasible: it reads the
published ProtectedTable (values and None), and bounds each hidden value by linear programming
over the published totals, and for small tables by enumerating whole-number tables. It must
never pin a hidden value down, nor prove a hidden small count to be under the threshold.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from joinedup.errors import DisclosureError, JoinedUpError
from joinedup.opendata.disclosure import (
    DisclosureRule,
    ProtectedTable,
    protect_counts,
    protect_table,
    refuse_record_level,
)

# Many zeros and small counts, some large: the tables where suppression is hard.
COUNT = st.one_of(st.just(0), st.integers(1, 6), st.integers(5, 60))


def published_grid(table: ProtectedTable) -> dict[tuple[int, int], int | None]:
    n_rows, n_cols = len(table.cells), len(table.cells[0])
    grid: dict[tuple[int, int], int | None] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            grid[(r, c)] = table.cells[r][c]
        grid[(r, n_cols)] = table.row_totals[r]
    for c in range(n_cols):
        grid[(n_rows, c)] = table.column_totals[c]
    grid[(n_rows, n_cols)] = table.total
    return grid


def attack(table: ProtectedTable, rounding: int | None = None
           ) -> dict[tuple[int, int], tuple[float, float]]:
    """Bounds on every hidden position from the published values, by LP."""
    grid = published_grid(table)
    n_rows, n_cols = len(table.cells), len(table.cells[0])
    keys = list(grid)
    index = {k: i for i, k in enumerate(keys)}
    a_eq, b_eq = [], []
    for r in range(n_rows + 1):  # each row (and the totals row) sums to its total
        row = np.zeros(len(keys))
        for c in range(n_cols):
            row[index[(r, c)]] = 1
        row[index[(r, n_cols)]] = -1
        a_eq.append(row)
        b_eq.append(0)
    for c in range(n_cols + 1):
        row = np.zeros(len(keys))
        for r in range(n_rows):
            row[index[(r, c)]] = 1
        row[index[(n_rows, c)]] = -1
        a_eq.append(row)
        b_eq.append(0)
    bounds = []
    for k in keys:
        v = grid[k]
        if v is None:
            bounds.append((1, None))  # zeros are published, so a hidden value is at least 1
        elif rounding:
            bounds.append((max(0, v - rounding // 2), v + (rounding - 1) // 2))
        else:
            bounds.append((v, v))
    found = {}
    for k in keys:
        if grid[k] is not None:
            continue
        objective = np.zeros(len(keys))
        objective[index[k]] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert low.status == 0, "the true table must be consistent with what is published"
        found[k] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return found


def true_grid(counts: list[list[int]]) -> dict[tuple[int, int], int]:
    n_rows, n_cols = len(counts), len(counts[0])
    grid = {(r, c): counts[r][c] for r in range(n_rows) for c in range(n_cols)}
    for r in range(n_rows):
        grid[(r, n_cols)] = sum(counts[r])
    for c in range(n_cols + 1):
        grid[(n_rows, c)] = sum(grid[(r, c)] for r in range(n_rows))
    return grid


def tables(max_side: int = 5, count: st.SearchStrategy[int] = COUNT
           ) -> st.SearchStrategy[list[list[int]]]:
    return st.integers(1, max_side).flatmap(
        lambda rows: st.integers(1, max_side).flatmap(
            lambda cols: st.lists(st.lists(count, min_size=cols, max_size=cols),
                                  min_size=rows, max_size=rows)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=tables(), threshold=st.integers(2, 10), rounding=st.sampled_from([None, 5]))
def test_no_hidden_count_is_recovered_from_totals(counts, threshold, rounding):
    rule = DisclosureRule(threshold=threshold, rounding=rounding)
    table = protect_table(counts, rule)
    truth = true_grid(counts)
    published = published_grid(table)
    for pos, value in published.items():
        if value is not None:
            assert value == 0 or truth[pos] >= threshold, "a small count was published"
            if rounding is None:
                assert value == truth[pos]
            else:
                assert value % rounding == 0 and abs(value - truth[pos]) <= rounding // 2
        else:
            assert truth[pos] != 0, "zeros are always published"
    for pos, (low, high) in attack(table, rounding).items():
        assert low <= truth[pos] <= high
        assert high - low >= 1, f"hidden value at {pos} recovered exactly: {truth[pos]}"
        if 0 < truth[pos] < threshold:
            assert high >= threshold, f"{pos} provably under {threshold}: at most {high}"


@settings(max_examples=40, deadline=None)
@given(counts=tables(max_side=3, count=st.integers(0, 7)), threshold=st.integers(2, 6))
def test_whole_number_tables_exist_on_both_sides(counts, threshold):
    """Brute force, no LP: whole-number tables consistent with the publication exist in which
    each hidden small count is at least the threshold, and in which it differs from the truth."""
    table = protect_table(counts, DisclosureRule(threshold=threshold))
    n_rows, n_cols = len(counts), len(counts[0])
    hidden_cells = [(r, c) for r in range(n_rows) for c in range(n_cols)
                    if table.cells[r][c] is None]
    assume(0 < len(hidden_cells) <= 3)
    published = published_grid(table)
    truth = true_grid(counts)
    ceiling = max(max(map(max, counts)), threshold) + threshold
    seen: dict[tuple[int, int], set[int]] = {p: set() for p in published if published[p] is None}
    # A hidden cell is never 0 (zeros are published): the attacker knows that too.
    for values in itertools.product(range(1, ceiling + 1), repeat=len(hidden_cells)):
        candidate = [list(row) for row in counts]
        for (r, c), v in zip(hidden_cells, values, strict=True):
            candidate[r][c] = v
        grid = true_grid(candidate)
        if all((published[p] is None and grid[p] > 0) or published[p] == grid[p]
               for p in grid):
            for p in seen:
                seen[p].add(grid[p])
    for p, values_seen in seen.items():
        assert truth[p] in values_seen
        assert len(values_seen) > 1, f"{p} has one possible value"
        if 0 < truth[p] < threshold:
            assert max(values_seen) >= threshold


@settings(max_examples=100, deadline=None)
@given(counts=st.lists(COUNT, min_size=1, max_size=12), threshold=st.integers(2, 10))
def test_one_dimension_hidden_counts_are_not_recovered(counts, threshold):
    result = protect_counts(counts, DisclosureRule(threshold=threshold))
    table = ProtectedTable(cells=(result.counts,), row_totals=(result.total,),
                           column_totals=result.counts, total=result.total)
    # A one-row table whose column totals are its cells is the same publication.
    for i, value in enumerate(result.counts):
        assert value is None or value == 0 or value >= threshold
        assert (value is None) == (i in result.primary | result.secondary)
    for pos, (low, high) in attack(table).items():
        v = true_grid([list(counts)])[pos]
        assert high - low >= 1
        if 0 < v < threshold:
            assert high >= threshold


def test_one_hidden_cell_in_a_row_gets_a_partner():
    table = protect_table([[2, 40, 50], [30, 40, 50], [30, 40, 50]])
    assert table.cells[0][0] is None
    hidden_in_row = [c for c in range(3) if table.cells[0][c] is None]
    hidden_in_column = [r for r in range(3) if table.cells[r][0] is None]
    assert len(hidden_in_row) >= 2 and len(hidden_in_column) >= 2
    assert table.total == 332


def test_zeros_are_published_and_never_used_to_hide():
    table = protect_table([[3, 0, 20], [0, 0, 0], [12, 0, 30]])
    assert table.cells[1] == (0, 0, 0) and table.row_totals[1] == 0
    assert table.cells[0][1] == 0 and table.column_totals[1] == 0
    assert table.cells[0][0] is None


def test_small_totals_are_hidden_too():
    counts = protect_counts([1, 2, 0])
    assert counts.total is None and counts.counts == (None, None, 0)


def test_threshold_is_configurable():
    assert protect_counts([7, 30, 40], DisclosureRule(threshold=10)).counts[0] is None
    assert protect_counts([7, 30, 40], DisclosureRule(threshold=5)).counts == (7, 30, 40)


def test_rounding_to_nearest_five():
    counts = protect_counts([12, 13, 27], DisclosureRule(rounding=5))
    assert counts.counts == (10, 15, 25) and counts.total == 50


def test_record_level_fields_are_refused_with_what_to_do():
    with pytest.raises(DisclosureError, match=r"record-level fields \(NHS_Number, date_of_birth\)"
                       r".*Aggregate") as raised:
        refuse_record_level(["ward_code", "NHS_Number", "date_of_birth", "children"])
    assert isinstance(raised.value, JoinedUpError)
    refuse_record_level(["ward_code", "period", "children"])


@pytest.mark.parametrize("bad", [[[-1, 2]], [[1.5, 2]], [[1, 2], [3]], [], [[True, 2]]])
def test_bad_tables_are_refused(bad):
    with pytest.raises(DisclosureError):
        protect_table(bad)


def test_rule_is_checked():
    with pytest.raises(DisclosureError, match="threshold"):
        DisclosureRule(threshold=0)
    with pytest.raises(DisclosureError, match="rounding"):
        DisclosureRule(rounding=0)


@pytest.mark.parametrize("seed", range(60))
def test_one_sum_in_closed_form_agrees_with_linear_programming(seed: int) -> None:
    import random

    import numpy as np

    from joinedup.opendata.feasible import Constraint, Feasibility, _optimise

    rng = random.Random(seed)
    n = rng.randint(1, 8)
    counts = [rng.choice([0, 1, 2, 3, 7, 20, 150]) for _ in range(n)]
    positions = [("c", i) for i in range(n)] + [("total", 0)]
    values = {("c", i): counts[i] for i in range(n)} | {("total", 0): sum(counts)}
    constraint = Constraint(("total", 0), tuple(("c", i) for i in range(n)))
    lower = rng.choice([0.0, 1.0])
    # What the protector hides: with zeros published (lower 1), only non-zero values.
    eligible = [p for p in positions if values[p] > 0 or lower == 0.0]
    if not eligible:
        return
    hidden = set(rng.sample(eligible, rng.randint(1, len(eligible))))
    published = {p: float(v) for p, v in values.items() if p not in hidden}
    feasibility = Feasibility(positions, [constraint], published, hidden_at_least=lower)
    for p in feasibility.hidden:
        got = feasibility.range_of(p)
        if feasibility._a_eq is None:
            assert (got.low, got.high) == (lower, float("inf"))
            continue
        objective = np.zeros(len(feasibility.hidden))
        objective[feasibility.hidden.index(p)] = 1.0
        low = _optimise(objective, feasibility._a_eq, feasibility._b_eq, lower)
        high = -_optimise(-objective, feasibility._a_eq, feasibility._b_eq, lower)
        assert got.low == pytest.approx(low)
        assert got.high == pytest.approx(high) or (high == float("inf") == got.high)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=tables(max_side=5), threshold=st.integers(2, 10))
def test_rectangle_shortcut_hides_exactly_what_the_lp_alone_hides(
        counts: list[list[int]], threshold: int) -> None:
    """The rectangles only skip LPs for values the LP would find safe, and safe values are
    not checked again: the suppressions are the same as checking everything by LP."""
    from joinedup.opendata import disclosure

    rows, cols = len(counts), len(counts[0])
    grid = {(r, c): v for r, row in enumerate(counts) for c, v in enumerate(row)}
    for r in range(rows):
        grid[(r, cols)] = sum(counts[r])
    for c in range(cols + 1):
        grid[(rows, c)] = sum(grid[(r, c)] for r in range(rows))
    constraints = [disclosure.Constraint((r, cols), tuple((r, c) for c in range(cols)))
                   for r in range(rows + 1)] + [
        disclosure.Constraint((rows, c), tuple((r, c) for r in range(rows)))
        for c in range(cols + 1)]
    fast = disclosure._protect(dict(grid), constraints, threshold, (rows, cols))
    plain = disclosure._protect(dict(grid), constraints, threshold)
    assert fast == plain
    hidden = fast[0] | fast[1]
    assert disclosure.is_protected(grid, constraints, set(hidden), threshold)
