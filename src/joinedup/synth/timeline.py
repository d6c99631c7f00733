"""Fast questions about the simulated lives: where was this person on that date, who lived in
that household then, who was a child in the borough on a given day."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from joinedup.synth.population import NEVER, Borough

YEAR = 365.25
_SHIFT = 40_000  # dates are days since 1970; shift so keys stay positive for old births


class Timeline:
    def __init__(self, borough: Borough) -> None:
        self.borough = borough
        sp = borough.spells
        person = np.asarray(sp.person, dtype=np.int64)
        start = np.asarray(sp.start, dtype=np.int64)
        order = np.lexsort((start, person))
        self.person = person[order]
        self.household = np.asarray(sp.household, dtype=np.int64)[order]
        self.address = np.asarray(sp.address, dtype=np.int64)[order]
        self.start = start[order]
        self.end = np.asarray(sp.end, dtype=np.int64)[order]
        self._key = self.person * 200_000 + self.start + _SHIFT
        by_hh = np.argsort(self.household, kind="stable")
        self._hh_order = by_hh
        self._hh_sorted = self.household[by_hh]
        self.n_people = borough.people.n

    def spell_at(self, persons: NDArray[np.int64], dates: NDArray[np.int64],
                 ) -> NDArray[np.int64]:
        """Index of the spell each person was in on each date, or -1."""
        persons = np.asarray(persons, dtype=np.int64)
        dates = np.asarray(dates, dtype=np.int64)
        pos = np.searchsorted(self._key, persons * 200_000 + dates + _SHIFT, side="right") - 1
        safe = np.maximum(pos, 0)
        ok = (pos >= 0) & (self.person[safe] == persons) & (self.end[safe] > dates)
        return np.where(ok, pos, -1)

    def last_spell_before(self, persons: NDArray[np.int64], dates: NDArray[np.int64],
                          ) -> NDArray[np.int64]:
        """The spell that started most recently on or before each date (even if ended)."""
        persons = np.asarray(persons, dtype=np.int64)
        dates = np.asarray(dates, dtype=np.int64)
        pos = np.searchsorted(self._key, persons * 200_000 + dates + _SHIFT, side="right") - 1
        safe = np.maximum(pos, 0)
        ok = (pos >= 0) & (self.person[safe] == persons)
        first = np.searchsorted(self._key, persons * 200_000, side="left")
        has_any = (first < len(self.person)) & (
            self.person[np.minimum(first, len(self.person) - 1)] == persons)
        return np.where(ok, pos, np.where(has_any, first, -1))

    def address_at(self, persons: NDArray[np.int64], dates: NDArray[np.int64],
                   ) -> NDArray[np.int64]:
        """The address each person lived at on each date; the nearest known one otherwise."""
        idx = self.last_spell_before(persons, dates)
        return np.where(idx >= 0, self.address[np.maximum(idx, 0)], -1)

    def household_at(self, persons: NDArray[np.int64], dates: NDArray[np.int64],
                     ) -> NDArray[np.int64]:
        idx = self.spell_at(persons, dates)
        return np.where(idx >= 0, self.household[np.maximum(idx, 0)], -1)

    def active(self, date: int) -> NDArray[np.int64]:
        """Spell indices active on ``date``."""
        return np.flatnonzero((self.start <= date) & (self.end > date))

    def members(self, household: int, date: int) -> NDArray[np.int64]:
        """People living in ``household`` on ``date``."""
        lo = np.searchsorted(self._hh_sorted, household, side="left")
        hi = np.searchsorted(self._hh_sorted, household, side="right")
        idx = self._hh_order[lo:hi]
        live = idx[(self.start[idx] <= date) & (self.end[idx] > date)]
        return np.unique(self.person[live])

    def spells_of(self, person: int) -> NDArray[np.int64]:
        lo = np.searchsorted(self._key, person * 200_000, side="left")
        hi = np.searchsorted(self._key, (person + 1) * 200_000, side="left")
        return np.arange(lo, hi)

    def age(self, persons: NDArray[np.int64], dates: NDArray[np.int64] | int,
            ) -> NDArray[np.float64]:
        dob = self.borough.people.dob[np.asarray(persons, dtype=np.int64)]
        return (np.asarray(dates) - dob) / YEAR

    def alive_resident(self, persons: NDArray[np.int64], date: int) -> NDArray[np.bool_]:
        return self.spell_at(persons, np.full(len(persons), date)) >= 0


def never() -> int:
    return int(NEVER)
