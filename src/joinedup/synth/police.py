"""Police safeguarding incidents (domestic abuse with victims, suspects and children present,
missing children, concerns for welfare and mental health, youth ASB) and Operation
Encompass domestic abuse notifications to schools."""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import NDArray

from joinedup.synth import mapping_yaml as my
from joinedup.synth.identifiers import scattered_ids
from joinedup.synth.noise import ascii_upper
from joinedup.synth.output import Output, fmt_dates, invalidate_dates
from joinedup.synth.population import (
    CHILD_BEHAVIOUR,
    DA_PERPETRATOR,
    DA_VICTIM,
    MENTAL_HEALTH,
    NEVER,
)
from joinedup.synth.quality import profile
from joinedup.synth.records import World, build_people
from joinedup.synth.timeline import YEAR

SOURCE = "police"
NEVER_INT = int(NEVER)
DOB_FORMAT = "%d/%m/%Y"
WHEN_FORMAT = "%Y-%m-%d %H:%M"


def _resident_time(world: World, w0: int, w1: int) -> tuple[NDArray[np.float64],
                                                            NDArray[np.int64]]:
    tl = world.timeline
    overlap = np.clip(np.minimum(tl.end, w1) - np.maximum(tl.start, w0), 0, None)
    years = np.bincount(tl.person, weights=overlap, minlength=world.borough.people.n) / YEAR
    return years, overlap


def _dates_for(world: World, persons: NDArray[np.int64], overlap: NDArray[np.int64],
               w0: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """A random day each person lived in the borough within the window."""
    tl = world.timeline
    out = np.empty(len(persons), dtype=np.int64)
    for k, person in enumerate(persons):
        spells = tl.spells_of(int(person))
        w = overlap[spells].astype(np.float64)
        s = int(spells[int(rng.choice(len(spells), p=w / w.sum()))])
        lo = max(int(tl.start[s]), w0)
        out[k] = lo + int(rng.integers(0, max(int(overlap[s]), 1)))
    return out


def write_police(world: World, out: Output, school_of: dict[int, str], extract: dt.date,
                 start: dt.date) -> my.Mapping:
    rng = world.rng
    b, tl = world.borough, world.timeline
    p = b.people
    n = p.n
    w0 = (start - dt.date(1970, 1, 1)).days
    ex = (extract - dt.date(1970, 1, 1)).days
    years, overlap = _resident_time(world, w0, ex + 1)
    flags = p.flags[:n]
    risk = p.risk[:n] / float(np.median(p.risk[:n]))
    age_mid = ((w0 + ex) / 2 - p.dob[:n]) / YEAR
    incidents: list[tuple[int, str, list[tuple[int, str]], str]] = []  # day, cat, people, risk
    # Domestic abuse: victims, with their (ex-)partner as suspect when known.
    victims = np.flatnonzero((flags & DA_VICTIM) > 0)
    counts = rng.poisson(0.8 * risk[victims] ** 0.3 * years[victims])
    for victim, count in zip(victims, counts, strict=True):
        if not count:
            continue
        for day in _dates_for(world, np.full(count, victim), overlap, w0, rng):
            day = int(day)
            involved = [(int(victim), "Victim")]
            partner = int(p.partner[victim])
            if partner >= 0 and flags[partner] & DA_PERPETRATOR and not p.external[partner]:
                involved.append((partner, "Suspect"))
            hh = int(tl.household_at(np.array([victim]), np.array([day]))[0])
            if hh >= 0:
                for m in tl.members(hh, day):
                    m = int(m)
                    if m != victim and (day - p.dob[m]) / YEAR < 18 and rng.random() < 0.6:
                        involved.append((m, "Child present"))
            level = str(rng.choice(["Standard", "Medium", "High"], p=[0.55, 0.33, 0.12]))
            incidents.append((day, "Domestic abuse", involved, level))
    for label, mask, rate, role in (
            ("Missing person", (flags & CHILD_BEHAVIOUR > 0) & (age_mid > 8) & (age_mid < 20),
             0.8, "Missing person"),
            ("Concern for welfare (child)", (age_mid > -5) & (age_mid < 18), 0.015,
             "Subject"),
            ("Mental health", (flags & MENTAL_HEALTH > 0) & (age_mid >= 18), 0.12, "Subject"),
            ("Anti-social behaviour", (flags & CHILD_BEHAVIOUR > 0) & (age_mid > 10) &
             (age_mid < 22), 0.25, "Suspect")):
        who = np.flatnonzero(mask & (years > 0))
        scale = risk[who] if label.startswith("Concern") else np.ones(len(who))
        counts = rng.poisson(rate * scale * years[who])
        for person, count in zip(who, counts, strict=True):
            if not count:
                continue
            for day in _dates_for(world, np.full(count, person), overlap, w0, rng):
                age = (day - p.dob[person]) / YEAR
                if label == "Missing person" and not 10 <= age < 18:
                    continue
                if label == "Concern for welfare (child)" and not 0 <= age < 18:
                    continue
                incidents.append((int(day), label, [(int(person), role)], ""))
    incidents.sort(key=lambda x: (x[0], x[2][0][0]))
    return _write(world, out, incidents, school_of, ex, start, extract, rng)


def _write(world: World, out: Output, incidents: list[tuple[int, str, list[tuple[int, str]],
           str]], school_of: dict[int, str], ex: int, start: dt.date, extract: dt.date,
           rng: np.random.Generator) -> my.Mapping:
    p = world.borough.people
    a = world.addresses
    who, when = [], []
    for day, _, people, _ in incidents:
        for person, _ in people:
            who.append(person)
            when.append(day)
    persons = np.asarray(who, dtype=np.int64)
    days = np.asarray(when, dtype=np.int64)
    uniq, inverse = np.unique(persons, return_inverse=True)
    first = np.full(len(uniq), np.iinfo(np.int64).max)
    last = np.full(len(uniq), np.iinfo(np.int64).min)
    np.minimum.at(first, inverse, days)
    np.maximum.at(last, inverse, days)
    q = profile(SOURCE)
    table = build_people(world, SOURCE, uniq, first, last,
                         lambda k: scattered_ids(k, rng, 1_000_000, 9_999_999, "N"), q, ex)
    dob = fmt_dates(table.dob, DOB_FORMAT)
    for i in invalidate_dates(dob, DOB_FORMAT, q.invalid_value, rng):
        out.error(SOURCE, "police/nominals.csv", i + 2, "person.dob", "impossible_date", True)
    out.csv(SOURCE, "police/nominals.csv", {
        "NOMINAL_ID": table.record_id,
        "SURNAME": [ascii_upper(str(s)) if s else None for s in table.surname],
        "FORENAMES": [" ".join(x for x in (f, m) if x) or None
                      for f, m in zip(table.first, table.middle, strict=True)],
        "DOB": dob, "SEX": [s or "U" for s in table.sex],
        "LAST_KNOWN_ADDRESS": [f"{x}, {y}".upper() for x, y in
                               zip(a.line1[table.address], a.town[table.address], strict=True)],
        "POSTCODE": table.postcode, "LAST_CONTACT": fmt_dates(table.last_seen, DOB_FORMAT),
    }, persons=table.person, record_ids=table.record_id)
    out.person_errors(table, "police/nominals.csv")
    rows: dict[str, list[object]] = {k: [] for k in (
        "INCIDENT_PERSON_ID", "INCIDENT_REF", "NOMINAL_ID", "ROLE", "OCCURRED", "CATEGORY",
        "DA_RISK", "LOCATION_POSTCODE")}
    persons_out: list[int] = []
    notes: dict[str, list[object]] = {k: [] for k in (
        "NOTIFICATION_ID", "INCIDENT_REF", "NOMINAL_ID", "NOTIFIED_DATE", "SCHOOL")}
    note_persons: list[int] = []
    all_ids = iter(table.record_for(persons, days))
    first_people = np.array([x[2][0][0] for x in incidents], dtype=np.int64)
    locations = world.address_at(first_people, np.array([x[0] for x in incidents],
                                                        dtype=np.int64))
    for k, (day, label, involved, level) in enumerate(incidents):
        ids = [next(all_ids) for _ in involved]
        if day > ex:
            continue
        ref = f"GMP-{day:05d}-{k:06d}"
        minutes = int(rng.integers(0, 24 * 60))
        location = locations[k]
        for j, ((person, role), nid) in enumerate(zip(involved, ids, strict=True)):
            rows["INCIDENT_PERSON_ID"].append(f"{ref}/{j + 1}")
            rows["INCIDENT_REF"].append(ref)
            rows["NOMINAL_ID"].append(nid)
            rows["ROLE"].append(role)
            rows["OCCURRED"].append(day * 1440 + minutes)
            rows["CATEGORY"].append(label)
            rows["DA_RISK"].append(level or None)
            rows["LOCATION_POSTCODE"].append(a.postcode[location])
            persons_out.append(person)
            age = (day - p.dob[person]) / YEAR
            if role == "Child present" and 4 <= age < 17 and person in school_of:
                notified = min(day + 1, ex)
                notes["NOTIFICATION_ID"].append(f"OE-{len(note_persons) + 1:06d}")
                notes["INCIDENT_REF"].append(ref)
                notes["NOMINAL_ID"].append(nid)
                notes["NOTIFIED_DATE"].append(notified)
                notes["SCHOOL"].append(school_of[person])
                note_persons.append(person)
    stamps = np.asarray(rows["OCCURRED"], dtype=np.int64)
    rows["OCCURRED"] = [f"{d} {m // 60:02d}:{m % 60:02d}" for d, m in zip(
        fmt_dates(stamps // 1440, "%Y-%m-%d"), stamps % 1440, strict=True)]
    out.csv(SOURCE, "police/incident_persons.csv", rows, persons=persons_out,
            record_ids=rows["NOMINAL_ID"])
    notes["NOTIFIED_DATE"] = fmt_dates(notes["NOTIFIED_DATE"], "%d/%m/%Y")  # type: ignore
    out.csv(SOURCE, "police/da_notifications.csv", notes, persons=note_persons,
            record_ids=notes["NOMINAL_ID"])
    t, v, c = my.target, my.value, my.col
    svc = v("police")
    files = [
        my.file("police/nominals.csv", [t(
            "person", source_record_id="NOMINAL_ID", surname="SURNAME", first_name="FORENAMES",
            dob="DOB", sex=c("SEX", codes={"M": "M", "F": "F", "U": "U", "": "U"}),
            address="LAST_KNOWN_ADDRESS", postcode="POSTCODE", recorded_date="LAST_CONTACT")],
            date_format=DOB_FORMAT),
        my.file("police/incident_persons.csv", [t(
            "event", event_id="INCIDENT_PERSON_ID", source_record_id="NOMINAL_ID", service=svc,
            event_type=v("police_incident"), event_date="OCCURRED", category="CATEGORY",
            detail="ROLE")], date_format=WHEN_FORMAT),
        my.file("police/da_notifications.csv", [t(
            "event", event_id="NOTIFICATION_ID", source_record_id="NOMINAL_ID", service=svc,
            event_type=v("domestic_abuse_notification"), event_date="NOTIFIED_DATE",
            detail="SCHOOL", category="INCIDENT_REF")], date_format="%d/%m/%Y"),
    ]
    return my.source(SOURCE, "Police records management system: safeguarding extract for the "
                     "MASH", "police", extract, start, extract, files)
