"""Schools and pupils: enrolments by phase near home, in-year moves, UPNs, attendance by
term, suspensions and permanent exclusions, SEN status and EHC plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from joinedup.synth.identifiers import STOCKPORT_LA, make_upn
from joinedup.synth.population import CHILD_BEHAVIOUR, CHILD_DISABILITY, NEVER
from joinedup.synth.records import World
from joinedup.synth.timeline import YEAR

NEVER_INT = int(NEVER)
_SAINTS = ("Mary", "Thomas", "Paul", "George", "Joseph", "Peter", "John", "Anne",
           "Bernadette", "Elisabeth", "Christopher", "Winifred")
_STEMS = ("Brookside", "Oakwood", "Meadowbank", "Hollybrook", "Ridgeway", "Larkhill",
          "Fernbank", "Moorfield", "Greenvale", "Ashgrove", "Beechfield", "Highcroft",
          "Riverside", "Woodlands", "Heathfield", "Thornleigh", "Millbrook", "Cherry Tree",
          "Springfield", "Valley View", "Westbrook", "Lowfield", "Orchard", "Parkside")
PHASES = {"primary": (0, 6), "secondary": (7, 11), "sixth": (12, 13)}


@dataclass
class Schools:
    name: list[str] = field(default_factory=list)
    urn: list[str] = field(default_factory=list)
    estab: list[str] = field(default_factory=list)
    phase: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    sixth_form: list[bool] = field(default_factory=list)

    def of_phase(self, phase: str) -> NDArray[np.int64]:
        return np.array([i for i, p in enumerate(self.phase) if p == phase], dtype=np.int64)


@dataclass
class Pupils:
    """Enrolment spells and what happened in them."""

    en_child: list[int] = field(default_factory=list)
    en_school: list[int] = field(default_factory=list)
    en_entry: list[int] = field(default_factory=list)
    en_leave: list[int] = field(default_factory=list)
    en_ncy: list[int] = field(default_factory=list)
    en_admission: list[str] = field(default_factory=list)
    ex_child: list[int] = field(default_factory=list)
    ex_school: list[int] = field(default_factory=list)
    ex_date: list[int] = field(default_factory=list)
    ex_kind: list[str] = field(default_factory=list)
    ex_sessions: list[int] = field(default_factory=list)
    ex_reason: list[str] = field(default_factory=list)
    sen_child: list[int] = field(default_factory=list)
    sen_year: list[int] = field(default_factory=list)
    sen_status: list[str] = field(default_factory=list)
    sen_need: list[str] = field(default_factory=list)
    ehcp_child: list[int] = field(default_factory=list)
    ehcp_request: list[int] = field(default_factory=list)
    ehcp_issue: list[int] = field(default_factory=list)
    absence: dict[int, float] = field(default_factory=dict)


def day(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


def make_schools(world: World, rng: np.random.Generator) -> Schools:
    a = world.addresses
    p = world.borough.people
    n = p.n
    age = (world.as_of - p.dob[:n]) / YEAR
    resident = p.hh[:n] >= 0
    primaries = max(2, round(int((resident & (age >= 4) & (age < 11)).sum()) / 280))
    secondaries = max(1, round(int((resident & (age >= 11) & (age < 16)).sum()) / 950))
    specials = max(1, round(int(resident.sum()) / 90_000))
    inside = np.flatnonzero(~a.external)
    s = Schools()
    used: set[str] = set()
    for phase, count in (("primary", primaries), ("secondary", secondaries),
                         ("special", specials), ("pru", 1)):
        for k in range(count):
            home = int(inside[int(rng.integers(len(inside)))])
            locality = str(a.locality[home])
            name, kind = _school_name(phase, locality, rng)
            tries = 0
            while name in used:
                tries += 1
                name, kind = _school_name(phase, locality, rng)
                if tries > 20:
                    # A big borough runs out of names: qualify by place, as real ones are.
                    name = f"{name.replace(' School', '').replace(' Academy', '')} " \
                           f"({locality} {tries - 20})"
            used.add(name)
            base = {"primary": 2000, "secondary": 4000, "special": 7000, "pru": 1100}[phase]
            s.name.append(name)
            s.kind.append(kind)
            s.urn.append(str(100_000 + len(s.name) * 37 + int(rng.integers(0, 30))
                             if "Academy" not in kind else 140_000 + len(s.name) * 41))
            s.estab.append(f"{base + k * 3 + int(rng.integers(0, 3)):04d}")
            s.phase.append(phase)
            s.lon.append(float(a.lon[home]))
            s.lat.append(float(a.lat[home]))
            s.sixth_form.append(phase == "secondary" and rng.random() < 0.6)
    return s


def _school_name(phase: str, locality: str, rng: np.random.Generator) -> tuple[str, str]:
    stem = _STEMS[int(rng.integers(len(_STEMS)))]
    saint = _SAINTS[int(rng.integers(len(_SAINTS)))]
    roll = rng.random()
    if phase == "primary":
        if roll < 0.15:
            return f"St {saint}'s C of E Primary School", "Voluntary aided school"
        if roll < 0.25:
            return f"St {saint}'s RC Primary School", "Voluntary aided school"
        if roll < 0.45:
            return f"{stem} Primary Academy", "Academy converter"
        return f"{stem} Primary School", "Community school"
    if phase == "secondary":
        if roll < 0.2:
            return f"St {saint}'s Catholic High School", "Voluntary aided school"
        if roll < 0.55:
            return f"{locality} Academy", "Academy sponsor led"
        return f"{stem} High School", "Community school"
    if phase == "special":
        return f"{stem} School", "Community special school"
    return "Stockport Pupil Referral Unit", "Pupil referral unit"


def cohort(dob: NDArray[np.int64]) -> NDArray[np.int64]:
    """Academic cohort: the calendar year of the 1 September that starts a child's year."""
    dates = dob.astype("datetime64[D]")
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month = (dates.astype("datetime64[M]").astype(np.int64) % 12) + 1
    return np.where(month >= 9, year, year - 1)


def simulate_schools(world: World, schools: Schools, rng: np.random.Generator,
                     start: dt.date) -> Pupils:
    b, tl = world.borough, world.timeline
    p = b.people
    a = world.addresses
    edu_start, as_of = day(start), world.as_of
    pupils = Pupils()
    n = p.n
    cohorts = cohort(p.dob[:n].astype(np.int64))
    candidates = np.flatnonzero(~p.external[:n] & (cohorts + 5 <= dt.date.fromordinal(
        dt.date(1970, 1, 1).toordinal() + as_of).year) & (cohorts + 19 >= start.year))
    independent = rng.random(n) < 0.06
    stays_sixth = rng.random(n) < 0.45
    slon = np.array(schools.lon)
    slat = np.array(schools.lat)
    by_phase = {ph: schools.of_phase(ph) for ph in ("primary", "secondary")}
    serial: dict[tuple[str, int], int] = {}
    for candidate in candidates:
        child = int(candidate)
        if independent[child]:
            continue
        c = int(cohorts[child])
        current: dict[str, tuple[int, int]] = {}  # phase -> (enrolment index, ward)
        for s in tl.spells_of(child):
            seg0, seg1 = max(int(tl.start[s]), edu_start), min(int(tl.end[s]), as_of + 1)
            if seg1 - seg0 < 14:
                continue
            addr = int(tl.address[s])
            ward = int(a.ward[addr])
            for phase, (lo, hi) in PHASES.items():
                p0 = day(dt.date(c + 5 + lo, 9, 1))
                p1 = day(dt.date(c + 6 + hi, 7, 21))
                o0, o1 = max(seg0, p0), min(seg1, p1)
                if o1 - o0 < 14:
                    continue
                if phase == "sixth":
                    prev = current.get("secondary")
                    if not stays_sixth[child] or prev is None or \
                            not schools.sixth_form[pupils.en_school[prev[0]]]:
                        continue
                    school = pupils.en_school[prev[0]]
                    self_entry = o0
                else:
                    prev = current.get(phase)
                    if prev is not None and (prev[1] == ward or rng.random() > 0.55) \
                            and pupils.en_leave[prev[0]] >= o0 - 1:
                        pupils.en_leave[prev[0]] = o1 if o1 <= as_of else NEVER_INT
                        current[phase] = (prev[0], ward)
                        continue
                    if prev is not None:
                        pupils.en_leave[prev[0]] = o0
                    pool = by_phase[phase]
                    dist = (slon[pool] - a.lon[addr]) ** 2 + (slat[pool] - a.lat[addr]) ** 2
                    near = pool[np.argsort(dist)[:3]]
                    school = int(near[0] if rng.random() < 0.7 else
                                 near[int(rng.integers(len(near)))])
                    self_entry = o0 if o0 == p0 else o0 + int(rng.integers(3, 20))
                if self_entry >= o1:
                    continue
                k = len(pupils.en_child)
                pupils.en_child.append(child)
                pupils.en_school.append(school)
                pupils.en_entry.append(self_entry)
                pupils.en_leave.append(o1 if o1 <= as_of else NEVER_INT)
                year_of_entry = dt.date(1970, 1, 1) + dt.timedelta(days=self_entry)
                ncy = year_of_entry.year - c - 5 - (1 if year_of_entry.month < 9 else 0)
                pupils.en_ncy.append(int(ncy))
                pupils.en_admission.append("Normal round" if self_entry == p0 else "In-year")
                current[phase if phase != "sixth" else "sixth"] = (k, ward)
                if world.upn[child] is None:
                    first_year = c + 5 if self_entry <= p0 + 30 else year_of_entry.year
                    key = (schools.estab[school], first_year % 100)
                    serial[key] = serial.get(key, 0) + 1
                    world.upn[child] = make_upn(STOCKPORT_LA, schools.estab[school],
                                                first_year, serial[key] % 1000)
    _needs(world, schools, pupils, rng, edu_start)
    return pupils


def _needs(world: World, schools: Schools, pupils: Pupils, rng: np.random.Generator,
           edu_start: int) -> None:
    """SEN, EHC plans, absence propensity, suspensions and exclusions, by pupil."""
    p = world.borough.people
    kids = np.unique(np.asarray(pupils.en_child, dtype=np.int64))
    if not len(kids):
        return
    risk = p.risk[kids].astype(np.float64)
    risk = risk / np.median(risk)
    flags = p.flags[kids]
    behaviour = (flags & CHILD_BEHAVIOUR) > 0
    disabled = (flags & CHILD_DISABILITY) > 0
    ehcp_w = np.where(disabled, 12.0, 1.0) * np.where(behaviour, 2.5, 1.0)
    ehcp = rng.random(len(kids)) < np.clip(0.045 * ehcp_w / ehcp_w.mean(), 0, 0.9)
    k_w = np.where(behaviour, 3.0, 1.0) * risk**0.4
    sen_k = ~ehcp & (rng.random(len(kids)) < np.clip(0.13 * k_w / k_w.mean(), 0, 0.9))
    base = rng.beta(2.0, 30.0, len(kids)) * risk**0.35 * np.where(behaviour, 1.8, 1.0) \
        * np.where(ehcp | sen_k, 1.3, 1.0)
    pupils.absence = {int(k): float(min(v, 0.85)) for k, v in zip(kids, base, strict=True)}
    first_entry: dict[int, int] = {}
    for c, e in zip(pupils.en_child, pupils.en_entry, strict=True):
        first_entry[c] = min(first_entry.get(c, NEVER_INT), e)
    needs = ("SEMH", "SLCN", "ASD", "MLD", "SpLD", "PD", "HI", "VI", "SLD")
    for k, child in enumerate(kids):
        child = int(child)
        if ehcp[k]:
            start = max(first_entry[child], int(p.dob[child] + 3.5 * YEAR))
            request = start + int(rng.uniform(0, 4) * YEAR)
            if request < world.as_of:
                issue = request + int(np.clip(rng.lognormal(np.log(133), 0.35), 60, 500))
                issued = rng.random() < 0.85 and issue <= world.as_of
                pupils.ehcp_child.append(child)
                pupils.ehcp_request.append(request)
                pupils.ehcp_issue.append(issue if issued else NEVER_INT)
        if ehcp[k] or sen_k[k]:
            need = "ASD" if disabled[k] and rng.random() < 0.4 else "SEMH" if behaviour[k] \
                else needs[int(rng.integers(len(needs)))]
            pupils.sen_child.append(child)
            pupils.sen_need.append(need)
            pupils.sen_year.append(-1)  # filled by the writer per census year
            pupils.sen_status.append("E" if ehcp[k] else "K")
    _exclusions(world, schools, pupils, kids, risk, behaviour, rng, edu_start)


def _exclusions(world: World, schools: Schools, pupils: Pupils, kids: NDArray[np.int64],
                risk: NDArray[np.float64], behaviour: NDArray[np.bool_],
                rng: np.random.Generator, edu_start: int) -> None:
    weight = {int(k): float(r**0.8 * (4.0 if b_ else 1.0))
              for k, r, b_ in zip(kids, risk, behaviour, strict=True)}
    mean_w = float(np.mean(list(weight.values())))
    reasons = ("DB", "DB", "DB", "PA", "VA", "PP", "DM", "DA", "BU", "OT", "TH", "RA")
    pru = next((i for i, ph in enumerate(schools.phase) if ph == "pru"), -1)
    n_spells = len(pupils.en_child)
    for k in range(n_spells):
        child, school = pupils.en_child[k], pupils.en_school[k]
        phase = schools.phase[school]
        if phase not in ("primary", "secondary"):
            continue
        entry = max(pupils.en_entry[k], edu_start)
        leave = min(pupils.en_leave[k], world.as_of)
        years = max(leave - entry, 0) / YEAR
        rel = weight.get(child, 1.0) / mean_w
        rate = (0.014 if phase == "primary" else 0.19) * rel * years
        for _ in range(int(rng.poisson(rate))):
            when = entry + int(rng.integers(0, max(leave - entry, 1)))
            pupils.ex_child.append(child)
            pupils.ex_school.append(school)
            pupils.ex_date.append(when)
            pupils.ex_kind.append("FIXD")
            pupils.ex_sessions.append(int(min(rng.geometric(0.45), 10)))
            pupils.ex_reason.append(reasons[int(rng.integers(len(reasons)))])
        px = (0.0002 if phase == "primary" else 0.0016) * rel * years
        if rng.random() < px and pru >= 0:
            when = entry + int(rng.integers(30, max(leave - entry, 31)))
            if when >= leave:
                continue
            pupils.ex_child.append(child)
            pupils.ex_school.append(school)
            pupils.ex_date.append(when)
            pupils.ex_kind.append("PERM")
            pupils.ex_sessions.append(0)
            pupils.ex_reason.append(reasons[int(rng.integers(3))])
            end = pupils.en_leave[k]
            if end != NEVER_INT and end <= when + 7:
                continue
            pupils.en_leave[k] = when
            pupils.en_child.append(child)
            pupils.en_school.append(pru)
            pupils.en_entry.append(when + 6)
            pupils.en_leave.append(end)
            pupils.en_ncy.append(pupils.en_ncy[k] + int((when - pupils.en_entry[k]) / YEAR))
            pupils.en_admission.append("In-year")
