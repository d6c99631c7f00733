"""The systems records come from, what each holds, and who is in each.

Coverage follows service reality: schools hold children, council tax the liable adults,
housing the tenants of social homes, adult social care the old and care home residents;
children's social care and early help take whole families at once, which puts siblings,
twins and parents side by side in one system.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from joinedup.evaluation.adversarial.people import Household, Person, Population


@dataclass(frozen=True)
class SourceSpec:
    """How one system records people. Rates are shares of its records."""

    name: str
    id_format: str          # source_record_id pattern, filled with a running number
    dob_style: str          # "iso", "dmy" or "mixed"
    nhs: float              # NHS number present
    dob_missing: float
    sex_missing: float
    address_missing: float
    postcode_missing: float
    quality: float          # multiplies every error rate
    stale: float            # record from before a move or a marriage
    duplicate: float        # a second record for the same person in this system
    nickname: float
    middle: float           # middle names kept
    case: str = "title"     # "title" (as typed) or "upper"
    initial_only: float = 0.0
    alias: float = 0.0      # duplicates under another name (police)
    abbreviate: float = 0.3
    town: bool = False


SOURCES: dict[str, SourceSpec] = {s.name: s for s in (
    SourceSpec("gp", "G{:07d}", "iso", 0.90, 0.0, 0.01, 0.01, 0.01, 0.5, 0.25, 0.0, 0.03,
               0.8, town=True),
    SourceSpec("school", "U{:012d}", "dmy", 0.0, 0.0, 0.0, 0.02, 0.02, 0.4, 0.15, 0.03, 0.0,
               0.5),
    SourceSpec("childrens_social_care", "CSC{:06d}", "iso", 0.40, 0.04, 0.03, 0.05, 0.05,
               1.0, 0.35, 0.25, 0.05, 0.3),
    SourceSpec("adult_social_care", "ASC{:06d}", "iso", 0.55, 0.03, 0.02, 0.04, 0.04, 0.9,
               0.3, 0.2, 0.08, 0.4, town=True),
    SourceSpec("housing", "HSG-{:06d}", "dmy", 0.0, 0.4, 0.3, 0.01, 0.02, 1.0, 0.3, 0.04,
               0.1, 0.2, abbreviate=0.6),
    SourceSpec("police", "PN{:08d}", "dmy", 0.0, 0.08, 0.02, 0.25, 0.25, 1.6, 0.4, 0.3, 0.15,
               0.3, case="upper", alias=0.4),
    SourceSpec("council_tax", "CT{:08d}", "dmy", 0.0, 0.9, 0.85, 0.0, 0.0, 1.0, 0.5, 0.03,
               0.12, 0.1, case="upper", initial_only=0.2, abbreviate=0.5),
    SourceSpec("early_help", "EH{:05d}", "mixed", 0.08, 0.12, 0.1, 0.3, 0.12, 1.3, 0.3, 0.06,
               0.1, 0.1),
    SourceSpec("vcse", "V{:05d}", "dmy", 0.0, 0.5, 0.3, 0.6, 0.25, 1.8, 0.3, 0.05, 0.3, 0.05,
               abbreviate=0.5),
)}


@dataclass(frozen=True)
class Request:
    """One record to render: whose, in which system, and whether it shows an older state."""

    person: Person
    source: str
    stale: bool


def _police_chance(person: Person) -> float:
    if not 10 <= person.age <= 75:
        return 0.0
    young = 15 <= person.age <= 35
    chance = (0.2 if young else 0.05) if person.sex == "M" else (0.07 if young else 0.02)
    return chance * (1.5 if person.communal == "hmo" else 1.0)


def _asc_chance(person: Person) -> float:
    if person.communal == "care_home":
        return 0.95
    age = person.age
    return 0.55 if age >= 85 else 0.35 if age >= 75 else 0.12 if age >= 65 else \
        0.025 if age >= 18 else 0.0


def _liable(rng: random.Random, hh: Household) -> list[Person]:
    """Adults named on the council tax bill: the householder and usually their partner."""
    adults = sorted(hh.adults(), key=lambda p: -p.age)
    if not adults or hh.kind in ("hmo", "students", "care_home"):
        return []
    if hh.kind == "sharers":
        return [a for a in adults if rng.random() < 0.7]
    named = [adults[0]]
    named += [a for a in adults[1:3] if rng.random() < 0.7]
    return named


def requests(rng: random.Random, population: Population) -> list[Request]:
    """Every record the systems hold, in household order."""
    out: list[Request] = []

    def add(person: Person, source: str) -> None:
        spec = SOURCES[source]
        out.append(Request(person, source, rng.random() < spec.stale))
        if rng.random() < spec.duplicate:
            out.append(Request(person, source, rng.random() < 0.5))

    for hh in population.households:
        kids = hh.children()
        gp = {"care_home": 0.95, "students": 0.4}.get(hh.kind, 0.84)
        in_gp = rng.random() < gp
        family = kids and rng.random() < (0.25 if hh.kind == "single_parent" else 0.12)
        helped = kids and rng.random() < (0.25 if hh.kind == "single_parent" else 0.14)
        applicant = hh.kind not in ("care_home", "students") and rng.random() < 0.15
        for person in hh.members:
            child = person.age < 18
            if in_gp and rng.random() < 0.96:
                add(person, "gp")
            if 4 <= person.age <= 18 and rng.random() < (0.95 if person.age < 16 else 0.75):
                add(person, "school")
                if person.previous_home and person.age >= 7 and rng.random() < 0.3:
                    out.append(Request(person, "school", True))  # at the school they left
            elif 19 <= person.age <= 21 and person.previous_home and rng.random() < 0.4:
                out.append(Request(person, "school", True))
            if family and rng.random() < (0.95 if child else 0.6 if person.age < 60 else 0.3):
                add(person, "childrens_social_care")
            if helped and rng.random() < (0.9 if child else 0.7):
                add(person, "early_help")
            if rng.random() < _asc_chance(person):
                add(person, "adult_social_care")
            if rng.random() < _police_chance(person):
                add(person, "police")
            if rng.random() < (0.16 if person.age >= 65 else 0.12):
                add(person, "vcse")
            if (hh.social_housing or applicant) and rng.random() < (0.35 if child else 0.9):
                add(person, "housing")
            if not child and person.previous_home and rng.random() < 0.2:
                out.append(Request(person, "housing", True))  # an old tenancy
        for person in _liable(rng, hh):
            add(person, "council_tax")
            if person.previous_home and rng.random() < 0.7:
                out.append(Request(person, "council_tax", True))  # the account they left
    return out
