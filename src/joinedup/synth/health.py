"""Child health (health visiting and the child health record) as Parquet: NHS numbers with
modulus 11 check digits, GP practice registrations, mothers linked as carers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from joinedup.synth import mapping_yaml as my
from joinedup.synth.addresses import Addresses
from joinedup.synth.identifiers import sequential_ids
from joinedup.synth.output import Output, invalidate_nhs
from joinedup.synth.population import NEVER
from joinedup.synth.quality import profile
from joinedup.synth.records import PersonTable, World, build_people
from joinedup.synth.timeline import YEAR

SOURCE = "health_child_health"
NEVER_INT = int(NEVER)
_PRACTICE = ("Medical Centre", "Surgery", "Health Centre", "Medical Practice", "Family Practice")
_STEMS = ("Brook", "Heaton", "Vale", "Park", "Bridge", "Moor", "Hill", "Mersey", "Goyt",
          "Tame", "Lark", "Kingsway", "Station", "Church", "Manor", "Green", "Beech", "Ash")
_CONTACTS = (("New birth visit", 10, 14, 0.95), ("6-8 week review", 42, 56, 0.9),
             ("12 month review", 270, 365, 0.8), ("2-2.5 year review", 730, 900, 0.75))


def _dates(values: np.ndarray) -> pa.Array:
    v = np.asarray(values, dtype=np.int64)
    mask = v >= NEVER_INT
    return pa.array(np.where(mask, 0, v).astype("datetime64[D]"), type=pa.date32(), mask=mask)


def _text(values: object) -> pa.Array:
    return pa.array(list(values), type=pa.string())  # type: ignore[call-overload]


def write_health(world: World, out: Output, extract: dt.date, start: dt.date) -> my.Mapping:
    rng = world.rng
    b, tl, a = world.borough, world.timeline, world.addresses
    p = b.people
    n = p.n
    ex = (extract - dt.date(1970, 1, 1)).days
    w0 = b.window_start
    q = profile(SOURCE)
    # Practices, near where people live.
    residents = int((p.hh[:n] >= 0).sum())
    inside = np.flatnonzero(~a.external)
    n_practices = max(3, residents // 7000)
    practice_addr = inside[rng.integers(0, len(inside), n_practices)]
    codes = [f"P88{600 + k * 7 % 400:03d}" for k in range(n_practices)]
    names = [f"{_STEMS[k % len(_STEMS)]} {a.locality[practice_addr[k]]} "
             f"{_PRACTICE[k % len(_PRACTICE)]}".replace("  ", " ") for k in range(n_practices)]
    # Children known to health in the window: under 19 at some point, living here.
    first_spell = tl.last_spell_before(np.arange(n), np.full(n, ex))
    known = (~p.external[:n]) & (first_spell >= 0) & (p.dob[:n] > w0 - 19 * YEAR) & (
        p.dob[:n] <= ex)
    spell_end = np.zeros(n, dtype=np.int64)
    np.maximum.at(spell_end, tl.person, tl.end)
    known &= spell_end > w0
    children = np.flatnonzero(known)
    seen0 = np.maximum(p.dob[children].astype(np.int64), w0)
    table = build_people(world, SOURCE, children, seen0, np.full(len(children), ex),
                         lambda k: sequential_ids("CHR", 10_000_001, k, 8), q, ex)
    nhs = list(table.nhs)
    for i in invalidate_nhs(nhs, q.invalid_value, rng):
        out.error(SOURCE, "health/child_health_records.parquet", i + 1, "person.nhs_number",
                  "bad_check_digit", True)
    addr_here = table.address
    nearest = _nearest(a, np.arange(len(a)), practice_addr)
    practice = nearest[addr_here]
    death = np.where(p.death[table.person] <= ex, p.death[table.person], NEVER_INT)
    out.parquet(SOURCE, "health/child_health_records.parquet", pa.table({
        "ChildRecordID": _text(table.record_id), "NHSNumber": _text(nhs),
        "GivenName": _text(table.first), "OtherGivenNames": _text(table.middle),
        "FamilyName": _text(table.surname), "BirthDate": _dates(table.dob),
        "StatedGender": _text(["1" if s == "M" else "2" if s == "F" else "9" for s in table.sex]),
        "AddressLine1": _text(a.line1[addr_here]), "AddressLine2": _text(a.locality[addr_here]),
        "Town": _text(a.town[addr_here]), "Postcode": _text(table.postcode),
        "GPPracticeCode": _text([codes[k] for k in practice]),
        "GPPracticeName": _text([names[k] for k in practice]),
        "DeathDate": _dates(death), "LastUpdated": _dates(table.last_seen),
    }), persons=table.person, record_ids=table.record_id)
    out.person_errors(table, "health/child_health_records.parquet", first_row=1)
    _carers(world, out, table, ex)
    _registrations(world, out, table, nearest, codes, ex)
    _visits(world, out, table, ex)
    return my.source(SOURCE, "Child health information system (0-19), Parquet extract",
                     "health", extract, start, extract, _mapping())


def _nearest(a: Addresses, addresses: np.ndarray, practices: np.ndarray) -> np.ndarray:
    lon, lat = a.lon, a.lat
    px, py = lon[practices], lat[practices]
    x = np.nan_to_num(lon[addresses], nan=float(np.nanmean(lon)))
    y = np.nan_to_num(lat[addresses], nan=float(np.nanmean(lat)))
    dist = (x[:, None] - px[None, :]) ** 2 + (y[:, None] - py[None, :]) ** 2
    return np.asarray(np.argmin(dist, axis=1), dtype=np.int64)


def _carers(world: World, out: Output, children: PersonTable, ex: int) -> None:
    p = world.borough.people
    mothers = p.mother[children.person]
    has = (mothers >= 0) & ~p.external[np.maximum(mothers, 0)]
    uniq = np.unique(mothers[has]).astype(np.int64)
    first = np.full(len(uniq), ex, dtype=np.int64)
    pos = np.searchsorted(uniq, mothers[has])
    np.minimum.at(first, pos, children.first_seen[has])
    carers = build_people(world, SOURCE, uniq, first, np.full(len(uniq), ex),
                          lambda k: sequential_ids("CAR", 20_000_001, k, 8), profile(SOURCE), ex)
    a = world.addresses
    out.parquet(SOURCE, "health/carers.parquet", pa.table({
        "CarerRecordID": _text(carers.record_id), "NHSNumber": _text(carers.nhs),
        "GivenName": _text(carers.first), "FamilyName": _text(carers.surname),
        "BirthDate": _dates(carers.dob), "Postcode": _text(carers.postcode),
        "AddressLine1": _text(a.line1[carers.address]),
    }), persons=carers.person, record_ids=carers.record_id)
    out.person_errors(carers, "health/carers.parquet", first_row=1)
    links = np.flatnonzero(has)
    child_ids = children.record_id[links]
    carer_ids = carers.record_for(mothers[links].astype(np.int64), children.first_seen[links])
    out.parquet(SOURCE, "health/family_links.parquet", pa.table({
        "ChildRecordID": _text(child_ids), "CarerRecordID": _text(carer_ids),
        "Relationship": _text(["Mother"] * len(links)),
        "LinkedDate": _dates(children.first_seen[links]),
    }), persons=children.person[links], record_ids=child_ids)


def _registrations(world: World, out: Output, table: PersonTable, nearest: np.ndarray,
                   codes: list[str], ex: int) -> None:
    rng, tl, a = world.rng, world.timeline, world.addresses
    rows: dict[str, list[object]] = {k: [] for k in (
        "RegistrationID", "ChildRecordID", "GPPracticeCode", "RegisteredFrom", "RegisteredTo")}
    persons: list[int] = []
    for i in range(len(table)):
        if table.duplicate_of[i] >= 0:
            continue
        person = int(table.person[i])
        current, since, last_ward = -1, 0, -1
        for s in tl.spells_of(person):
            s0 = max(int(tl.start[s]), int(table.first_seen[i]))
            if s0 > ex or tl.end[s] <= table.first_seen[i]:
                continue
            addr = int(tl.address[s])
            ward = int(a.ward[addr])
            if current < 0 or (ward != last_ward and rng.random() < 0.5):
                if current >= 0:
                    rows["RegisteredTo"].append(s0)
                current, since = int(nearest[addr]), s0
                rows["RegistrationID"].append(f"REG{len(rows['RegistrationID']) + 1:08d}")
                rows["ChildRecordID"].append(table.record_id[i])
                rows["GPPracticeCode"].append(codes[current])
                rows["RegisteredFrom"].append(since)
                persons.append(person)
            last_ward = ward
        if current >= 0:
            end = int(max(tl.end[s] for s in tl.spells_of(person)))
            rows["RegisteredTo"].append(end if end <= ex else NEVER_INT)
    out.parquet(SOURCE, "health/gp_registrations.parquet", pa.table({
        "RegistrationID": _text(rows["RegistrationID"]),
        "ChildRecordID": _text(rows["ChildRecordID"]),
        "GPPracticeCode": _text(rows["GPPracticeCode"]),
        "RegisteredFrom": _dates(np.asarray(rows["RegisteredFrom"], dtype=np.int64)),
        "RegisteredTo": _dates(np.asarray(rows["RegisteredTo"], dtype=np.int64)),
    }), persons=persons, record_ids=rows["ChildRecordID"])


def _visits(world: World, out: Output, table: PersonTable, ex: int) -> None:
    rng = world.rng
    p = world.borough.people
    rows: dict[str, list[object]] = {k: [] for k in (
        "ContactID", "ChildRecordID", "ContactType", "ContactDate", "HealthVisitor", "Team")}
    persons: list[int] = []
    originals = np.flatnonzero(table.duplicate_of < 0)
    visitors = [f"{f} {s}" for f, s in zip(
        world.borough.forenames.array()[rng.integers(0, 200, 40)],
        world.borough.surnames.array()[rng.integers(0, 200, 40)], strict=True)]
    for i in originals:
        person = int(table.person[i])
        dob = int(p.dob[person])
        risk = float(p.risk[person])
        for name, lo, hi, cover in _CONTACTS:
            when = dob + int(rng.integers(lo, hi + 1))
            if when < table.first_seen[i] or when > ex or rng.random() > cover:
                continue
            persons.append(person)
            rows["ContactType"].append(name)
            rows["ContactDate"].append(when)
        if ex - dob < 5 * YEAR:
            extra = int(rng.poisson(min(0.4 * risk, 6.0)))
            for _ in range(extra):
                when = dob + int(rng.integers(20, int(5 * YEAR)))
                if table.first_seen[i] <= when <= ex:
                    persons.append(person)
                    rows["ContactType"].append("Targeted visit")
                    rows["ContactDate"].append(when)
    for k, person in enumerate(persons):
        rows["ContactID"].append(f"HV{k + 1:08d}")
        rows["HealthVisitor"].append(visitors[person % len(visitors)])
        rows["Team"].append("Health Visiting " + ("North" if person % 2 else "South"))
    dates = np.asarray(rows["ContactDate"], dtype=np.int64)
    ids = table.record_for(np.asarray(persons, dtype=np.int64), dates)
    out.parquet(SOURCE, "health/health_visiting_contacts.parquet", pa.table({
        "ContactID": _text(rows["ContactID"]), "ChildRecordID": _text(ids),
        "ContactType": _text(rows["ContactType"]), "ContactDate": _dates(dates),
        "HealthVisitor": _text(rows["HealthVisitor"]), "Team": _text(rows["Team"]),
    }), persons=persons, record_ids=ids)


def _mapping() -> list[my.Mapping]:
    t, v, c = my.target, my.value, my.col
    svc = v("health")
    return [
        my.file("health/child_health_records.parquet", [t(
            "person", source_record_id="ChildRecordID", nhs_number="NHSNumber",
            first_name="GivenName", middle_names="OtherGivenNames", surname="FamilyName",
            dob="BirthDate", sex=c("StatedGender", codes={"1": "M", "2": "F", "9": "X",
                                                         "": "U"}),
            address=my.cols(["AddressLine1", "AddressLine2", "Town"]), postcode="Postcode",
            date_of_death="DeathDate", recorded_date="LastUpdated")], format="parquet"),
        my.file("health/carers.parquet", [t(
            "person", source_record_id="CarerRecordID", nhs_number="NHSNumber",
            first_name="GivenName", surname="FamilyName", dob="BirthDate",
            postcode="Postcode", address="AddressLine1")], format="parquet"),
        my.file("health/family_links.parquet", [t(
            "relationship", from_record_id="CarerRecordID", to_record_id="ChildRecordID",
            relationship_type=c("Relationship", codes={"Mother": "parent"}),
            start_date="LinkedDate")], format="parquet"),
        my.file("health/gp_registrations.parquet", [t(
            "event", event_id="RegistrationID", source_record_id="ChildRecordID", service=svc,
            event_type=v("gp_registration"), event_date="RegisteredFrom",
            end_date="RegisteredTo", category="GPPracticeCode")], format="parquet"),
        my.file("health/health_visiting_contacts.parquet", [
            t("event", event_id="ContactID", source_record_id="ChildRecordID", service=svc,
              event_type=v("health_visit"), event_date="ContactDate", category="ContactType",
              detail="HealthVisitor")], format="parquet"),
    ]
