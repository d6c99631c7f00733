"""Making people: adults, partners and children with the naming conventions of each
community, and the relations between them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from joinedup.evaluation.adversarial import names_data as nd
from joinedup.evaluation.adversarial import naming, nhs
from joinedup.evaluation.adversarial.people import REFERENCE_DATE, Household, Person
from joinedup.evaluation.adversarial.places import Address, Borough
from joinedup.evaluation.adversarial.variants import TWIN_PAIRS_MIXED, TWIN_PAIRS_SAME

# Communities where many adults born abroad carry a recorded birthday of 1 January.
_JAN_FIRST = ("south_asian_muslim", "somali", "black_african")
_WIFE_TAKES_NAME = {"white_british": 0.9, "black_caribbean": 0.85, "hindu": 0.9,
                    "black_african": 0.75, "eastern_european": 1.0}


class Builder:
    """Accumulates people, households and relations; every choice comes from one rng."""

    def __init__(self, rng: random.Random, borough: Borough) -> None:
        self.rng = rng
        self.borough = borough
        self.people: list[Person] = []
        self.households: list[Household] = []
        self.relations: dict[tuple[str, str], str] = {}
        self.leavers: list[Person] = []  # grown-up children who left home, not yet housed
        self._nhs: set[str] = set()
        self._ids = 0
        self._namesakes: dict[tuple[str, str], list[Person]] = {}

    # -- bookkeeping -------------------------------------------------------------------
    def household(self, kind: str, home: Address, social: bool = False) -> Household:
        hh = Household(f"H{len(self.households) + 1:06d}", kind, home, social_housing=social)
        self.households.append(hh)
        return hh

    def join(self, hh: Household, person: Person, home: Address | None = None) -> None:
        person.household_id = hh.household_id
        person.home = home or hh.home
        person.social_housing = hh.social_housing
        hh.members.append(person)

    def relate(self, a: Person, b: Person, kind: str) -> None:
        key, reverse = (a.person_id, b.person_id), (b.person_id, a.person_id)
        if reverse not in self.relations:
            self.relations.setdefault(key, kind)

    def dob(self, age: int, community: str) -> date:
        """A birthday giving `age` on the reference date (1 January for some born abroad)."""
        latest = date(REFERENCE_DATE.year - age, REFERENCE_DATE.month, REFERENCE_DATE.day)
        born = latest - timedelta(days=self.rng.randrange(365))
        if community in _JAN_FIRST and age >= 35 and self.rng.random() < 0.12:
            return date(born.year, 1, 1)
        return born

    def _new(self, hh: Household | None, community: str, sex: str, born: date, first: str,
             surname: str, **extra: object) -> Person:
        self._ids += 1
        person = Person(
            person_id=f"P{self._ids:07d}", household_id="", community=community,
            sex=sex, dob=born, first=first, surname=surname,
            nhs_number=nhs.new_number(self.rng, self._nhs),
            home=hh.home if hh else Address(0, "", ""), **extra,  # type: ignore[arg-type]
        )
        self.people.append(person)
        if hh is not None:
            self.join(hh, person)
        return person

    # -- adults --------------------------------------------------------------------------
    def adult(self, hh: Household | None, community: str, sex: str, age: int) -> Person:
        """An adult heading a new family line (own surname, no relatives in the data)."""
        rng = self.rng
        born = self.dob(age, community)
        first, calling, middle = naming.given_names(rng, community, sex, born.year)
        surname = naming.family_surname(rng, community)
        extra: dict[str, object] = {"calling": calling, "middle": middle}
        if community == "sikh":
            title = "Singh" if sex == "M" else "Kaur"
            if rng.random() < 0.35:
                surname = title
            else:
                extra["alt_surname"] = title
        elif community == "somali":
            father = naming.common(rng, nd.SOMALI_MALE)
            extra.update(middle=(father,), alt_surname=father)
        elif community == "eastern_european" and sex == "F":
            surname = naming.feminine(surname, married=False)
        elif community == "south_asian_muslim" and sex == "F" and rng.random() < 0.15:
            extra["alt_surname"] = naming.woman_title(rng)
        elif community == "chinese" and rng.random() < 0.35:
            extra["english_name"] = naming.english_name(rng, sex)
        key = (community, sex)
        earlier = self._namesakes.setdefault(key, [])
        if earlier and rng.random() < 0.015:
            # A namesake: same name as someone unrelated, often born the same year (the age
            # asked for stands, so families stay consistent).
            peers = [p for p in earlier if abs(p.dob.year - born.year) <= 1]
            other = rng.choice(peers) if peers and rng.random() < 0.7 else rng.choice(earlier)
            first, surname = other.first, other.surname
            extra.update(calling=other.calling, alt_surname=other.alt_surname)
            if other.dob.year == born.year and rng.random() < 0.1:
                born = other.dob
        person = self._new(hh, community, sex, born, first, surname, **extra)
        earlier.append(person)
        return person

    def partner(self, hh: Household, man: Person, age: int, married: bool) -> Person:
        """A woman living with `man`; if married, her surname follows her community."""
        rng = self.rng
        community = man.community if rng.random() < 0.9 else rng.choice(list(nd.COMMUNITIES))
        woman = self.adult(hh, community, "F", age)
        own = woman.surname
        if married and community == "south_asian_muslim":
            r = rng.random()
            if r < 0.45:
                woman.surname, woman.former_surname = man.surname, own
            elif r < 0.8:
                woman.surname, woman.alt_surname, woman.former_surname = (
                    naming.woman_title(rng), man.surname, own)
            else:
                woman.alt_surname = naming.woman_title(rng)
        elif married and community == "sikh":
            if man.alt_surname == "Singh":  # he has a family name; she takes it, with Kaur
                woman.surname, woman.alt_surname = man.surname, "Kaur"
                woman.former_surname = own if own != "Kaur" else None
        elif married and community == "eastern_european":
            woman.surname = naming.feminine(man.surname, married=True)
            woman.former_surname = own
        elif married and rng.random() < _WIFE_TAKES_NAME.get(community, 0.0):
            woman.surname = man.surname if rng.random() < 0.95 else f"{own}-{man.surname}"
            woman.former_surname = own
        self.relate(man, woman, "partner")
        return woman

    # -- children ------------------------------------------------------------------------
    def child(self, hh: Household | None, community: str, sex: str, born: date,
              father: Person | None, surname: str, junior: bool = False) -> Person:
        rng = self.rng
        first, calling, middle = naming.given_names(rng, community, sex, born.year)
        extra: dict[str, object] = {"calling": calling, "middle": middle}
        if junior and father is not None:
            first, extra["calling"] = father.first, father.calling
            if rng.random() < 0.5:
                extra["middle"] = father.middle
        if community == "sikh":
            title = "Singh" if sex == "M" else "Kaur"
            if surname in ("Singh", "Kaur"):
                surname = title
            else:
                extra["alt_surname"] = title
        elif community == "somali" and father is not None and father.community == "somali":
            surname = father.middle[0] if father.middle else father.surname
            extra.update(middle=(father.first,), alt_surname=father.first)
        elif community == "somali":
            extra.update(middle=(surname,), alt_surname=surname)
        elif community == "eastern_european" and sex == "F":
            surname = naming.feminine(surname, married=False)
        elif community == "chinese" and REFERENCE_DATE.year - born.year > 16 and \
                rng.random() < 0.3:
            extra["english_name"] = naming.english_name(rng, sex)
        return self._new(hh, community, sex, born, first, surname, **extra)

    def children(self, hh: Household, mother: Person, father: Person | None,
                 parents: list[Person], surname: str) -> list[Person]:
        """Mother's children, eldest first; grown-up ones may have left home (`leavers`)."""
        rng = self.rng
        community = mother.community if father is None else father.community
        big = community in ("south_asian_muslim", "black_african", "somali")
        count = rng.choices((1, 2, 3, 4, 5, 6), weights=(
            (15, 25, 25, 18, 10, 7) if big else (35, 40, 17, 6, 1, 1)))[0]
        kids: list[Person] = []
        at_birth = rng.uniform(18, 33)
        junior_done = False
        for _ in range(count):
            age = mother.age - int(at_birth)
            if age < 0 or at_birth > 45:
                break
            if father is not None and father.age - age < 18:
                at_birth += 1
                continue
            born = self.dob(age, "")
            twins = 2 if rng.random() < 0.045 else 1
            births = []
            for _ in range(twins):
                sex = rng.choice("MF")
                junior = (father is not None and sex == "M" and not junior_done
                          and 20 <= father.age - age <= 45
                          and rng.random() < (0.12 if community != "south_asian_muslim"
                                              else 0.05))
                junior_done = junior_done or junior
                kid = self.child(None, community, sex, born, father, surname, junior)
                kids.append(kid)
                births.append(kid)
            if twins == 2:
                self._twin_names(births[0], births[1])
            at_birth += rng.uniform(1, 5)
        for kid in kids:
            stays = 1.0 if kid.age < 18 else (0.8 if kid.age < 22 else 0.45 if kid.age < 26
                                              else 0.2) + (0.2 if big else 0.0)
            if rng.random() < stays:
                self.join(hh, kid)
            else:
                kid.previous_home = hh.home
                self.leavers.append(kid)
        self.family_ties(parents, kids)
        return kids

    def _twin_names(self, a: Person, b: Person) -> None:
        """Half of twins get names that sound alike (Ella/Bella, Hassan/Hussain)."""
        rng = self.rng
        if rng.random() >= 0.5 or a.calling or b.calling:
            while (a.first, a.calling) == (b.first, b.calling):
                b.first, b.calling, _ = naming.given_names(rng, b.community, b.sex, b.dob.year)
            return
        known = naming.community_names(a.community)
        if a.sex == b.sex:
            pairs = [p for p in TWIN_PAIRS_SAME[a.sex] if p[0] in known or p[1] in known]
            if pairs:
                a.first, b.first = rng.choice(pairs)
        else:
            boy, girl = (a, b) if a.sex == "M" else (b, a)
            pairs = [p for p in TWIN_PAIRS_MIXED if p[0] in known or p[1] in known]
            if pairs:
                boy.first, girl.first = rng.choice(pairs)
        while (a.first, a.calling) == (b.first, b.calling):
            b.first, b.calling, _ = naming.given_names(rng, b.community, b.sex, b.dob.year)

    def family_ties(self, parents: list[Person], kids: list[Person]) -> None:
        for parent in parents:
            for kid in kids:
                same = kid.first == parent.first and kid.surname == parent.surname \
                    and kid.sex == parent.sex
                self.relate(parent, kid, "parent_junior" if same else "parent_child")
        for i, a in enumerate(kids):
            for b in kids[i + 1:]:
                self.relate(a, b, "twin" if a.dob == b.dob else "sibling")

