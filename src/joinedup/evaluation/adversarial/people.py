"""People and households as they truly are (records about them are rendered later)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from joinedup.evaluation.adversarial.places import Address

# Everyone's age and every record's "now" is measured on this day, so a seed gives one set.
REFERENCE_DATE = date(2025, 3, 31)

HOUSEHOLD_KINDS = (
    "couple_children", "single_parent", "three_generation", "couple", "single", "elderly",
    "sharers", "hmo", "students", "care_home",
)


@dataclass
class Person:
    """One true person.

    `first` is the legal first name; Muslim boys named "Mohammed Bilal" have first
    "Mohammed" and `calling` "Bilal" (the name they go by). `surname` is the current legal
    surname; `former_surname` an earlier one (maiden name, or a married name she
    has since dropped); `alt_surname` a surname some systems
    use instead: a woman's "Begum"/"Bibi" title or her husband's name, a Sikh family name or
    Kaur/Singh, a Somali father's name. `english_name` is a Chinese adult's chosen English
    given name.
    """

    person_id: str
    household_id: str
    community: str
    sex: str
    dob: date
    first: str
    surname: str
    nhs_number: str
    home: Address
    calling: str | None = None
    middle: tuple[str, ...] = ()
    former_surname: str | None = None
    alt_surname: str | None = None
    english_name: str | None = None
    previous_home: Address | None = None
    communal: str | None = None  # "care_home", "hmo", "students" for communal residents
    social_housing: bool = False

    @property
    def age(self) -> int:
        d, r = self.dob, REFERENCE_DATE
        return r.year - d.year - ((r.month, r.day) < (d.month, d.day))


@dataclass
class Household:
    household_id: str
    kind: str
    home: Address
    members: list[Person] = field(default_factory=list)
    social_housing: bool = False

    def adults(self) -> list[Person]:
        return [p for p in self.members if p.age >= 18]

    def children(self) -> list[Person]:
        return [p for p in self.members if p.age < 18]


@dataclass
class Population:
    people: list[Person]
    households: list[Household]
    relations: dict[tuple[str, str], str]  # (person_a, person_b) -> kind
