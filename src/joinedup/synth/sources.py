"""Every source system's extract, in order: services first simulate what happened, the
workforce is sized from the cases they carry, then each system writes its own files.

Each stage draws from its own random stream, so changing one source never reshuffles another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from joinedup.synth import mapping_yaml as my
from joinedup.synth.adult_social_care import AscTruth, simulate_asc, write_asc
from joinedup.synth.calibration import Calibration
from joinedup.synth.council_tax import write_council_tax
from joinedup.synth.csc_export import csc_people, in_window, write_csc
from joinedup.synth.csc_truth import CscTruth
from joinedup.synth.early_help import EarlyHelp, EhTruth, eh_start
from joinedup.synth.early_help_export import write_early_help
from joinedup.synth.education import Pupils, Schools, make_schools, simulate_schools
from joinedup.synth.education_export import write_education
from joinedup.synth.gazetteer import write_schools
from joinedup.synth.health import write_health
from joinedup.synth.housing import write_housing
from joinedup.synth.output import Output
from joinedup.synth.police import write_police
from joinedup.synth.population import NEVER
from joinedup.synth.records import World
from joinedup.synth.statutory import census_year, write_cin_census, write_ssda903
from joinedup.synth.vcse import write_vcse
from joinedup.synth.workforce import Allocator, Roster, RosterBuilder
from joinedup.synth.workforce_export import write_workforce

NEVER_INT = int(NEVER)
Step = Callable[[str], None]


def _day(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


def _date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


def _rng(seed: int, stage: int) -> np.random.Generator:
    return np.random.default_rng([seed, 100 + stage])


def write_sources(world: World, out: Output, csc: CscTruth, calibration: Calibration,
                  seed: int, as_of: dt.date, step: Step | None = None,
                  ) -> tuple[list[my.Mapping], Roster]:
    def note(name: str) -> None:
        if step is not None:
            step(name)

    b = world.borough
    window = _date(b.window_start)
    extract = as_of - dt.timedelta(days=1)
    ex = _day(extract)
    edu_start = dt.date(window.year if window.month >= 9 else window.year - 1, 9, 1)
    world.rng = _rng(seed, 20)
    schools = make_schools(world, world.rng)
    write_schools(out.root, schools)
    pupils = simulate_schools(world, schools, world.rng, edu_start)
    school_of = _school_of(schools, pupils)
    eh_begin = eh_start(b.window_start)
    eh = EarlyHelp(world, csc, _rng(seed, 21), eh_begin).run()
    asc = simulate_asc(world, _rng(seed, 22))
    note("services")
    roster = _roster(world, csc, eh, asc, calibration, seed)
    _allocate(world, csc, eh, asc, roster, seed, ex)

    entries: list[my.Mapping] = []
    world.rng = _rng(seed, 30)
    entries.append(write_education(world, out, schools, pupils, extract, edu_start,
                                   weekly_rng=_rng(seed, 41), exceptions_rng=_rng(seed, 42)))
    note("education")
    world.rng = _rng(seed, 31)
    in_window(csc, b.window_start, ex)
    people = csc_people(world, csc, ex)
    entries.append(write_csc(world, out, csc, people, roster, extract, window))
    year = census_year(as_of)
    world.rng = _rng(seed, 32)
    entries.append(write_cin_census(world, out, csc, people, year))
    world.rng = _rng(seed, 33)
    entries.append(write_ssda903(world, out, csc, people, year))
    note("children's social care")
    world.rng = _rng(seed, 34)
    entries.append(write_early_help(world, out, eh, roster, school_of, extract,
                                    _date(eh_begin)))
    world.rng = _rng(seed, 35)
    entries.append(write_asc(world, out, asc, roster, extract, window))
    note("early help and adults")
    world.rng = _rng(seed, 36)
    entries.append(write_health(world, out, extract, window))
    note("health")
    world.rng = _rng(seed, 37)
    entries.append(write_housing(world, out, extract, window))
    note("housing")
    world.rng = _rng(seed, 38)
    police_start = dt.date(window.year + 2, 1, 1)  # the records system's migration
    entries.append(write_police(world, out, school_of, extract, police_start))
    note("police")
    world.rng = _rng(seed, 39)
    entries.extend(write_vcse(world, out, as_of))
    world.rng = _rng(seed, 40)
    entries.append(write_council_tax(world, out, extract, window))
    entries.append(write_workforce(out, roster, as_of))
    note("council tax, VCSE and workforce")
    return entries, roster


def _school_of(schools: Schools, pupils: Pupils) -> dict[int, str]:
    """Each pupil's most recent school."""
    latest: dict[int, tuple[int, int]] = {}
    for child, school, entry in zip(pupils.en_child, pupils.en_school, pupils.en_entry,
                                    strict=True):
        if child not in latest or entry > latest[child][0]:
            latest[child] = (entry, school)
    return {child: schools.name[school] for child, (_, school) in latest.items()}


def _open(start: list[int], end: list[int], day: int) -> np.ndarray:
    s = np.asarray(start, dtype=np.int64)
    e = np.asarray(end, dtype=np.int64)
    return (s <= day) & (e > day)


def _roster(world: World, csc: CscTruth, eh: EhTruth, asc: AscTruth,
            calibration: Calibration, seed: int) -> Roster:
    b = world.borough
    day = b.as_of
    team = np.asarray(csc.ep_team, dtype=object)
    live = _open(csc.ep_referral, csc.ep_close, day)
    demand = {kind: float((live & (team == kind)).sum())
              for kind in ("front_door", "assessment", "cin_cp", "cla")}
    lead = np.asarray(eh.lead, dtype=object)
    eh_live = _open(eh.start, eh.end, day)
    demand["eh"] = float((eh_live & (lead == "eh")).sum())
    demand["youth"] = float((eh_live & (lead == "youth")).sum())
    demand["asc"] = float(_open(asc.start, asc.end, day).sum())
    names = ([w for w in b.forenames.words if w[0].isupper() and len(w) > 2],
             [w for w in b.surnames.words if "-" not in w])
    builder = RosterBuilder(calibration.workforce, _rng(seed, 1), b.window_start, day, names)
    return builder.build(demand)


def _allocate(world: World, csc: CscTruth, eh: EhTruth, asc: AscTruth, roster: Roster,
              seed: int, ex: int) -> None:
    allocator = Allocator(roster, _rng(seed, 2), world.borough.as_of)
    team = np.asarray(csc.ep_team, dtype=object)
    close = np.asarray(csc.ep_close, dtype=np.int64)
    groups = np.asarray(csc.ep_group, dtype=np.int64)
    open_now = close == NEVER_INT
    when = np.where(open_now, ex, close)
    workers = np.full(len(team), -1, dtype=np.int64)
    for kind in ("front_door", "assessment", "cin_cp", "cla"):
        idx = np.flatnonzero(team == kind)
        workers[idx] = allocator.allocate(kind, when[idx], groups[idx], open_now[idx])
    csc.ep_worker = [int(w) for w in workers]
    lead = np.asarray(eh.lead, dtype=object)
    end = np.asarray(eh.end, dtype=np.int64)
    open_eh = end == NEVER_INT
    eh_workers = np.full(len(lead), -1, dtype=np.int64)
    for kind in ("eh", "youth"):
        idx = np.flatnonzero(lead == kind)
        eh_workers[idx] = allocator.allocate(kind, np.where(open_eh, ex, end)[idx],
                                             np.asarray(eh.group, dtype=np.int64)[idx],
                                             open_eh[idx])
    eh.worker = [int(w) for w in eh_workers]
    a_end = np.asarray(asc.end, dtype=np.int64)
    open_asc = a_end == NEVER_INT
    ids = np.arange(len(a_end), dtype=np.int64) + 10**9
    asc.worker = [int(w) for w in allocator.allocate(
        "asc", np.where(open_asc, ex, a_end), ids, open_asc)]
