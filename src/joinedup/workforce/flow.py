"""Flow between early help, child in need, child protection and looked after: a Markov model.

Each child is in at most one class each month (the most intensive one open that month), or in
none. Counting month-to-month moves over the episode history gives the monthly transition
probabilities ``P[i, j]`` (the last column is "closed"). Open cases then evolve as

    open[t + 1] = open[t] · P[:, :k] + arrivals[t + 1]

where ``arrivals`` are new children entering each class from outside the system (forecast
elsewhere). New cases of a class in a month, which carry start-up work, are its arrivals plus
the children who moved into it from another class.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from joinedup.workforce.assumptions import CASE_CLASSES

Array = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Spell:
    """One child's episode in one class (``end`` None while open)."""

    child: str
    case_class: str
    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class MonthlyStates:
    """Each child's class by month: ``states[child, month]`` indexes ``classes``, or
    ``len(classes)`` for none."""

    classes: tuple[str, ...]
    first_month: date
    states: NDArray[np.int64]

    @property
    def none(self) -> int:
        return len(self.classes)

    def open_counts(self) -> Array:
        """Children open in each class by month: shape (months, classes)."""
        k = len(self.classes)
        counts = np.zeros((self.states.shape[1], k))
        for j in range(k):
            counts[:, j] = (self.states == j).sum(axis=0)
        return counts

    def transition_counts(self) -> NDArray[np.int64]:
        """Moves between consecutive months, (k+1) × (k+1), "none" last."""
        size = len(self.classes) + 1
        counts = np.zeros(size * size, dtype=np.int64)
        if self.states.shape[1] >= 2:
            pairs = self.states[:, :-1] * size + self.states[:, 1:]
            np.add.at(counts, pairs.ravel(), 1)
        return counts.reshape(size, size)

    def arrivals(self) -> Array:
        """Children entering each class from none, by month (month 0 has no earlier month to
        compare with, so its arrivals are not known: NaN)."""
        k = len(self.classes)
        out = np.full((self.states.shape[1], k), np.nan)
        if self.states.shape[1] >= 2:
            before, after = self.states[:, :-1], self.states[:, 1:]
            for j in range(k):
                out[1:, j] = ((before == self.none) & (after == j)).sum(axis=0)
        return out


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_of(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def monthly_states(spells: Iterable[Spell], first_month: date, last_month: date,
                   classes: Sequence[str] = CASE_CLASSES) -> MonthlyStates:
    """Each child's most intensive open class in each month from ``first_month`` to
    ``last_month`` (a spell counts in every month it is open on any day)."""
    rank = {name: i for i, name in enumerate(classes)}
    lo, hi = month_index(first_month), month_index(last_month)
    months = hi - lo + 1
    children: dict[str, int] = {}
    rows: list[tuple[int, int, int, int]] = []
    for spell in spells:
        if spell.case_class not in rank:
            continue
        start = max(month_index(spell.start), lo)
        end = min(month_index(spell.end), hi) if spell.end is not None else hi
        if end < start:
            continue
        row = children.setdefault(spell.child, len(children))
        rows.append((row, rank[spell.case_class], start - lo, end - lo))
    none = len(classes)
    # Classes are ranked by intensity, so "most intensive" is the largest index; -1 marks none.
    states = np.full((len(children), months), -1, dtype=np.int64)
    for row, level, first, last in rows:
        segment = states[row, first:last + 1]
        np.maximum(segment, level, out=segment)
    states[states < 0] = none
    return MonthlyStates(tuple(classes), date(first_month.year, first_month.month, 1), states)


@dataclass(frozen=True, slots=True)
class FlowModel:
    """Monthly transition probabilities between classes (last column: closed)."""

    classes: tuple[str, ...]
    matrix: Array  # (k, k + 1)
    observed: NDArray[np.int64]  # child-months observed in each class (the estimate's base)
    notes: tuple[str, ...] = ()

    @property
    def within(self) -> Array:
        """Moves between open classes only: (k, k)."""
        return self.matrix[:, : len(self.classes)]

    def mean_months(self) -> Array:
        """Expected months a child stays in each class before moving or closing."""
        stay = np.diag(self.within)
        with np.errstate(divide="ignore"):
            return np.where(stay < 1.0, 1.0 / (1.0 - stay), np.inf)

    def step(self, open_cases: Array, arrivals: Array) -> tuple[Array, Array]:
        """One month on: (open cases, new cases by class). Works on (..., k) arrays."""
        within = self.within
        moved_in = open_cases @ (within - np.diag(np.diag(within)))
        nxt = open_cases @ within + arrivals
        return nxt, arrivals + moved_in

    def project(self, start: Array, arrivals: Array) -> tuple[Array, Array]:
        """Open and new cases for each month of ``arrivals`` (shape (..., months, k))."""
        months = arrivals.shape[-2]
        open_out = np.zeros(arrivals.shape)
        new_out = np.zeros(arrivals.shape)
        current = np.asarray(start, dtype=np.float64)
        for m in range(months):
            current, new = self.step(current, arrivals[..., m, :])
            open_out[..., m, :] = current
            new_out[..., m, :] = new
        return open_out, new_out

    def steady_state(self, arrivals: Array) -> Array:
        """Open cases when arrivals stay at ``arrivals`` a month: n = a (I − P)⁻¹."""
        k = len(self.classes)
        return np.asarray(np.linalg.solve((np.eye(k) - self.within).T, arrivals))


def estimate_flow(states: MonthlyStates) -> FlowModel:
    """Transition probabilities from counted moves; a class never observed closes at once
    (and the note says so), so it cannot hold cases it has no evidence for."""
    counts = states.transition_counts()
    k = len(states.classes)
    matrix = np.zeros((k, k + 1))
    notes: list[str] = []
    for i in range(k):
        total = counts[i].sum()
        if total == 0:
            matrix[i, k] = 1.0
            notes.append(f"no {states.classes[i]} episodes observed: that class is taken to "
                         "close within the month")
            continue
        matrix[i] = counts[i] / total
    observed = counts[:k].sum(axis=1)
    return FlowModel(states.classes, matrix, observed, tuple(notes))


def split_arrivals(total: Array, shares: Array) -> Array:
    """Spread a total of new children over classes by share (shares sum to 1)."""
    return np.asarray(total)[..., None] * np.asarray(shares)
