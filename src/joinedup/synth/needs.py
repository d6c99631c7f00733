"""Needs behind the services: domestic abuse, mental health, substance misuse, disability and
children's behaviour, drawn from each person's (family-level) vulnerability.

The same flags drive social care factors, police incidents, housing arrears, school absence and
exclusions, so services cluster around the same families, as they do in real life.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from joinedup.synth.population import (
    ALCOHOL,
    CHILD_BEHAVIOUR,
    CHILD_DISABILITY,
    DA_PERPETRATOR,
    DA_VICTIM,
    LEARNING_DISABILITY,
    MENTAL_HEALTH,
    PHYSICAL_DISABILITY,
    SUBSTANCE,
    Borough,
)

YEAR = 365.25


def relative_risk(b: Borough) -> NDArray[np.float64]:
    risk = b.people.risk[: b.people.n].astype(np.float64)
    return risk / float(np.median(risk))


def assign_needs(b: Borough, rng: np.random.Generator) -> None:
    p = b.people
    n = p.n
    r = relative_risk(b)
    age = (b.as_of - p.dob[:n]) / YEAR
    adult = age >= 19
    young = age < 26
    female = p.sex[:n] == 1
    flags = np.zeros(n, dtype=np.int32)

    def draw(mask: NDArray[np.bool_], prob: NDArray[np.float64], flag: int) -> None:
        hit = mask & (rng.random(n) < np.clip(prob, 0.0, 0.6))
        flags[hit] |= flag

    draw(adult & female, 0.035 * r**0.8, DA_VICTIM)
    draw(adult & ~female, 0.022 * r**0.8, DA_PERPETRATOR)
    draw(adult, 0.10 * r**0.5, MENTAL_HEALTH)
    draw(adult, 0.02 * r, SUBSTANCE)
    draw(adult, 0.03 * r**0.7, ALCOHOL)
    draw(adult, 0.012 * r**0.3, LEARNING_DISABILITY)
    draw(adult, np.where(age > 70, 0.15, 0.03), PHYSICAL_DISABILITY)
    draw(young, 0.045 * r**0.2, CHILD_DISABILITY)
    draw(young & (age > 7), 0.05 * r**0.7, CHILD_BEHAVIOUR)
    # Abuse is within relationships: most victims' partners (past or present) are perpetrators.
    pa = np.asarray(b.partnerships.a, dtype=np.int64)
    pb = np.asarray(b.partnerships.b, dtype=np.int64)
    if len(pa):
        for x, y in ((pa, pb), (pb, pa)):
            victim = (flags[x] & DA_VICTIM) > 0
            male = p.sex[y] == 0
            pick = victim & male & (rng.random(len(x)) < 0.7)
            flags[y[pick]] |= DA_PERPETRATOR
    p.flags[:n] = flags
