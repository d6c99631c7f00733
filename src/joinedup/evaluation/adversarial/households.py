"""A borough's population in households: families of every shape, people living alone,
sharers, houses in multiple occupation (HMOs), student flats and care homes."""

from __future__ import annotations

import random
from dataclasses import replace

from joinedup.evaluation.adversarial import names_data as nd
from joinedup.evaluation.adversarial import naming
from joinedup.evaluation.adversarial.family import Builder
from joinedup.evaluation.adversarial.people import Household, Person, Population
from joinedup.evaluation.adversarial.places import Borough

_SOUTH_ASIAN = ("south_asian_muslim", "sikh", "hindu")
# Household kinds and their weights, for most communities and for South Asian ones.
_KINDS = ("couple_children", "single_parent", "three_generation", "couple", "single",
          "elderly", "sharers", "hmo", "students")
_WEIGHTS = (0.21, 0.08, 0.015, 0.18, 0.19, 0.15, 0.03, 0.015, 0.012)
_WEIGHTS_SA = (0.36, 0.04, 0.16, 0.10, 0.08, 0.08, 0.02, 0.015, 0.012)
_SOCIAL = {"couple_children": 0.25, "single_parent": 0.55, "three_generation": 0.25,
           "couple": 0.18, "single": 0.35, "elderly": 0.3, "sharers": 0.08}


def _community(rng: random.Random) -> str:
    return rng.choices(list(nd.COMMUNITIES), weights=list(nd.COMMUNITIES.values()))[0]


class Households:
    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.rng = builder.rng

    def new(self, kind: str) -> Household:
        social = self.rng.random() < _SOCIAL.get(kind, 0.0)
        return self.b.household(kind, self.b.borough.home(), social)

    def moved(self, hh: Household) -> None:
        """A quarter of households moved here; older records may show the old home."""
        if self.rng.random() < 0.25:
            old = self.b.borough.home()
            for person in hh.members:
                if person.age >= 2 and person.previous_home is None:
                    person.previous_home = old

    def _leaver(self, low: int, high: int) -> Person | None:
        """A grown-up child who left home, if one of the right age is waiting."""
        for i, person in enumerate(self.b.leavers):
            if low <= person.age <= high:
                return self.b.leavers.pop(i)
        return None

    def _adult(self, hh: Household, community: str, sex: str, age: int) -> Person:
        leaver = self._leaver(age - 4, age + 4) if self.rng.random() < 0.5 else None
        if leaver is not None and leaver.sex == sex:
            self.b.join(hh, leaver)
            return leaver
        if leaver is not None:
            self.b.leavers.append(leaver)
        return self.b.adult(hh, community, sex, age)

    # -- families ------------------------------------------------------------------------
    def couple_children(self, community: str) -> None:
        rng, b = self.rng, self.b
        hh = self.new("couple_children")
        mother_age = int(rng.triangular(22, 62, 36))
        father = self._adult(hh, community, "M", mother_age + rng.randint(-2, 7))
        married = rng.random() < (0.55 if community in ("white_british", "black_caribbean")
                                  else 0.92)
        mother = b.partner(hh, father, mother_age, married)
        surname = father.surname
        if not married and rng.random() < 0.3:
            surname = mother.surname if rng.random() < 0.65 else \
                f"{mother.surname}-{father.surname}"
        b.children(hh, mother, father, [father, mother], surname)
        self.moved(hh)

    def single_parent(self, community: str) -> None:
        rng, b = self.rng, self.b
        hh = self.new("single_parent")
        sex = "F" if rng.random() < 0.88 else "M"
        parent = self._adult(hh, community, sex, int(rng.triangular(19, 55, 33)))
        surname = parent.surname
        if sex == "F" and rng.random() < 0.5:  # the children carry their father's name
            surname = naming.family_surname(rng, community)
            if rng.random() < 0.4:  # she was married to him and has gone back to her name
                parent.former_surname = surname
        b.children(hh, parent, parent if sex == "M" else None, [parent], surname)
        self.moved(hh)

    def three_generation(self, community: str) -> None:
        """Grandparents, their son (or daughter) and his wife, and grandchildren."""
        rng, b = self.rng, self.b
        hh = self.new("three_generation")
        granny_age = rng.randint(58, 88)
        grandad = b.adult(hh, community, "M", granny_age + rng.randint(0, 6))
        granny = b.partner(hh, grandad, granny_age, True)
        elders = [grandad, granny]
        if rng.random() < 0.3:  # widowed
            gone = elders.pop(rng.randrange(2))
            hh.members.remove(gone)
            b.people.remove(gone)
            b.relations.pop((grandad.person_id, granny.person_id), None)
        middle_age = granny_age - rng.randint(20, 36)
        son_line = community in _SOUTH_ASIAN or rng.random() < 0.5
        junior = son_line and rng.random() < 0.1
        middle = b.child(hh, community, "M" if son_line else "F", b.dob(middle_age, community),
                         grandad if grandad in hh.members else None, grandad.surname, junior)
        if middle.sex == "M":
            mother = b.partner(hh, middle, middle_age - rng.randint(0, 5), True)
            father: Person | None = middle
            parents = [middle, mother]
        else:
            mother, father, parents = middle, None, [middle]
        b.family_ties(elders, [middle])
        if rng.random() < 0.25:  # an unmarried brother or sister still at home
            sibling = b.child(hh, community, rng.choice("MF"),
                              b.dob(max(18, middle_age - rng.randint(-6, 6)), community),
                              grandad, grandad.surname)
            b.family_ties(elders, [sibling])
            b.relate(middle, sibling, "sibling")
        surname = father.surname if father else (
            mother.surname if rng.random() < 0.6 else naming.family_surname(rng, community))
        kids = b.children(hh, mother, father, parents, surname)
        for elder in elders:
            for kid in kids:
                b.relate(elder, kid, "grandparent")
        self.moved(hh)

    def couple(self, community: str, elderly: bool) -> None:
        rng, b = self.rng, self.b
        hh = self.new("elderly" if elderly else "couple")
        age = rng.randint(66, 95) if elderly else int(rng.triangular(20, 70, 30))
        man = self._adult(hh, community, "M", age + rng.randint(-1, 5)) if not elderly else \
            b.adult(hh, community, "M", age + rng.randint(-1, 5))
        b.partner(hh, man, age, rng.random() < (0.85 if elderly else 0.5))
        self.moved(hh)

    def single(self, community: str, elderly: bool) -> None:
        rng = self.rng
        hh = self.new("elderly" if elderly else "single")
        sex = ("F" if rng.random() < 0.68 else "M") if elderly else rng.choice("MF")
        age = rng.randint(66, 99) if elderly else int(rng.triangular(18, 65, 28))
        if elderly:
            person = self.b.adult(hh, community, sex, age)
            if sex == "F" and rng.random() < 0.8 and community not in ("somali", "chinese"):
                person.former_surname = naming.maiden_name(rng, community)
        else:
            self._adult(hh, community, sex, age)
        self.moved(hh)

    # -- unrelated people at one address -------------------------------------------------
    def _residents(self, hh: Household, count: int, low: int, high: int, male: float,
                   rooms: bool) -> None:
        rng = self.rng
        for n in range(count):
            community = _community(rng) if rng.random() < 0.6 else rng.choice(
                ("eastern_european", "black_african", "south_asian_muslim", "somali"))
            sex = "M" if rng.random() < male else "F"
            person = self._adult(hh, community, sex, rng.randint(low, high))
            if rooms and rng.random() < 0.5:
                person.home = replace(hh.home, flat=f"Room {n + 1}")
            person.communal = hh.kind if hh.kind != "sharers" else None
        self.unrelated(hh.members)

    def unrelated(self, members: list[Person]) -> None:
        for i, a in enumerate(members):
            for c in members[i + 1:]:
                self.b.relate(a, c, "cohabitant_unrelated")

    def sharers(self) -> None:
        hh = self.new("sharers")
        self._residents(hh, self.rng.randint(2, 4), 21, 40, 0.5, rooms=False)

    def hmo(self) -> None:
        hh = self.new("hmo")
        self._residents(hh, self.rng.randint(4, 9), 19, 58, 0.72, rooms=True)

    def students(self, hall: int) -> None:
        rng, b = self.rng, self.b
        home = replace(b.borough.hall(hall), flat=f"Flat {rng.randint(1, 40)}")
        hh = b.household("students", home)
        self._residents(hh, rng.randint(4, 8), 18, 23, 0.5, rooms=False)
        for person in hh.members:
            if person.previous_home is None and rng.random() < 0.7:
                person.previous_home = b.borough.home()  # the family home they came from

    def care_home(self) -> None:
        rng, b = self.rng, self.b
        hh = b.household("care_home", b.borough.care_home())
        for _ in range(rng.randint(22, 45)):
            community = "white_british" if rng.random() < 0.8 else _community(rng)
            person = b.adult(hh, community, "F" if rng.random() < 0.7 else "M",
                             rng.randint(72, 101))
            person.communal = "care_home"
            if rng.random() < 0.5:
                person.previous_home = b.borough.home()
            if person.sex == "F" and rng.random() < 0.8 and community == "white_british":
                person.former_surname = naming.maiden_name(rng, community)
        self.unrelated(hh.members)


def build_population(rng: random.Random, people: int) -> Population:
    """Households until there are at least `people` people (care homes first)."""
    borough = Borough(rng, max(10, people // 2))
    builder = Builder(rng, borough)
    make = Households(builder)
    for _ in range(max(1, round(people / 5000))):
        make.care_home()
    halls = 0
    while len(builder.people) - len(builder.leavers) < people:
        community = _community(rng)
        weights = _WEIGHTS_SA if community in _SOUTH_ASIAN else _WEIGHTS
        kind = rng.choices(_KINDS, weights=weights)[0]
        if kind in ("couple_children", "single_parent", "three_generation"):
            getattr(make, kind)(community)
        elif kind in ("couple", "single"):
            getattr(make, kind)(community, False)
        elif kind == "elderly":
            (make.couple if rng.random() < 0.4 else make.single)(community, True)
        elif kind == "students":
            make.students(halls // 5)
            halls += 1
        else:
            getattr(make, kind)()
    while builder.leavers:  # everyone left over from the family homes lives alone
        leaver = builder.leavers.pop()
        builder.join(make.new("single"), leaver)
    return Population(builder.people, builder.households, builder.relations)
