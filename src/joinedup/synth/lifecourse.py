"""Eight years of family life, month by month: births, deaths, separations, new partners,
young people leaving home, moves within the borough, and people leaving and arriving.

Each month the hazards are drawn for everyone at once (numpy); only the few people an event
happens to are then updated one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from joinedup.synth.addresses import OWNER, PRIVATE_RENT, SOCIAL_RENT
from joinedup.synth.builder import Builder
from joinedup.synth.households import ARRIVAL_MIX, YEAR, HouseholdMaker, populate
from joinedup.synth.population import NONE


@dataclass(frozen=True)
class Demography:
    """Annual rates of the life events (documented in docs/synthetic-borough.md)."""

    separation_with_children: float = 0.025
    separation_without_children: float = 0.02
    separation_over_55: float = 0.006
    separated_leaves_borough: float = 0.22
    repartner_lone_parent: float = 0.07
    repartner_single: float = 0.045
    partner_from_outside: float = 0.4
    marriage_on_partnering: float = 0.25
    step_child_takes_surname: float = 0.12
    leave_home: tuple[float, float, float] = (0.08, 0.12, 0.16)  # 18-21, 22-25, 26-35
    leaver_leaves_borough: float = 0.55
    move: dict[int, float] = field(default_factory=lambda: {
        OWNER: 0.045, PRIVATE_RENT: 0.16, SOCIAL_RENT: 0.06})
    depart: dict[int, float] = field(default_factory=lambda: {
        OWNER: 0.02, PRIVATE_RENT: 0.05, SOCIAL_RENT: 0.015})
    growth: float = 0.004
    twins: float = 0.015


# Age-specific fertility (births per woman per year) at ages 15..46, and a Gompertz law of
# mortality close to England's life tables.
_FERTILITY_AGES = np.array([15, 20, 25, 30, 35, 40, 45, 47])
_FERTILITY = np.array([0.015, 0.056, 0.105, 0.13, 0.076, 0.017, 0.001, 0.0])


def _fertility(age: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(np.interp(age, _FERTILITY_AGES, _FERTILITY, left=0.0, right=0.0),
                      dtype=np.float64)


def _mortality(age: NDArray[np.float64]) -> NDArray[np.float64]:
    q = np.minimum(np.exp(-10.6 + 0.094 * age), 0.6)
    return np.where(age < 1, 0.004, np.where(age < 15, 0.0001, q))


def _monthly(annual: NDArray[np.float64] | float) -> NDArray[np.float64]:
    return 1.0 - np.power(1.0 - np.asarray(annual, dtype=np.float64), 1.0 / 12.0)


class Lifecourse:
    def __init__(self, b: Builder, demography: Demography, target: int) -> None:
        self.b = b
        self.d = demography
        self.rng = b.rng
        self.maker = HouseholdMaker(b)
        self.target = target
        self.now = 0

    def run(self, start: int, end: int, on_month: object = None) -> None:
        month = np.datetime64(start, "D").astype("datetime64[M]")
        while True:
            t = int(month.astype("datetime64[D]").astype(np.int64))
            if t >= end:
                break
            self.step(t, min(28, end - t))
            month = month + 1
            if callable(on_month):
                on_month()

    def step(self, t: int, days: int) -> None:
        p = self.b.people
        n = p.n
        hh = p.hh[:n]
        age = (t - p.dob[:n]) / YEAR
        resident = hh >= 0
        rng = self.rng
        self.now = t

        def when() -> int:
            return t + int(rng.integers(0, max(days, 1)))

        # Deaths.
        dying = np.flatnonzero(resident & (rng.random(n) < _monthly(_mortality(age))))
        for person in dying:
            self._death(int(person), when())
        # Births.
        hh = p.hh[:n]
        resident = hh >= 0
        partner = p.partner[:n]
        cohabit = (partner >= 0) & (p.hh[np.maximum(partner, 0)] == hh) & resident
        fertile = resident & (p.sex[:n] == 1) & (p.last_birth[:n] < t - 450)
        rate = _fertility(age) * np.where(cohabit, 1.25, 0.35)
        for mother in np.flatnonzero(fertile & (rng.random(n) < _monthly(rate))):
            self._birth(int(mother), when())
        # Separations.
        kids = self._kids_per_household(t)
        p_sep = np.where(kids[np.maximum(p.hh[:n], 0)] > 0, self.d.separation_with_children,
                         np.where(age > 55, self.d.separation_over_55,
                                  self.d.separation_without_children))
        first = cohabit & (np.arange(n) < partner)
        for person in np.flatnonzero(first & (rng.random(n) < _monthly(p_sep))):
            if p.partner[person] >= 0:
                self._separate(int(person), when())
        # New partners.
        n = p.n
        hh = p.hh[:n]
        age = (t - p.dob[:n]) / YEAR
        with_parent = self._with_parent(n)
        single = (hh >= 0) & (p.partner[:n] < 0) & (age >= 20) & (age < 58) & ~with_parent
        kids = self._kids_per_household(t)
        lone = kids[np.maximum(hh, 0)] > 0
        p_new = np.where(lone, self.d.repartner_lone_parent, self.d.repartner_single)
        chosen = np.flatnonzero(single & (rng.random(n) < _monthly(p_new)))
        pool = np.flatnonzero(single)
        for person in chosen:
            if p.partner[person] < 0 and p.hh[person] >= 0:
                self._repartner(int(person), when(), pool, t)
        # Young adults leaving home.
        n = p.n
        hh = p.hh[:n]
        age = (t - p.dob[:n]) / YEAR
        with_parent = self._with_parent(n)
        rates = np.select([age < 18, age < 22, age < 26, age < 36],
                          [0.0, *self.d.leave_home], 0.0)
        leaving = with_parent & (p.partner[:n] < 0) & (rng.random(n) < _monthly(rates))
        for person in np.flatnonzero(leaving):
            self._leave_home(int(person), when())
        # Whole households moving within, or out of, the borough.
        self._household_moves(when)
        # Arrivals keep the population on its (slowly growing) path.
        years = (t - self.b.window_start) / YEAR
        goal = int(self.target * (1 + self.d.growth * years))
        if self.b.resident_count < goal:
            populate(self.b, goal - self.b.resident_count, t, ARRIVAL_MIX, arrival=True)

    # -- helpers ---------------------------------------------------------------------------
    def _kids_per_household(self, t: int) -> NDArray[np.int64]:
        p = self.b.people
        n = p.n
        hh = p.hh[:n]
        child = (hh >= 0) & ((t - p.dob[:n]) < 18 * YEAR)
        return np.bincount(hh[child], minlength=len(self.b.households.members) + 1)

    def _with_parent(self, n: int) -> NDArray[np.bool_]:
        p = self.b.people
        hh = p.hh[:n]
        m, f = p.mother[:n], p.father[:n]
        with_m = (m >= 0) & (p.hh[np.maximum(m, 0)] == hh)
        with_f = (f >= 0) & (p.hh[np.maximum(f, 0)] == hh)
        result: NDArray[np.bool_] = (hh >= 0) & (with_m | with_f)
        return result

    def _own_children(self, parent: int, t: int) -> list[int]:
        b = self.b
        h = int(b.people.hh[parent])
        if h < 0:
            return []
        return [c for c in b.households.members[h]
                if (b.people.mother[c] == parent or b.people.father[c] == parent)
                and t - b.people.dob[c] < 18 * YEAR]

    def _new_home(self, people: list[int], date: int, tenure: int | None = None) -> None:
        b, rng = self.b, self.rng
        if tenure is None:
            tenure = int(rng.choice(3, p=[0.15, 0.6, 0.25]))
        old = int(b.people.hh[people[0]])
        ward = None
        if old >= 0 and rng.random() < 0.5:
            ward = int(b.addresses.ward[b.households.address[old]])
        h = b.new_household(date, tenure, ward)
        for person in people:
            b.join(person, h, date)

    def _depart(self, people: list[int], date: int) -> None:
        for person in people:
            when = max(date, self.b.spells.current_start(person))
            self.b.leave(person, when)
            self.b.people.out_date[person] = when

    def _death(self, person: int, date: int) -> None:
        b = self.b
        date = max(date, b.spells.current_start(person))
        h = int(b.people.hh[person])
        b.people.death[person] = date
        if b.people.partner[person] >= 0:
            b.end_partnership(person, date)
        b.leave(person, date)
        if h < 0:
            return
        members = b.households.members[h]
        if members and all(date - b.people.dob[m] < 18 * YEAR for m in members):
            # Children left without an adult go to their other parent, or to family elsewhere.
            for child in list(members):
                other = [q for q in (int(b.people.mother[child]), int(b.people.father[child]))
                         if q >= 0 and b.people.hh[q] >= 0]
                if other:
                    b.join(child, int(b.people.hh[other[0]]), date)
                else:
                    self._depart([child], date)

    def _birth(self, mother: int, dob: int) -> None:
        b, rng = self.b, self.rng
        p = b.people
        partner = int(p.partner[mother])
        father = NONE
        married = False
        if partner >= 0 and p.hh[partner] == p.hh[mother] and p.sex[partner] == 0 \
                and rng.random() < 0.96:
            father = partner
            married = b.partnerships.married[b.partnerships.current[mother]]
        if father == NONE:
            surname = int(p.surname[mother])
        elif married:
            surname = int(p.surname[father])
        else:
            roll = rng.random()
            surname = (int(p.surname[father]) if roll < 0.75 else int(p.surname[mother])
                       if roll < 0.87 else b.double_barrel(int(p.surname[mother]),
                                                           int(p.surname[father])))
        h = int(p.hh[mother])
        for _ in range(2 if rng.random() < self.d.twins else 1):
            child = self.maker.child(mother, father, dob, surname, int(p.family[mother]), dob)
            p.risk[child] = p.risk[mother] * float(rng.lognormal(0.0, 0.2))
            b.join(child, h, dob)
        p.last_birth[mother] = dob

    def _separate(self, person: int, date: int) -> None:
        b, rng = self.b, self.rng
        p = b.people
        other = int(p.partner[person])
        a, c = (person, other) if p.sex[person] == 0 else (other, person)
        leaver = a if (p.sex[a] != p.sex[c] and rng.random() < 0.85) else c
        stayer = other if leaver == person else person
        b.end_partnership(person, date)
        going = [leaver]
        if p.sex[leaver] == 1:
            going += self._own_children(leaver, date)
        else:
            going += [k for k in self._own_children(leaver, date)
                      if p.mother[k] != stayer and rng.random() < 0.8]
        p.risk[going] *= 1.2
        p.risk[stayer] *= 1.2
        if rng.random() < self.d.separated_leaves_borough:
            self._depart(going, date)
        else:
            self._new_home(going, date)

    def _repartner(self, person: int, date: int, pool: NDArray[np.int64], t: int) -> None:
        b, rng = self.b, self.rng
        p = b.people
        age = (t - p.dob[person]) / YEAR
        match = NONE
        if rng.random() > self.d.partner_from_outside and len(pool):
            for cand in rng.choice(pool, size=min(25, len(pool)), replace=False):
                cand = int(cand)
                same_sex_ok = rng.random() < 0.03
                if (cand != person and p.partner[cand] < 0 and p.hh[cand] >= 0
                        and p.hh[cand] != p.hh[person]
                        and (p.sex[cand] != p.sex[person] or same_sex_ok)
                        and abs((t - p.dob[cand]) / YEAR - age) <= 8
                        and not self._related(person, cand)):
                    match = cand
                    break
        if match == NONE:
            sex = 1 - int(p.sex[person])
            ethnic = int(p.ethnic[person]) if rng.random() < 0.85 else b.ethnic()
            dob = int(p.dob[person] + rng.normal(0, 3) * YEAR)
            match = b.person(sex, dob, ethnic, b.new_surname(b.origin(ethnic)),
                             family=int(p.family[person]), in_date=date)
            p.risk[match] = p.risk[person]
        mine, theirs = self._own_children(person, date), self._own_children(match, date)
        married = rng.random() < self.d.marriage_on_partnering
        b.start_partnership(person, match, date, married)
        if p.hh[match] < 0:
            b.join(match, int(p.hh[person]), date)
        elif mine or (not theirs and rng.random() < 0.5):
            b.join(match, int(p.hh[person]), date)
            for kid in theirs:
                b.join(kid, int(p.hh[person]), date)
        else:
            for q in [person, *mine]:
                b.join(q, int(p.hh[match]), date)
        family = int(p.family[person]) if mine or not theirs else int(p.family[match])
        if not mine and not theirs:
            family = b.family()
        for q in {person, match, *mine, *theirs}:
            p.family[q] = family
        man, woman = (person, match) if p.sex[person] == 0 else (match, person)
        if p.sex[man] != p.sex[woman]:
            if married and rng.random() < 0.8:
                wed = date + int(rng.uniform(0.3, 3.0) * YEAR)
                b.change_surname(woman, wed, int(p.surname[man]), "marriage")
            step_kids = [k for k in (*mine, *theirs) if p.father[k] != man and
                         date - p.dob[k] < 12 * YEAR]
            if step_kids and rng.random() < self.d.step_child_takes_surname:
                change = date + int(rng.uniform(0.5, 3.0) * YEAR)
                for kid in step_kids:
                    b.change_surname(kid, change, int(p.surname[man]), "step-family")

    def _related(self, a: int, c: int) -> bool:
        p = self.b.people
        parents_a = {int(p.mother[a]), int(p.father[a])} - {NONE}
        parents_c = {int(p.mother[c]), int(p.father[c])} - {NONE}
        return bool(parents_a & parents_c) or a in parents_c or c in parents_a

    def _leave_home(self, person: int, date: int) -> None:
        if self.rng.random() < self.d.leaver_leaves_borough:
            self._depart([person], date)
        else:
            self._new_home([person], date, int(self.rng.choice(3, p=[0.1, 0.7, 0.2])))

    def _household_moves(self, when: object) -> None:
        b, rng = self.b, self.rng
        p = b.people
        n = p.n
        hh = p.hh[:n]
        res = hh >= 0
        n_hh = len(b.households.members)
        sizes = np.bincount(hh[res], minlength=n_hh)
        active = np.flatnonzero(sizes > 0)
        if not len(active):
            return
        oldest = np.zeros(n_hh, dtype=np.float64)
        np.maximum.at(oldest, hh[res], (self.now - p.dob[:n][res]) / YEAR)
        address = np.asarray(b.households.address, dtype=np.int64)[active]
        tenure = b.addresses.tenure[address]
        rates = (OWNER, PRIVATE_RENT, SOCIAL_RENT)
        p_move = np.array([self.d.move[k] for k in rates])[tenure]
        p_go = np.array([self.d.depart[k] for k in rates])[tenure]
        # Older households rarely leave; families a little less than average; young single
        # people most of all.
        size, age = sizes[active], oldest[active]
        p_go = p_go * np.where(age >= 65, 0.3, np.where(size >= 3, 0.7,
                                                        np.where((size == 1) & (age < 40),
                                                                 1.6, 1.0)))
        roll = rng.random(len(active))
        go = roll < _monthly(p_go)
        move = ~go & (roll < _monthly(p_go) + _monthly(p_move))
        assert callable(when)
        members = b.households.members
        for h in active[go]:
            self._depart(list(members[int(h)]), when())
        transitions = {OWNER: [0.9, 0.08, 0.02], PRIVATE_RENT: [0.25, 0.6, 0.15],
                       SOCIAL_RENT: [0.03, 0.12, 0.85]}
        for h, ten in zip(active[move], tenure[move], strict=True):
            dest = int(rng.choice(3, p=transitions[int(ten)]))
            ward = int(b.addresses.ward[b.households.address[int(h)]]) \
                if rng.random() < 0.55 else None
            b.move_household(int(h), when(), dest, ward)
