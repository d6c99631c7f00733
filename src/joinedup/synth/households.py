"""Household compositions: who lives together at the start of the window, and who arrives.

Shares are loosely modelled on Stockport's 2021 census household mix (about 30% one person,
27% couples without children, 19% couples with dependent children, 8% lone parents...). Step-
families, non-resident parents (in the borough or outside it), married and unmarried couples
and the surnames that follow from them are all made here.
"""

from __future__ import annotations

import bisect

import numpy as np

from joinedup.synth.addresses import OWNER, PRIVATE_RENT, SOCIAL_RENT
from joinedup.synth.builder import MIXED, Builder
from joinedup.synth.population import NONE

YEAR = 365.25

INITIAL_MIX: dict[str, float] = {
    "single_older": 0.15, "single_adult": 0.13, "couple_older": 0.11, "couple_midlife": 0.10,
    "couple_young": 0.06, "couple_children": 0.21, "lone_parent": 0.09,
    "couple_adult_children": 0.06, "lone_adult_children": 0.03, "sharers": 0.03,
    "multigenerational": 0.03,
}
ARRIVAL_MIX: dict[str, float] = {
    "single_adult": 0.14, "couple_young": 0.18, "couple_children": 0.30, "lone_parent": 0.09,
    "sharers": 0.05, "single_older": 0.09, "couple_older": 0.07, "couple_midlife": 0.06,
}
_TENURE: dict[str, tuple[float, float, float]] = {
    "single_older": (0.66, 0.08, 0.26), "single_adult": (0.42, 0.36, 0.22),
    "couple_older": (0.85, 0.04, 0.11), "couple_midlife": (0.84, 0.08, 0.08),
    "couple_young": (0.50, 0.42, 0.08),
    "couple_children": (0.68, 0.17, 0.15), "lone_parent": (0.25, 0.30, 0.45),
    "couple_adult_children": (0.80, 0.07, 0.13), "lone_adult_children": (0.52, 0.13, 0.35),
    "sharers": (0.05, 0.90, 0.05), "multigenerational": (0.60, 0.15, 0.25),
}
_TENURE_RISK = {OWNER: 0.7, PRIVATE_RENT: 1.4, SOCIAL_RENT: 2.6}
_STAY_YEARS = {OWNER: 9.0, PRIVATE_RENT: 3.0, SOCIAL_RENT: 7.0}


class HouseholdMaker:
    """Makes households of each kind with the builder; returns residents added."""

    def __init__(self, b: Builder) -> None:
        self.b = b
        self.rng = b.rng

    def make(self, kind: str, date: int, arrival: bool) -> None:
        getattr(self, f"_{kind}")(date, arrival)

    # -- helpers -------------------------------------------------------------------------
    def _dob(self, date: int, age: float) -> int:
        return int(date - age * YEAR - self.rng.uniform(0, YEAR))

    def _age(self, low: float, high: float, a: float = 1.5, b: float = 1.5) -> float:
        return low + (high - low) * float(self.rng.beta(a, b))

    def _tenure(self, kind: str) -> int:
        owner, private, _ = _TENURE[kind]
        roll = self.rng.random()
        return OWNER if roll < owner else PRIVATE_RENT if roll < owner + private else SOCIAL_RENT

    def _household(self, kind: str, date: int, arrival: bool) -> tuple[int, int, float]:
        """A new household at a vacant address: (household, spell start, household risk)."""
        tenure = self._tenure(kind)
        h = self.b.new_household(date, tenure)
        since = date if arrival else int(date - self.rng.exponential(_STAY_YEARS[tenure]) * YEAR)
        address = self.b.households.address[h]
        dep = float(self.b.addresses.deprivation[address])
        risk = float(self.rng.lognormal(0.0, 0.9)) * (1 + 2 * dep) * _TENURE_RISK[tenure]
        if arrival:
            self.b.households.formed[h] = date
        else:
            self.b.households.formed[h] = since
        return h, since, risk

    def _add(self, person: int, h: int, date: int, since: int, risk: float) -> None:
        b = self.b
        start = max(since, int(b.people.dob[person]))
        b.people.in_date[person] = min(start, date)
        b.people.risk[person] = risk * float(self.rng.lognormal(0.0, 0.3))
        b.join(person, h, date, since=min(start, date))

    def _adult(self, sex: int, age: float, date: int, ethnic: int, family: int,
               surname: int | None = None) -> int:
        b = self.b
        if surname is None:
            surname = b.new_surname(b.origin(ethnic))
        return b.person(sex, self._dob(date, age), ethnic, surname, family=family, in_date=date)

    def _couple(self, date: int, since: int, age: float, ethnic: int, family: int,
                married_p: float) -> tuple[int, int]:
        """A man and a woman of about ``age`` (the woman's); marriage changes her surname."""
        b, rng = self.b, self.rng
        man_ethnic = ethnic if rng.random() < 0.92 else b.ethnic()
        woman = self._adult(1, age, date, ethnic, family)
        man = self._adult(0, max(age + rng.normal(2.0, 3.5), age - 2.5, 17.5), date, man_ethnic,
                          family)
        youngest = min(int(b.people.dob[woman]), int(b.people.dob[man])) + int(18 * YEAR)
        start = max(since - int(rng.exponential(4.0) * YEAR), youngest)
        married = rng.random() < married_p
        b.start_partnership(man, woman, min(start, date), married)
        if married:
            wed = min(start + int(rng.uniform(0, 4) * YEAR), date)
            roll = rng.random()
            if roll < 0.85:
                b.change_surname(woman, wed, int(b.people.surname[man]), "marriage")
            elif roll < 0.89:
                b.change_surname(woman, wed, b.double_barrel(int(b.people.surname[woman]),
                                                             int(b.people.surname[man])),
                                 "marriage")
        return man, woman

    def _child_ethnic(self, mother: int, father: int) -> int:
        b = self.b
        me = int(b.people.ethnic[mother])
        if father == NONE:
            return me
        fe = int(b.people.ethnic[father])
        if me == fe:
            return me
        other = b.origin(fe) if b.origin(me) == "british" else b.origin(me)
        return MIXED.get(other, 6)  # MOTH

    def child(self, mother: int, father: int, dob: int, surname: int, family: int,
              in_date: int) -> int:
        """A child with parents' names in mind: juniors, grandparents' middle names."""
        b, rng = self.b, self.rng
        sex = int(rng.random() < 0.487)
        forename = None
        if sex == 0 and father != NONE and rng.random() < 0.04:
            forename = int(b.people.forename[father])  # a junior: same name as his father
        c = b.person(sex, dob, self._child_ethnic(mother, father), surname, family=family,
                     in_date=in_date, mother=mother, father=father, forename=forename)
        return c

    def _children_ages(self, mother_age: float, n: int, max_age: float = 17.9) -> list[float]:
        """Ages of ``n`` siblings (eldest first) born when their mother was 17 or over."""
        rng = self.rng
        gaps = rng.uniform(1.2, 4.5, n - 1)
        room = min(mother_age - 17.0, max_age)
        while n > 1 and gaps.sum() > room:
            n -= 1
            gaps = gaps[: n - 1]
        first_birth = 19 + 15 * float(rng.beta(2.0, 2.6))
        eldest = min(mother_age - first_birth, max_age)
        eldest = max(eldest, float(gaps.sum()) + float(rng.uniform(0, 1.5)))
        eldest = min(eldest, room)
        ages = [eldest]
        for gap in gaps:
            ages.append(max(ages[-1] - float(gap), 0.05))
        return ages

    def _n_children(self) -> int:
        return int(self.rng.choice([1, 2, 3, 4, 5], p=[0.42, 0.40, 0.13, 0.04, 0.01]))

    def _child_surname(self, mother: int, father: int, married: bool) -> int:
        b, rng = self.b, self.rng
        if father == NONE:
            return int(b.people.surname[mother])
        fs, ms = int(b.people.birth_surname[father]), int(b.people.birth_surname[mother])
        if married:
            return fs
        roll = rng.random()
        if roll < 0.75:
            return fs
        if roll < 0.87:
            return ms
        return b.double_barrel(ms, fs)

    def _absent_father(self, woman: int, date: int, family_of_children: int) -> int:
        """The father of a woman's earlier children: in the borough, outside it, or unknown."""
        b, rng = self.b, self.rng
        roll = rng.random()
        if roll < 0.15:
            return NONE
        her_age = float((date - b.people.dob[woman]) / YEAR)
        age = max(her_age + rng.normal(2.5, 4.0), her_age - 2.0, 19.0)
        ethnic = int(b.people.ethnic[woman]) if rng.random() < 0.9 else b.ethnic()
        if roll < 0.40:
            father = self._adult(0, age, date, ethnic, b.family())
            b.people.external[father] = True
            b.people.out_date[father] = b.people.in_date[father] = date
            return father
        h, since, risk = self._household("single_adult", date, False)
        father = self._adult(0, age, date, ethnic, b.family())
        self._add(father, h, date, since, risk * 1.3)
        if rng.random() < 0.35:
            partner = self._adult(1, max(age - rng.uniform(0, 6), 19), date, ethnic,
                                  int(b.people.family[father]))
            self._add(partner, h, date, since, risk)
            b.start_partnership(father, partner, since, False)
            if rng.random() < 0.5 and age < 45:
                dob = int(date - rng.uniform(0, 3) * YEAR)
                kid = self.child(partner, father, dob, int(b.people.surname[father]),
                                 int(b.people.family[father]), dob)
                self._add(kid, h, date, since, risk)
        return father

    # -- kinds ---------------------------------------------------------------------------
    def _single_older(self, date: int, arrival: bool) -> None:
        b = self.b
        h, since, risk = self._household("single_older", date, arrival)
        sex = int(self.rng.random() < 0.64)
        ethnic = b.ethnic()
        p = self._adult(sex, self._age(65, 98, 1.3, 2.2), date, ethnic, b.family())
        if sex == 1 and self.rng.random() < 0.75:
            b.change_surname(p, int(b.people.dob[p] + 24 * YEAR),
                             b.new_surname(b.origin(ethnic)), "marriage")
        self._add(p, h, date, since, risk * 0.6)

    def _single_adult(self, date: int, arrival: bool) -> None:
        b = self.b
        h, since, risk = self._household("single_adult", date, arrival)
        sex = int(self.rng.random() < 0.45)
        age = self._age(19, 45, 1.2, 1.6) if arrival else self._age(19, 64, 1.5, 1.2)
        p = self._adult(sex, age, date, b.ethnic(), b.family())
        self._add(p, h, date, since, risk)

    def _couple_older(self, date: int, arrival: bool) -> None:
        b = self.b
        h, since, risk = self._household("couple_older", date, arrival)
        man, woman = self._couple(date, since, self._age(63, 92, 1.3, 2.0), b.ethnic(),
                                  b.family(), 0.88)
        for p in (man, woman):
            self._add(p, h, date, since, risk * 0.6)

    def _couple_midlife(self, date: int, arrival: bool) -> None:
        b = self.b
        h, since, risk = self._household("couple_midlife", date, arrival)
        man, woman = self._couple(date, since, self._age(43, 65), b.ethnic(), b.family(), 0.75)
        for p in (man, woman):
            self._add(p, h, date, since, risk * 0.7)

    def _couple_young(self, date: int, arrival: bool) -> None:
        b, rng = self.b, self.rng
        h, since, risk = self._household("couple_young", date, arrival)
        family = b.family()
        if rng.random() < 0.03:
            sex = int(rng.random() < 0.5)
            age = self._age(21, 45)
            a = self._adult(sex, age, date, b.ethnic(), family)
            c = self._adult(sex, age + rng.normal(0, 3), date, b.ethnic(), family)
            b.start_partnership(a, c, since, rng.random() < 0.3)
            self._add(a, h, date, since, risk)
            self._add(c, h, date, since, risk)
            return
        man, woman = self._couple(date, since, self._age(20, 45, 1.5, 2.0), b.ethnic(),
                                  family, 0.35)
        for p in (man, woman):
            self._add(p, h, date, since, risk)

    def _couple_children(self, date: int, arrival: bool) -> None:
        b, rng = self.b, self.rng
        h, since, risk = self._household("couple_children", date, arrival)
        family = b.family()
        mother_age = self._age(24, 54, 2.2, 2.0)
        ethnic = b.ethnic()
        married = rng.random() < 0.62
        man, woman = self._couple(date, since, mother_age, ethnic, family, 1.0 if married else 0)
        ages = self._children_ages(mother_age, self._n_children())
        step = rng.random() < 0.12 and not arrival
        step_count = int(rng.integers(1, len(ages) + 1)) if step else 0
        first_father = self._absent_father(woman, date, family) if step else NONE
        if step:
            # The couple got together after the older children were born.
            b.partnerships.start[b.partnerships.current[man]] = int(
                date - (ages[step_count - 1] - 0.5) * YEAR
                if step_count < len(ages) else date - rng.uniform(0.5, 4) * YEAR)
            risk *= 1.5
        for k, age in enumerate(ages):
            dob = self._dob(date, age)
            father = first_father if k < step_count else man
            surname = self._child_surname(woman, father, married and father == man)
            kid = self.child(woman, father, dob, surname, family, dob)
            if father != man and father != NONE and rng.random() < 0.15:
                b.change_surname(kid, int(min(date, dob + rng.uniform(1, 6) * YEAR)),
                                 int(b.people.surname[man]), "step-family")
            self._add(kid, h, date, since, risk)
        self._add(man, h, date, since, risk)
        self._add(woman, h, date, since, risk)

    def _lone_parent(self, date: int, arrival: bool) -> None:
        b, rng = self.b, self.rng
        h, since, risk = self._household("lone_parent", date, arrival)
        family = b.family()
        ethnic = b.ethnic()
        sex = 0 if rng.random() < 0.1 else 1
        age = self._age(19, 55, 1.8, 2.2)
        parent = self._adult(sex, age, date, ethnic, family)
        other = NONE
        if sex == 1:
            other = self._absent_father(parent, date, family)
            if other != NONE and rng.random() < 0.4:
                # Was married to him: still carries his surname.
                b.change_surname(parent, int(date - rng.uniform(3, 15) * YEAR),
                                 int(b.people.surname[other]), "marriage")
        for age_k in self._children_ages(age, self._n_children()):
            dob = self._dob(date, age_k)
            mother, father = (parent, other) if sex == 1 else (NONE, parent)
            if mother == NONE:
                surname = int(b.people.surname[parent])
            else:
                surname = (int(b.people.surname[other]) if other != NONE and rng.random() < 0.6
                           else int(b.people.surname[parent]))
            kid = self.child(mother if mother != NONE else parent, father, dob, surname, family,
                             dob)
            if mother == NONE:
                b.people.mother[kid] = NONE
            self._add(kid, h, date, since, risk * 2.0)
        self._add(parent, h, date, since, risk * 2.0)

    def _couple_adult_children(self, date: int, arrival: bool) -> None:
        b = self.b
        h, since, risk = self._household("couple_adult_children", date, arrival)
        family = b.family()
        age = self._age(44, 72)
        man, woman = self._couple(date, since, age, b.ethnic(), family, 0.8)
        for age_k in self._children_ages(age, self._n_children(), max_age=34)[:2]:
            age_k = max(age_k, 18.0)
            dob = self._dob(date, age_k)
            kid = self.child(woman, man, dob, int(b.people.birth_surname[man]), family, dob)
            self._add(kid, h, date, since, risk)
        self._add(man, h, date, since, risk)
        self._add(woman, h, date, since, risk)

    def _lone_adult_children(self, date: int, arrival: bool) -> None:
        b = self.b
        h, since, risk = self._household("lone_adult_children", date, arrival)
        family = b.family()
        ethnic = b.ethnic()
        age = self._age(42, 82)
        parent = self._adult(1, age, date, ethnic, family)
        age_k = max(self._children_ages(age, 1, max_age=45)[0], 18.0)
        dob = self._dob(date, age_k)
        kid = self.child(parent, NONE, dob, int(b.people.surname[parent]), family, dob)
        self._add(kid, h, date, since, risk * 1.3)
        self._add(parent, h, date, since, risk * 1.3)

    def _sharers(self, date: int, arrival: bool) -> None:
        b, rng = self.b, self.rng
        h, since, risk = self._household("sharers", date, arrival)
        for _ in range(int(rng.integers(2, 5))):
            p = self._adult(int(rng.random() < 0.5), self._age(19, 34, 1.2, 2.5), date,
                            b.ethnic(), b.family())
            self._add(p, h, date, since, risk)

    def _multigenerational(self, date: int, arrival: bool) -> None:
        """A young mother and her children living with her own mother."""
        b, rng = self.b, self.rng
        h, since, risk = self._household("multigenerational", date, arrival)
        family = b.family()
        ethnic = b.ethnic()
        gage = self._age(50, 82)
        grandmother = self._adult(1, gage, date, ethnic, family)
        mother_age = max(min(gage - rng.uniform(19, 34), 40.0), 17.0)
        mother = b.person(1, self._dob(date, mother_age), ethnic,
                          int(b.people.surname[grandmother]), family=family, in_date=date,
                          mother=grandmother)
        father = self._absent_father(mother, date, family)
        for age_k in self._children_ages(mother_age, self._n_children()):
            dob = self._dob(date, age_k)
            surname = (int(b.people.surname[father]) if father != NONE and rng.random() < 0.5
                       else int(b.people.surname[mother]))
            kid = self.child(mother, father, dob, surname, family, dob)
            self._add(kid, h, date, since, risk * 1.5)
        for p in (grandmother, mother):
            self._add(p, h, date, since, risk * 1.5)


def populate(b: Builder, target: int, date: int, mix: dict[str, float], arrival: bool) -> None:
    """Add households of the given mix until ``target`` more people live in the borough."""
    maker = HouseholdMaker(b)
    kinds = list(mix)
    cum = list(np.cumsum([mix[k] for k in kinds]) / sum(mix.values()))
    goal = b.resident_count + target
    while b.resident_count < goal:
        kind = kinds[min(bisect.bisect_right(cum, b.rng.random()), len(kinds) - 1)]
        when = date + int(b.rng.integers(0, 28)) if arrival else date
        maker.make(kind, when, arrival)
