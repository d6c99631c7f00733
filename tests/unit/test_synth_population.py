"""The simulated people: a small borough on synthetic geography (no reference data)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from joinedup.synth.geography import synthetic_geography
from joinedup.synth.population import NEVER, Borough
from joinedup.synth.timeline import YEAR, Timeline
from joinedup.synth.world import simulate


@pytest.fixture(scope="module")
def borough() -> Borough:
    b, _ = simulate(3000, synthetic_geography(), dt.date(2026, 10, 31),
                    np.random.default_rng(11))
    return b


def test_population_size_and_ages(borough: Borough) -> None:
    p = borough.people
    n = p.n
    resident = p.hh[:n] >= 0
    assert 2800 <= resident.sum() <= 3200
    age = (borough.as_of - p.dob[:n][resident]) / YEAR
    assert age.min() >= 0
    assert age.max() < 110
    children = (age < 18).mean()
    older = (age >= 65).mean()
    assert 0.15 < children < 0.26  # Stockport: about 22% under 18
    assert 0.12 < older < 0.24  # and about 20% 65 or over


def test_household_sizes(borough: Borough) -> None:
    sizes = np.array([len(m) for m in borough.households.members if m])
    assert 2.0 < sizes.mean() < 2.6
    shares = np.bincount(sizes)[1:] / len(sizes)
    assert 0.25 < shares[0] < 0.42  # one-person households
    assert sizes.max() <= 14


def test_parents_are_old_enough(borough: Borough) -> None:
    p = borough.people
    n = p.n
    for parent_col in (p.mother, p.father):
        kids = np.flatnonzero(parent_col[:n] >= 0)
        gap = (p.dob[kids] - p.dob[parent_col[kids]]) / YEAR
        assert gap.min() > 14
        assert gap.max() < 60


def test_life_events_happen(borough: Borough) -> None:
    p = borough.people
    n = p.n
    window = borough.window_start
    assert ((p.dob[:n] >= window) & ~p.external[:n]).sum() > 150  # births
    assert (p.death[:n] < NEVER).sum() > 100
    assert ((p.out_date[:n] < NEVER) & ~p.external[:n]).sum() > 200  # people leaving
    arrived = (p.in_date[:n] > window) & (p.in_date[:n] != p.dob[:n]) & ~p.external[:n]
    assert arrived.sum() > 200
    ended = np.asarray(borough.partnerships.end) < NEVER
    assert ended.sum() > 30  # separations (and widowhood)
    reasons = set(borough.surname_changes.reason)
    assert {"marriage", "step-family"} <= reasons


def test_residence_spells_never_overlap(borough: Borough) -> None:
    tl = Timeline(borough)
    same = tl.person[1:] == tl.person[:-1]
    assert (tl.start[1:][same] >= tl.end[:-1][same]).all()
    assert (tl.end >= tl.start).all()
    moved = np.unique(tl.person[1:][same & (tl.address[1:] != tl.address[:-1])])
    assert len(moved) > 300  # moves within the borough, with address history


def test_shared_names_within_families(borough: Borough) -> None:
    p = borough.people
    n = p.n
    sons = np.flatnonzero((p.father[:n] >= 0) & (p.sex[:n] == 0))
    juniors = (p.forename[sons] == p.forename[p.father[sons]]).sum()
    assert juniors > 0
