"""Factors identified at the end of assessment, in the CIN census codes.

Each factor's share of assessments follows the calibration year's DfE mix; which assessments
get it follows the family's needs (domestic abuse, parental mental health, substance misuse,
disability, the child's behaviour), so factors agree with the other services' records.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from joinedup.synth.calibration import Calibration
from joinedup.synth.csc_truth import CscTruth
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

BOOST = 6.0
_PARENT: dict[str, int] = {
    "3A": DA_VICTIM | DA_PERPETRATOR, "3B": DA_VICTIM | DA_PERPETRATOR,
    "3C": DA_VICTIM | DA_PERPETRATOR, "17A": DA_VICTIM | DA_PERPETRATOR,
    "1B": ALCOHOL, "2B": SUBSTANCE, "4B": MENTAL_HEALTH, "5B": LEARNING_DISABILITY,
    "6B": PHYSICAL_DISABILITY, "7A": MENTAL_HEALTH | PHYSICAL_DISABILITY,
}
_CHILD: dict[str, int] = {
    "5A": CHILD_DISABILITY, "6A": CHILD_DISABILITY, "4A": CHILD_BEHAVIOUR,
    "10A": CHILD_BEHAVIOUR, "11A": CHILD_BEHAVIOUR, "13A": CHILD_BEHAVIOUR,
    "14A": CHILD_BEHAVIOUR, "15A": CHILD_BEHAVIOUR, "24A": CHILD_BEHAVIOUR,
    "1A": CHILD_BEHAVIOUR, "2A": CHILD_BEHAVIOUR,
}


def assign_factors(truth: CscTruth, borough: Borough, calibration: Calibration,
                   rng: np.random.Generator) -> None:
    n = len(truth.as_ep)
    if n == 0:
        return
    p = borough.people
    child = np.asarray(truth.ep_child, dtype=np.int64)[np.asarray(truth.as_ep, dtype=np.int64)]
    auth = np.asarray(truth.as_auth, dtype=np.int64)
    flags = p.flags[child]
    mother, father = p.mother[child], p.father[child]
    parents = (np.where(mother >= 0, p.flags[np.maximum(mother, 0)], 0)
               | np.where(father >= 0, p.flags[np.maximum(father, 0)], 0))
    years = np.array([calibration.year_of(int(d)) for d in auth])
    codes = sorted(calibration.for_year(int(years.max())).factor_prob)
    chosen = np.zeros((n, len(codes)), dtype=bool)
    weights = np.zeros((n, len(codes)))
    for j, code in enumerate(codes):
        base = np.array([calibration.for_year(int(y)).factor_prob.get(code, 0.0)
                         for y in range(int(years.min()), int(years.max()) + 1)])
        prob = base[years - int(years.min())]
        indicator: NDArray[np.bool_] = np.zeros(n, dtype=bool)
        if code in _PARENT:
            indicator = (parents & _PARENT[code]) > 0
        elif code in _CHILD:
            indicator = (flags & _CHILD[code]) > 0
        mult = np.where(indicator, BOOST, 1.0)
        mult = mult / max(float(mult.mean()), 1e-9)
        weights[:, j] = prob * mult
        chosen[:, j] = rng.random(n) < np.clip(prob * mult, 0, 0.95)
    empty = ~chosen.any(axis=1)
    for i in np.flatnonzero(empty):
        w = weights[i] / weights[i].sum()
        chosen[i, int(rng.choice(len(codes), p=w))] = True
    names = np.array(codes, dtype=object)
    truth.as_factors = [",".join(names[row]) for row in chosen]
