"""Statistical disclosure control for published counts of people.

Two shapes of table, both with totals:

- ``protect_table(counts)``: counts by two dimensions (rows x columns), published with row
  totals, column totals and the grand total;
- ``protect_counts(counts)``: counts by one dimension, published with their total.

The rules, in order:

1. **Primary suppression.** Any count, cell or total, of at least 1 and fewer than
   ``threshold`` people (default 5) is hidden.
2. **Zeros are published.** A zero counts no one, so there is no one to identify, and hiding
   zeros would make every table mostly blank. (A zero can still tell a reader that *everyone*
   in a row shares something; publishers of official statistics accept that, as do we.) Zeros
   are never hidden, so they are never used as complementary suppressions either.
3. **Secondary (complementary) suppression.** Hidden values must not be recoverable from the
   rest: for every hidden position, the range of values consistent with what is published
   (counts are never negative; totals add up) is computed exactly by linear programming
   (``feasible.py``), knowing that a hidden value is never 0 (zeros are published). The
   table is protected when every hidden position has a range of
   non-zero width and every hidden small count can be as large as ``threshold``: a reader
   cannot tell it from a count that would have been published. Until that holds, one more
   value is hidden: the smallest non-zero published value sharing a row, column or total with
   the weakest hidden position (a row with one hidden cell gets a second one at once), or,
   failing that, the smallest non-zero published value anywhere. Hiding every non-zero value
   always protects, so this ends.
4. **Rounding** (optional, ``rounding=5``): every published value, totals included, is
   rounded to the nearest multiple, halves up. Rounding happens after protection and only
   widens what a reader can infer, so the guarantee above still holds. Rounded totals may
   not equal the sum of their rounded cells.

Each table is protected on its own. Publishing two tables that share counts (the same
children by ward and by LSOA) needs the two designed together; datasets publish one.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from joinedup.errors import DisclosureError
from joinedup.opendata.feasible import Constraint, Feasibility, Range

Position = tuple[int, int]  # (row, column); row == n_rows is the column totals, etc.

# Fields that identify or describe one person: a dataset holding any of them is refused.
RECORD_LEVEL_FIELDS = frozenset({
    "person_id", "record_id", "source_record_id", "unique_id", "name", "forename", "surname",
    "family_name", "given_name", "full_name", "date_of_birth", "dob", "birth_date",
    "date_of_death", "nhs_number", "upn", "uln", "ni_number", "national_insurance_number",
    "postcode", "address", "address_line", "address_line_1", "uprn", "email", "phone",
    "telephone", "case_id", "case_reference", "child_id", "pupil_id", "username",
})


@dataclass(frozen=True)
class DisclosureRule:
    """How a table is protected. ``threshold``: smallest count published (besides zero)."""

    threshold: int = 5
    rounding: int | None = None

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise DisclosureError(
                f"threshold must be at least 1 (got {self.threshold}); the default is 5."
            )
        if self.rounding is not None and self.rounding < 1:
            raise DisclosureError(
                f"rounding must be a positive whole number or absent (got {self.rounding})."
            )


@dataclass(frozen=True)
class ProtectedTable:
    """A table ready to publish. ``None`` marks a hidden value."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None
    primary: frozenset[Position] = field(default=frozenset())
    secondary: frozenset[Position] = field(default=frozenset())

    @property
    def suppressed(self) -> frozenset[Position]:
        return self.primary | self.secondary


@dataclass(frozen=True)
class ProtectedCounts:
    """Counts by one dimension, ready to publish. ``None`` marks a hidden value."""

    counts: tuple[int | None, ...]
    total: int | None
    primary: frozenset[int] = field(default=frozenset())  # indexes; len(counts) is the total
    secondary: frozenset[int] = field(default=frozenset())


def refuse_record_level(columns: Iterable[str], *, what: str = "dataset") -> None:
    """Raise when any column is a field about one person: open data is aggregates only."""
    bad = sorted({c for c in columns if c.strip().lower() in RECORD_LEVEL_FIELDS})
    if bad:
        raise DisclosureError(
            f"The {what} has record-level fields ({', '.join(bad)}): open data publishes "
            "counts of people only. Aggregate the source (group by area, period or category "
            "and count) and remove these columns."
        )


def protect_table(counts: Sequence[Sequence[int]], rule: DisclosureRule | None = None
                  ) -> ProtectedTable:
    """Protect counts by two dimensions, published with row, column and grand totals."""
    rule = rule or DisclosureRule()
    n_rows = len(counts)
    n_cols = len(counts[0]) if n_rows else 0
    if n_rows == 0 or n_cols == 0 or any(len(row) != n_cols for row in counts):
        raise DisclosureError(
            "protect_table needs a non-empty rectangular table (every row the same length)."
        )
    _check_counts(v for row in counts for v in row)
    grid: dict[Position, int] = {}
    for r, row in enumerate(counts):
        for c, v in enumerate(row):
            grid[(r, c)] = int(v)
        grid[(r, n_cols)] = sum(int(v) for v in row)
    for c in range(n_cols):
        grid[(n_rows, c)] = sum(int(counts[r][c]) for r in range(n_rows))
    grid[(n_rows, n_cols)] = sum(grid[(r, n_cols)] for r in range(n_rows))
    constraints = [
        Constraint((r, n_cols), tuple((r, c) for c in range(n_cols))) for r in range(n_rows + 1)
    ] + [Constraint((n_rows, c), tuple((r, c) for r in range(n_rows))) for c in range(n_cols + 1)]
    primary, secondary = _protect(grid, constraints, rule.threshold, (n_rows, n_cols))
    hidden = primary | secondary

    def out(p: Position) -> int | None:
        return None if p in hidden else _round(grid[p], rule.rounding)

    return ProtectedTable(
        cells=tuple(tuple(out((r, c)) for c in range(n_cols)) for r in range(n_rows)),
        row_totals=tuple(out((r, n_cols)) for r in range(n_rows)),
        column_totals=tuple(out((n_rows, c)) for c in range(n_cols)),
        total=out((n_rows, n_cols)),
        primary=frozenset(primary),
        secondary=frozenset(secondary),
    )


def protect_counts(counts: Sequence[int], rule: DisclosureRule | None = None) -> ProtectedCounts:
    """Protect counts by one dimension, published with their total."""
    rule = rule or DisclosureRule()
    if not counts:
        raise DisclosureError("protect_counts needs at least one count.")
    _check_counts(counts)
    n = len(counts)
    grid: dict[Position, int] = {(0, i): int(v) for i, v in enumerate(counts)}
    grid[(0, n)] = sum(int(v) for v in counts)
    constraints = [Constraint((0, n), tuple((0, i) for i in range(n)))]
    primary, secondary = _protect(grid, constraints, rule.threshold)
    hidden = primary | secondary
    values = tuple(None if (0, i) in hidden else _round(grid[(0, i)], rule.rounding)
                   for i in range(n + 1))
    return ProtectedCounts(
        counts=values[:n], total=values[n],
        primary=frozenset(c for _, c in primary), secondary=frozenset(c for _, c in secondary),
    )


def is_protected(grid: dict[Position, int], constraints: Sequence[Constraint[Position]],
                 hidden: set[Position], threshold: int) -> bool:
    """True when every hidden position is safe (see the module docstring, rule 3)."""
    return _weakest(grid, constraints, hidden, threshold) is None


def _protect(grid: dict[Position, int], constraints: Sequence[Constraint[Position]],
             threshold: int, interior: tuple[int, int] | None = None
             ) -> tuple[set[Position], set[Position]]:
    """``interior``: (rows, columns) of a two-way table with margins (`protect_table`), whose
    hidden cells may be proven safe by a rectangle before any LP (`_rectangle_safe`)."""
    primary = {p for p, v in grid.items() if 0 < v < threshold}
    hidden = set(primary)
    # A fast first pass: no constraint may have exactly one hidden position, or it is a
    # subtraction away. The exact check below then adds what this misses.
    changed = True
    while changed:
        changed = False
        for con in constraints:
            line = (con.total, *con.members)
            if sum(p in hidden for p in line) == 1:
                choice = _smallest(grid, [p for p in line if p not in hidden])
                if choice is not None:
                    hidden.add(choice)
                    changed = True
    # Hiding more only widens what a reader can infer (fewer published values, more tables
    # consistent with them), so a hidden value proven safe stays safe: it is not checked
    # again. Same result as checking everything every round, in far fewer LPs (a table of
    # 191 LSOAs by 7 age groups: minutes -> seconds).
    safe: set[Position] = set()
    while (weak := _weakest(grid, constraints, hidden, threshold, safe, interior)) is not None:
        near = [p for con in constraints if weak in (con.total, *con.members)
                for p in (con.total, *con.members) if p not in hidden]
        choice = _smallest(grid, near) or _smallest(grid, [p for p in grid if p not in hidden])
        if choice is None:  # cannot happen: with every non-zero hidden, ranges are unbounded
            raise DisclosureError("No value left to hide; this is a bug in disclosure control.")
        hidden.add(choice)
    return primary, hidden - primary


def _weakest(grid: dict[Position, int], constraints: Sequence[Constraint[Position]],
             hidden: set[Position], threshold: int,
             safe: set[Position] | None = None,
             interior: tuple[int, int] | None = None) -> Position | None:
    """A hidden position that is exposed (small counts checked first), or None when all are
    safe. Stopping at the first keeps each round to a few LPs; the last round checks all."""
    if not hidden:
        return None
    feasibility: Feasibility[Position] | None = None
    known_safe = safe if safe is not None else set()
    for _, p in sorted((0 if 0 < grid[p] < threshold else 1, p) for p in hidden
                       if p not in known_safe):
        if interior is not None and _rectangle_safe(grid, hidden, p, threshold, interior):
            known_safe.add(p)
            continue
        if feasibility is None:
            published = {q: float(v) for q, v in grid.items() if q not in hidden}
            # Zeros are always published, so a reader knows every hidden value is at least 1.
            feasibility = Feasibility(list(grid), constraints, published, hidden_at_least=1.0)
        if _margin(grid[p], feasibility.range_of(p), threshold) < 0:
            return p
        known_safe.add(p)
    return None


def _rectangle_safe(grid: dict[Position, int], hidden: set[Position], p: Position,
                    threshold: int, interior: tuple[int, int]) -> bool:
    """True when a rectangle of hidden values proves ``p`` safe without an LP.

    For a cell p = (i, j) with hidden cells (i, k), (l, j) and (l, k): adding t to p and
    (l, k) and taking t from (i, k) and (l, j) changes no total, so it is another table a
    reader cannot tell from the true one while every hidden value stays at least 1. For a
    row total p = (i, T) the rectangle is (i, k), (l, k), (l, T): p and (i, k) go up, (l, k)
    and (l, T) down (a column total likewise). So p can reach p + t when the two values that
    go down are at least 1 + t, and p - t when p and the other that goes down with it are.
    A small count is safe when it can reach the threshold (t = threshold - p), any other
    hidden value when it can move at all (t = 1). A sufficient test only: without such a
    rectangle the exact LP decides, so the result is the same, in far fewer LPs."""
    n_rows, n_cols = interior
    i, j = p
    value = grid[p]
    small = 0 < value < threshold
    up = threshold - value if small else 1

    def moves(partner: Position, opposite: Position, far: Position) -> bool:
        # Going up, `far` and `opposite` go down (cell case: partner and the column partner).
        if min(grid[partner], grid[opposite]) >= 1 + up:
            return True
        return not small and min(value, grid[far]) >= 2

    if i < n_rows and j < n_cols:
        for k in range(n_cols):
            if k == j or (i, k) not in hidden:
                continue
            for r in range(n_rows):
                if r != i and (r, j) in hidden and (r, k) in hidden \
                        and moves((i, k), (r, j), (r, k)):
                    return True
        return False
    if j == n_cols and i < n_rows:  # a row total: partners in its row and another row
        for k in range(n_cols):
            if (i, k) not in hidden:
                continue
            for r in range(n_rows):
                if r != i and (r, k) in hidden and (r, n_cols) in hidden \
                        and moves((r, k), (r, n_cols), (i, k)):
                    return True
        return False
    if i == n_rows and j < n_cols:  # a column total
        for r in range(n_rows):
            if (r, j) not in hidden:
                continue
            for k in range(n_cols):
                if k != j and (r, k) in hidden and (n_rows, k) in hidden \
                        and moves((r, k), (n_rows, k), (r, j)):
                    return True
    return False


def _margin(value: int, feasible: Range, threshold: int) -> float:
    """Negative when a hidden value is exposed: pinned down, or provably under threshold."""
    if feasible.exact:
        return -1e9
    if 0 < value < threshold:
        return feasible.high - threshold
    return 0.0


def _smallest(grid: dict[Position, int], candidates: Iterable[Position]) -> Position | None:
    usable = sorted((grid[p], p) for p in set(candidates) if grid[p] > 0)
    return usable[0][1] if usable else None


def _round(value: int, base: int | None) -> int:
    if base is None or base == 1:
        return value
    return ((2 * value + base) // (2 * base)) * base


def _check_counts(values: Iterable[int]) -> None:
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
            raise DisclosureError(
                f"Counts must be whole numbers of people, 0 or more (got {v!r}). Protect the "
                "counts, then compute rates from the published ones."
            )
