"""The name a system holds for a person: which of their legitimate names and spellings it
took down (no keying errors here; those are `errors`)."""

from __future__ import annotations

import random

from joinedup.evaluation.adversarial.people import Person
from joinedup.evaluation.adversarial.sources import SourceSpec
from joinedup.evaluation.adversarial.variants import NICKNAMES, spellings, strip_accents

_TITLES = ("Begum", "Bibi", "Khatun", "Kaur", "Singh")


def _spelling(rng: random.Random, name: str, chance: float) -> str:
    options = spellings(name)
    return rng.choice(options) if len(options) > 1 and rng.random() < chance else name


def _surname(rng: random.Random, person: Person, stale: bool) -> tuple[str, str | None]:
    """(surname, a title moved into the middle names or None)."""
    if stale and person.former_surname and rng.random() < 0.8:
        return person.former_surname, None
    surname, alt = person.surname, person.alt_surname
    if alt and person.community == "somali":
        # Somali names run given, father's, grandfather's: systems keep either of the last two.
        return (alt, None) if rng.random() < 0.35 else (surname, None)
    if alt and alt in _TITLES:  # Sandhu with Kaur, or Khan with Begum
        r = rng.random()
        if r < 0.3:
            return alt, None
        if r < 0.5:
            return surname, alt
        return surname, None
    if alt and surname in _TITLES:  # "Begum" with her husband's surname elsewhere
        r = rng.random()
        if r < 0.4:
            return alt, None
        if r < 0.55:
            return alt, surname
        return surname, None
    if "-" in surname:
        first_part, _, second_part = surname.partition("-")
        r = rng.random()
        if r < 0.25:
            return f"{first_part} {second_part}", None
        if r < 0.4:
            return second_part, None
        if r < 0.48:
            return first_part, None
    return surname, None


def _given(rng: random.Random, person: Person, spec: SourceSpec) -> tuple[str, str | None]:
    """(first name field, a calling name moved into the middle names or None)."""
    first, calling = person.first, person.calling
    if calling:  # "Mohammed Bilal": systems split, join or drop the prefix
        r = rng.random()
        if r < 0.35:
            return first, calling
        if r < 0.6:
            return f"{first} {calling}", None
        if r < 0.88:
            return calling, None
        return first, None
    if person.english_name:
        r = rng.random()
        if r < 0.35:
            return person.english_name, None
        if r < 0.5:
            return f"{person.english_name} {first}", None
    if " " in first and rng.random() < 0.4:  # "Ka Wai" / "Kawai" / "Ka-Wai"
        glue = rng.choice(("", "-"))
        first = first.replace(" ", glue)
        first = first[0] + first[1:].lower() if glue == "" else first
    if person.age >= 12 and first in NICKNAMES and rng.random() < spec.nickname:
        return rng.choice(NICKNAMES[first]), None
    return first, None


def names(rng: random.Random, person: Person, spec: SourceSpec, stale: bool,
          ) -> tuple[str, str | None, str]:
    """(first_name, middle_names, surname) as this system holds them."""
    first, moved_calling = _given(rng, person, spec)
    surname, moved_title = _surname(rng, person, stale)
    middles = list(person.middle) if rng.random() < spec.middle else []
    if person.community == "somali" and surname in person.middle:
        middles = []
    if moved_calling:
        middles.insert(0, moved_calling)
    if moved_title:
        middles.append(moved_title)
    loose = 0.35 if spec.name in ("police", "vcse", "early_help", "housing") else 0.15
    first = " ".join(_spelling(rng, part, loose) for part in first.split(" "))
    surname = _spelling(rng, surname, loose)
    middles = [_spelling(rng, m, loose) for m in middles]
    if person.community == "eastern_european" and rng.random() < 0.75:
        first, surname = strip_accents(first), strip_accents(surname)
        middles = [strip_accents(m) for m in middles]
    if middles and rng.random() < 0.15:
        middles = [m[0] for m in middles]
    middle = " ".join(middles) or None
    if spec.initial_only and rng.random() < spec.initial_only:
        first, middle = first[0], None
    swap = 0.1 if person.community == "chinese" else 0.008 * spec.quality
    if rng.random() < swap:
        first, surname = surname, first
    return first, middle, surname
