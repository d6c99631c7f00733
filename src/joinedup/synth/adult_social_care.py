"""Adult social care: Care Act assessments, reablement, long-term support, carers'
assessments and safeguarding enquiries, each with a caseworker from the roster."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from joinedup.synth import mapping_yaml as my
from joinedup.synth.identifiers import sequential_ids
from joinedup.synth.output import Output, fmt_dates, invalidate_dates
from joinedup.synth.population import (
    CHILD_DISABILITY,
    DA_VICTIM,
    LEARNING_DISABILITY,
    MENTAL_HEALTH,
    NEVER,
    PHYSICAL_DISABILITY,
)
from joinedup.synth.quality import profile
from joinedup.synth.records import World, build_people
from joinedup.synth.timeline import YEAR
from joinedup.synth.workforce import Roster

SOURCE = "adult_social_care"
DATE = "%d-%m-%Y"
NEVER_INT = int(NEVER)
# (involvement type, median days, primary support reason)
KINDS = {
    "assessment": ("Care Act assessment", 35, None),
    "reablement": ("Short-term support: reablement", 42, "Physical support"),
    "home_care": ("Long-term support: home care", 900, "Physical support"),
    "residential": ("Long-term support: residential care", 700, "Memory and cognition"),
    "ld": ("Long-term support: learning disability", 2500, "Learning disability support"),
    "mh": ("Long-term support: mental health", 500, "Mental health support"),
    "carer": ("Carer's assessment", 30, "Support for carers"),
    "safeguarding": ("Safeguarding enquiry (s42)", 60, None),
}


@dataclass
class AscTruth:
    person: list[int] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)
    worker: list[int] = field(default_factory=list)


def simulate_asc(world: World, rng: np.random.Generator) -> AscTruth:
    b, tl = world.borough, world.timeline
    p = b.people
    n = p.n
    t = AscTruth()
    busy = np.full(n, -(2**40), dtype=np.int64)
    month = np.datetime64(b.window_start, "D").astype("datetime64[M]")
    flags = p.flags[:n]
    cares_for = _carers(world)
    while True:
        day = int(month.astype("datetime64[D]").astype(np.int64))
        if day > b.as_of:
            break
        live = tl.person[tl.active(day)]
        age = (day - p.dob[live]) / YEAR
        adult = age >= 18
        rate = np.where(age >= 85, 0.16, np.where(age >= 75, 0.06, np.where(age >= 65, 0.015,
                                                                             0.002)))
        rate = rate + 0.08 * ((flags[live] & LEARNING_DISABILITY) > 0) + 0.02 * (
            (flags[live] & MENTAL_HEALTH) > 0) + 0.02 * ((flags[live] & PHYSICAL_DISABILITY) > 0)
        rate = rate + 0.03 * np.isin(live, cares_for)
        rate = rate + 0.01 * ((flags[live] & DA_VICTIM) > 0)
        pick = live[adult & (busy[live] < day) & (rng.random(len(live)) < rate / 12)]
        for person in pick:
            _involvements(t, int(person), day + int(rng.integers(0, 28)), float(
                (day - p.dob[person]) / YEAR), int(flags[person]), person in cares_for, rng,
                busy, int(p.death[person]), b.as_of)
        month = month + 1
    return t


def _carers(world: World) -> np.ndarray:
    """Adults who care: parents of disabled children."""
    p = world.borough.people
    n = p.n
    disabled = np.flatnonzero((p.flags[:n] & CHILD_DISABILITY) > 0)
    mothers = p.mother[disabled]
    return np.unique(mothers[mothers >= 0])


def _involvements(t: AscTruth, person: int, day: int, age: float, flags: int, carer: bool,
                  rng: np.random.Generator, busy: np.ndarray, death: int, as_of: int) -> None:
    if carer and age < 65 and rng.random() < 0.5:
        chain = ["carer"]
    elif flags & DA_VICTIM and age < 65 and rng.random() < 0.5:
        chain = ["safeguarding"]
    elif flags & LEARNING_DISABILITY and age < 65:
        chain = ["assessment", "ld"]
    elif flags & MENTAL_HEALTH and age < 65:
        chain = ["assessment", "mh"]
    elif rng.random() < 0.1:
        chain = ["safeguarding"]
    else:
        roll = rng.random()
        chain = ["assessment"] + (["reablement"] if roll < 0.35 else ["home_care"]
                                  if roll < 0.75 else ["residential"] if age > 75 else [])
    if death <= day + 1:
        return
    for kind in chain:
        _, median, reason = KINDS[kind]
        length = int(np.clip(rng.lognormal(np.log(median), 0.5), 7, 4000))
        end = min(day + length, death)
        t.person.append(person)
        t.kind.append(kind)
        t.start.append(day)
        t.end.append(end if end <= as_of else NEVER_INT)
        t.reason.append(reason or ("Physical support" if age >= 65 else "Social support"))
        t.worker.append(-1)
        day = end + 1
        if day > as_of or day >= death:
            break
    busy[person] = day + 180


def open_cases(t: AscTruth, day: int) -> float:
    start = np.asarray(t.start, dtype=np.int64)
    end = np.asarray(t.end, dtype=np.int64)
    return float(((start <= day) & (end > day)).sum())


def write_asc(world: World, out: Output, t: AscTruth, roster: Roster, extract: dt.date,
              start: dt.date) -> my.Mapping:
    rng = world.rng
    ex = (extract - dt.date(1970, 1, 1)).days
    q = profile(SOURCE)
    keep = np.array([i for i in range(len(t.person)) if t.start[i] <= ex], dtype=np.int64)
    person = np.asarray(t.person, dtype=np.int64)[keep]
    starts = np.asarray(t.start, dtype=np.int64)[keep]
    uniq, inverse = np.unique(person, return_inverse=True)
    first = np.full(len(uniq), np.iinfo(np.int64).max)
    np.minimum.at(first, inverse, starts)
    table = build_people(world, SOURCE, uniq, first, np.full(len(uniq), ex),
                         lambda n: sequential_ids("", 500_001, n, 7), q, ex)
    a = world.addresses
    p = world.borough.people
    dob = fmt_dates(table.dob, DATE)
    for i in invalidate_dates(dob, DATE, q.invalid_value, rng):
        out.error(SOURCE, "adult_social_care/clients.csv", i + 2, "person.dob",
                  "impossible_date", True)
    death = np.where(p.death[table.person] <= ex, p.death[table.person], NEVER_INT)
    out.csv(SOURCE, "adult_social_care/clients.csv", {
        "Client ID": table.record_id, "Title": [_title(s, d) for s, d in
                                                zip(table.sex, table.dob, strict=True)],
        "First Name": table.first, "Surname": table.surname, "Date of Birth": dob,
        "Gender": [{"M": "Male", "F": "Female"}.get(s or "", "Not recorded") for s in table.sex],
        "NHS Number": [f"{v[:3]} {v[3:6]} {v[6:]}" if v else None for v in table.nhs],
        "Address": [f"{x}, {y}" for x, y in zip(a.line1[table.address],
                                                a.locality[table.address], strict=True)],
        "Postcode": table.postcode, "UPRN": a.uprn[table.address].astype(str),
        "Date of Death": fmt_dates(death, DATE),
    }, persons=table.person, record_ids=table.record_id)
    out.person_errors(table, "adult_social_care/clients.csv")
    ids = table.record_for(person, starts)
    ends = np.asarray(t.end, dtype=np.int64)[keep]
    ends = np.where(ends > ex, NEVER_INT, ends)
    workers = [t.worker[i] for i in keep]
    out.csv(SOURCE, "adult_social_care/involvements.csv", {
        "Involvement ID": [f"ASC-{k + 1:07d}" for k in range(len(keep))], "Client ID": ids,
        "Involvement Type": [KINDS[t.kind[i]][0] for i in keep],
        "Primary Support Reason": [t.reason[i] for i in keep],
        "Start Date": fmt_dates(starts, DATE), "End Date": fmt_dates(ends, DATE),
        "Status": ["Open" if e == NEVER_INT else "Closed" for e in ends],
        "Caseworker": [roster.name(w) if w >= 0 else None for w in workers],
        "Caseworker Role": [roster.role[w].capitalize() if w >= 0 else None for w in workers],
        "Team": [roster.team[w] if w >= 0 else None for w in workers],
        "Caseworker Phone": [roster.phone[w] if w >= 0 else None for w in workers],
        "Caseworker Email": [roster.email[w] if w >= 0 else None for w in workers],
    }, persons=person, record_ids=ids)
    tt, v, c = my.target, my.value, my.col
    svc = v("adult_social_care")
    files = [
        my.file("adult_social_care/clients.csv", [tt(
            "person", source_record_id="Client ID", first_name="First Name",
            surname="Surname", dob="Date of Birth",
            sex=c("Gender", codes={"Male": "M", "Female": "F", "Not recorded": "U", "": "U"}),
            nhs_number="NHS Number", address="Address", postcode="Postcode", uprn="UPRN",
            date_of_death="Date of Death")], date_format=DATE),
        my.file("adult_social_care/involvements.csv", [
            tt("involvement", involvement_id="Involvement ID", source_record_id="Client ID",
               service=svc, involvement_type="Involvement Type",
               status=c("Status", codes={"Open": "open", "Closed": "closed"}),
               start_date="Start Date", end_date="End Date", reason="Primary Support Reason",
               worker_name="Caseworker", worker_role="Caseworker Role", team="Team",
               worker_phone="Caseworker Phone", worker_email="Caseworker Email"),
            tt("event", event_id="Involvement ID", source_record_id="Client ID", service=svc,
               event_type=v("adult_involvement"), event_date="Start Date",
               end_date="End Date", category="Involvement Type",
               involvement_id="Involvement ID")], date_format=DATE),
    ]
    return my.source(SOURCE, "Adult social care case management system (CSV export)",
                     "adult_social_care", extract, start, extract, files)


def _title(sex: object, dob: int) -> str | None:
    if sex == "M":
        return "Mr"
    if sex == "F":
        return "Mrs" if dob < 0 else "Ms"
    return None
