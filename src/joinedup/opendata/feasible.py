"""What an attacker can work out about hidden values from the published ones.

A table is a set of positions (cells and totals) tied by additive constraints
(``total == sum(members)``). Given the published values and the rule that counts are never
negative, each hidden position has a feasible range ``[low, high]``: the smallest and largest
value it can take consistently with everything published. Linear programming finds both
bounds exactly. Tables of counts with row, column and grand totals have a totally unimodular
constraint matrix (two laminar families of sums), so the LP's bounds are integers and equal the
bounds over whole numbers: the attacker gains nothing from knowing counts are integers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from scipy.optimize import linprog

from joinedup.errors import DisclosureError

P = TypeVar("P", bound=Hashable)


@dataclass(frozen=True)
class Constraint(Generic[P]):
    """``total`` equals the sum of ``members``."""

    total: P
    members: tuple[P, ...]


@dataclass(frozen=True)
class Range:
    low: float
    high: float  # math.inf when nothing published bounds it

    @property
    def exact(self) -> bool:
        """True when the value is pinned down (the range has no width)."""
        return self.high - self.low < 0.5


class Feasibility(Generic[P]):
    """The constraints with the published values substituted; ranges computed on demand."""

    def __init__(self, positions: Sequence[P], constraints: Sequence[Constraint[P]],
                 published: Mapping[P, float], hidden_at_least: float = 0.0) -> None:
        """``hidden_at_least``: what a reader knows of every hidden value besides the sums
        (1 when zeros are always published, so a hidden value is never 0)."""
        self.hidden = [p for p in positions if p not in published]
        self._lower = hidden_at_least
        self._index = {p: i for i, p in enumerate(self.hidden)}
        rows: list[list[float]] = []
        rhs: list[float] = []
        for con in constraints:
            # total - sum(members) == 0, with published values moved to the right-hand side.
            row = [0.0] * len(self.hidden)
            constant = 0.0
            for p, sign in [(con.total, 1.0), *((m, -1.0) for m in con.members)]:
                if p in self._index:
                    row[self._index[p]] += sign
                else:
                    constant -= sign * float(published[p])
            if any(row):
                rows.append(row)
                rhs.append(constant)
        self._a_eq = np.array(rows) if rows else None
        self._b_eq = np.array(rhs) if rows else None

    def range_of(self, position: P) -> Range:
        column = self._index[position]
        if self._a_eq is None or not self._a_eq[:, column].any():
            return Range(low=self._lower, high=math.inf)  # in no sum with anything hidden
        if self._a_eq.shape[0] == 1:
            return self._one_sum(column)
        objective = np.zeros(len(self.hidden))
        objective[self._index[position]] = 1.0
        low = _optimise(objective, self._a_eq, self._b_eq, self._lower)
        high = _optimise(-objective, self._a_eq, self._b_eq, self._lower)
        return Range(low=low, high=-high if math.isfinite(high) else math.inf)


    def _one_sum(self, column: int) -> Range:
        """The range when one sum ties the hidden values (a list of counts and its total, the
        dashboards' long tables), in closed form instead of two linear programmes: a
        school-by-school list of 400 counts would otherwise cost 800 of them per check.

        The equation is sum(a_i x_i) = b with every a_i = +1 or -1 and x_i >= L. Where all
        signs agree (the total published: the hidden counts add up to what it leaves), each
        x is at least L and at most what the sum leaves once the others take L. Where they
        differ (the total hidden too), the larger side can grow without bound."""
        assert self._a_eq is not None and self._b_eq is not None
        row, rhs, lower = self._a_eq[0], float(self._b_eq[0]), self._lower
        sign = row[column]
        same = [i for i, a in enumerate(row) if a == sign]
        other = [i for i, a in enumerate(row) if a == -sign]
        if other:
            # x = sign * b - (same others) + (other side): unbounded above; at its lowest
            # when the same side takes what it can (unbounded) unless it is alone.
            low = lower if len(same) > 1 else max(lower, sign * rhs + lower * len(other))
            return Range(low=low, high=math.inf)
        left = sign * rhs - lower * (len(same) - 1)
        return Range(low=lower if len(same) > 1 else left, high=left)


def feasible_ranges(
    positions: Sequence[P],
    constraints: Sequence[Constraint[P]],
    published: Mapping[P, float],
    hidden_at_least: float = 0.0,
) -> dict[P, Range]:
    """The range of every position not in ``published``, given the published (exact) values."""
    feasibility = Feasibility(positions, constraints, published, hidden_at_least)
    return {p: feasibility.range_of(p) for p in feasibility.hidden}


def _optimise(
    objective: np.ndarray, a_eq: np.ndarray | None, b_eq: np.ndarray | None, lower: float
) -> float:
    """The minimum of ``objective @ x`` over x >= lower meeting the equalities (-inf when
    unbounded)."""
    solved = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(lower, None), method="highs")
    if solved.status == 3:  # unbounded
        return -math.inf
    if solved.status != 0:
        # Published values always admit the true table, so infeasibility is a bug upstream.
        raise DisclosureError(
            f"The published values contradict each other ({solved.message}): the totals do not "
            "add up. Check the table's counts and totals before protecting it."
        )
    return float(solved.fun)
