from __future__ import annotations

import numpy as np

from joinedup.synth.calibration import WorkforceTargets
from joinedup.synth.population import NEVER
from joinedup.synth.workforce import TEAMS, Allocator, RosterBuilder, _split


def test_split_keeps_the_total() -> None:
    roles = [("a", "x", 0.15), ("b", "x", 0.5), ("c", "x", 0.35)]
    for posts in range(1, 40):
        assert sum(_split(posts, roles)) == posts


def test_roster_sized_from_caseloads_and_cases_allocated() -> None:
    targets = WorkforceTargets(caseload_per_fte=20.0, turnover_pct=10.0, agency_pct=10.0,
                               case_holder_share=0.5)
    builder = RosterBuilder(targets, np.random.default_rng(3), 10_000, 13_000,
                            (["Ann", "Bob"], ["Lee", "Ng"]))
    roster = builder.build({"cin_cp": 600.0, "cla": 200.0, "assessment": 100.0,
                            "front_door": 10.0, "eh": 220.0, "youth": 30.0, "asc": 520.0})
    assert {t.name for t in TEAMS} == set(roster.team)
    assert len(set(roster.staff_id)) == len(roster)
    assert len(set(roster.email)) == len(roster)
    live = [i for i in range(len(roster)) if roster.leave[i] == NEVER]
    holders = [i for i in live if roster.holds_cases[i] and roster.kind[i] == "cin_cp"]
    fte = sum(roster.fte[i] for i in holders)
    assert 600 / 20 * 0.75 < fte < 600 / 20 * 1.3
    leavers = [i for i in range(len(roster)) if roster.leave[i] != NEVER]
    assert leavers  # turnover over the years
    allocator = Allocator(roster, np.random.default_rng(4), 13_000)
    dates = np.full(50, 12_999, dtype=np.int64)
    groups = np.arange(50, dtype=np.int64) // 2  # siblings in pairs
    workers = allocator.allocate("cin_cp", dates, groups, np.ones(50, dtype=bool))
    assert (workers >= 0).all()
    assert (workers[::2] == workers[1::2]).all()  # siblings share a worker
    assert sum(roster.caseload) == 50
