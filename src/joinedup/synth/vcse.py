"""Three voluntary organisations' own records, with the poorest data quality: a family
charity's Excel workbook, a youth project's Windows-1252 CSV (with £ and accented names) and a
mentoring CIC's semicolon-separated export. One row per referral: a returning client is often
given a new reference, so people appear more than once."""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import NDArray

from joinedup.synth import mapping_yaml as my
from joinedup.synth.noise import cp1252_safe
from joinedup.synth.output import Output, fmt_dates, invalidate_dates
from joinedup.synth.population import CHILD_BEHAVIOUR, MENTAL_HEALTH, NEVER
from joinedup.synth.quality import profile
from joinedup.synth.records import PersonTable, World, render
from joinedup.synth.sampling import top_k
from joinedup.synth.timeline import YEAR

NEVER_INT = int(NEVER)


def _day(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


def _years_before(as_of: dt.date, years: int, month: int) -> dt.date:
    """When an organisation started keeping these records: relative to the extract date, so
    any --as-of gives each one a few years of history (2021-04, 2022-01, 2023-09 by default)."""
    return dt.date(as_of.year - years, month, 1)


def _clients(world: World, rng: np.random.Generator, start: int, end: int, age: tuple[int, int],
             per_10k: float, weight: NDArray[np.float64],
             ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(person, referral date) pairs: monthly draws of residents in the age band."""
    tl = world.timeline
    p = world.borough.people
    people: list[int] = []
    days: list[int] = []
    month = np.datetime64(start, "D").astype("datetime64[M]")
    while True:
        t = int(month.astype("datetime64[D]").astype(np.int64))
        if t > end:
            break
        live = tl.person[tl.active(t)]
        years = (t - p.dob[live]) / YEAR
        live = live[(years >= age[0]) & (years < age[1])]
        wanted = int(rng.poisson(per_10k / 10_000 * len(live) / 12))
        for k in top_k(weight[live], wanted, rng):
            people.append(int(live[k]))
            days.append(min(t + int(rng.integers(0, 28)), end))
        month = month + 1
    return np.asarray(people, dtype=np.int64), np.asarray(days, dtype=np.int64)


def write_vcse(world: World, out: Output, as_of: dt.date) -> list[my.Mapping]:
    rng = world.rng
    p = world.borough.people
    n = p.n
    risk = p.risk[:n].astype(np.float64) / float(np.median(p.risk[:n]))
    flags = p.flags[:n]
    return [
        _hope(world, out, rng, as_of, risk),
        _tame_valley(world, out, rng, as_of, risk * np.where(flags & CHILD_BEHAVIOUR, 4, 1)),
        _bridges(world, out, rng, as_of, risk * np.where(flags & MENTAL_HEALTH, 3, 1)),
    ]


def _register(world: World, source: str, persons: NDArray[np.int64], days: NDArray[np.int64],
              prefix: str, width: int) -> PersonTable:
    """Every referral is its own row and reference (returning clients re-registered)."""
    order = np.lexsort((persons, days))
    persons, days = persons[order], days[order]
    counter = iter(range(1, 10**7))
    q = profile(source)
    table = render(world, source, persons, days, days, q)
    table.record_id = np.array([f"{prefix}{next(counter):0{width}d}" for _ in persons],
                               dtype=object)
    first: dict[int, int] = {}
    for i, person in enumerate(persons):
        if int(person) in first:
            table.duplicate_of[i] = first[int(person)]
            table.errors.append((i, "source_record_id", "duplicate"))
        else:
            first[int(person)] = i
    return table


def _hope(world: World, out: Output, rng: np.random.Generator, as_of: dt.date,
          weight: NDArray[np.float64]) -> my.Mapping:
    source = "vcse_hope_trust"
    start, current = _years_before(as_of, 5, 4), as_of - dt.timedelta(days=31)
    ex = _day(current)
    persons, days = _clients(world, rng, _day(start), ex, (17, 45), 80.0, weight)
    # Families with young children: the parent is the client.
    p = world.borough.people
    mothers = p.sex[persons] == 1
    persons, days = persons[mothers], days[mothers]
    table = _register(world, source, persons, days, "HT-", 5)
    a = world.addresses
    dob = fmt_dates(table.dob, "%d.%m.%Y")
    q = profile(source)
    bad = invalidate_dates(dob, "%d.%m.%Y", q.invalid_value, rng)
    for i in bad:
        out.error(source, "vcse/hope_trust_referrals.xlsx", i + 2, "person.dob",
                  "impossible_date", True)
    closed = days + rng.integers(20, 240, len(days))
    support = ("Family support", "Baby bank", "Parenting group", "Befriending", "Food parcel")
    referrer = ("Health visitor", "Self", "Children's centre", "Social worker", "School",
                "GP")
    workers = ("Jo", "Sam", "Kath", "Priya", "Dee", "Maggie")
    t = table
    out.xlsx(source, "vcse/hope_trust_referrals.xlsx", "Referrals", {
        "Client Ref": list(t.record_id), "First name": list(t.first),
        "Surname": list(t.surname), "DOB": dob,
        "Gender": [{"M": "Male", "F": "Female"}.get(s or "") for s in t.sex],
        "Address 1": list(a.line1[t.address]), "Address 2": list(a.locality[t.address]),
        "Town": ["Stockport"] * len(days), "Postcode": list(t.postcode),
        "Referral date": fmt_dates(days, "%d.%m.%Y"),
        "Referred by": [referrer[int(i)] for i in rng.integers(0, len(referrer), len(days))],
        "Support type": [support[int(i)] for i in rng.integers(0, len(support), len(days))],
        "Date closed": fmt_dates(np.where(closed > ex, NEVER_INT, closed), "%d.%m.%Y"),
        "Key worker": [workers[int(i)] for i in rng.integers(0, len(workers), len(days))],
    }, persons=t.person, record_ids=t.record_id)
    out.person_errors(t, "vcse/hope_trust_referrals.xlsx")
    tt, v, c = my.target, my.value, my.col
    files = [my.file("vcse/hope_trust_referrals.xlsx", [
        tt("person", source_record_id="Client Ref", first_name="First name", surname="Surname",
           dob="DOB", sex=c("Gender", codes={"Male": "M", "Female": "F", "": "U"}),
           address=my.cols(["Address 1", "Address 2", "Town"]), postcode="Postcode"),
        tt("involvement", involvement_id="Client Ref", source_record_id="Client Ref",
           service=v("vcse"), involvement_type="Support type", start_date="Referral date",
           end_date="Date closed", worker_name="Key worker", organisation=v("Hope Trust"),
           reason="Referred by"),
        tt("event", event_id="Client Ref", source_record_id="Client Ref", service=v("vcse"),
           event_type=v("vcse_support"), event_date="Referral date", end_date="Date closed",
           category="Support type")], format="xlsx", sheet="Referrals",
        date_format="%d.%m.%Y")]
    return my.source(source, "Hope Trust referrals spreadsheet", "vcse", current, start,
                     current, files)


def _tame_valley(world: World, out: Output, rng: np.random.Generator, as_of: dt.date,
                 weight: NDArray[np.float64]) -> my.Mapping:
    source = "vcse_tame_valley"
    start, current = _years_before(as_of, 4, 1), as_of - dt.timedelta(days=61)
    ex = _day(current)
    persons, days = _clients(world, rng, _day(start), ex, (11, 19), 90.0, weight)
    table = _register(world, source, persons, days, "", 4)
    t = table
    dob = fmt_dates(t.dob, "%d/%m/%Y")
    q = profile(source)
    for i in invalidate_dates(dob, "%d/%m/%Y", q.invalid_value, rng):
        out.error(source, "vcse/tame_valley_members.csv", i + 2, "person.dob",
                  "impossible_date", True)
    left = days + rng.integers(30, 400, len(days))
    programmes = ("Detached youth work", "Mentoring", "Sports", "Arts & music",
                  "Duke of Edinburgh")
    workers = ("Renée", "José", "Ciarán", "Zoë", "Mike", "Chloé")
    out.csv(source, "vcse/tame_valley_members.csv", {
        "Member No": [f"TV{r}" for r in t.record_id],
        "Forename": [cp1252_safe(str(x)) if x else None for x in t.first],
        "Surname": [cp1252_safe(str(x)) if x else None for x in t.surname],
        "D.O.B": dob, "Sex": [s or "" for s in t.sex],
        "Home Postcode": list(t.postcode),
        "Joined": fmt_dates(days, "%d/%m/%Y"),
        "Left": fmt_dates(np.where(left > ex, NEVER_INT, left), "%d/%m/%Y"),
        "Programme": [programmes[int(i)] for i in rng.integers(0, len(programmes), len(days))],
        "Youth Worker": [workers[int(i)] for i in rng.integers(0, len(workers), len(days))],
        "Bursary (£)": [f"£{int(v)}" if v > 0 else "" for v in
                        np.where(rng.random(len(days)) < 0.3, rng.integers(10, 150, len(days)),
                                 0)],
    }, persons=t.person, record_ids=[f"TV{r}" for r in t.record_id],
        encoding="cp1252", newline="\r\n")
    out.person_errors(t, "vcse/tame_valley_members.csv")
    tt, v, c = my.target, my.value, my.col
    files = [my.file("vcse/tame_valley_members.csv", [
        tt("person", source_record_id="Member No", first_name="Forename", surname="Surname",
           dob="D.O.B", sex=c("Sex", codes={"M": "M", "F": "F", "": "U"}),
           postcode="Home Postcode"),
        tt("involvement", involvement_id="Member No", source_record_id="Member No",
           service=v("vcse"), involvement_type="Programme", start_date="Joined",
           end_date="Left", worker_name="Youth Worker", worker_role=v("Youth worker"),
           organisation=v("Tame Valley Young People's Project")),
        tt("event", event_id="Member No", source_record_id="Member No", service=v("vcse"),
           event_type=v("vcse_support"), event_date="Joined", end_date="Left",
           category="Programme", value="Bursary (£)")],
        encoding="cp1252", date_format="%d/%m/%Y")]
    return my.source(source, "Tame Valley Young People's Project membership list (CSV)",
                     "vcse", current, start, current, files)


def _bridges(world: World, out: Output, rng: np.random.Generator, as_of: dt.date,
             weight: NDArray[np.float64]) -> my.Mapping:
    source = "vcse_bridges"
    start, current = _years_before(as_of, 3, 9), as_of - dt.timedelta(days=16)
    ex = _day(current)
    persons, days = _clients(world, rng, _day(start), ex, (18, 70), 25.0, weight)
    table = _register(world, source, persons, days, "BR", 5)
    t = table
    fmt = "%d-%m-%Y"
    dob = fmt_dates(t.dob, fmt)
    q = profile(source)
    for i in invalidate_dates(dob, fmt, q.invalid_value, rng):
        out.error(source, "vcse/bridges_cases.csv", i + 2, "person.dob", "impossible_date",
                  True)
    a = world.addresses
    closed = days + rng.integers(14, 200, len(days))
    services = ("Debt advice", "Wellbeing", "Employment support", "Benefits check")
    outcomes = ("Goals met", "Disengaged", "Referred on", "Ongoing")
    out.csv(source, "vcse/bridges_cases.csv", {
        "case_id": list(t.record_id),
        "client_name_first": list(t.first), "client_name_last": list(t.surname),
        "birth_date": dob, "postcode": list(t.postcode),
        "address": [f"{x}, {y}" for x, y in zip(a.line1[t.address], a.locality[t.address],
                                                strict=True)],
        "opened": fmt_dates(days, fmt),
        "closed": fmt_dates(np.where(closed > ex, NEVER_INT, closed), fmt),
        "service": [services[int(i)] for i in rng.integers(0, len(services), len(days))],
        "advisor": [("Amir", "Beth", "Carl", "Dawn")[int(i)] for i in
                    rng.integers(0, 4, len(days))],
        "outcome": [outcomes[int(i)] if c <= ex else "Ongoing" for i, c in
                    zip(rng.integers(0, 3, len(days)), closed, strict=True)],
    }, persons=t.person, record_ids=t.record_id, delimiter=";")
    out.person_errors(t, "vcse/bridges_cases.csv")
    tt, v = my.target, my.value
    files = [my.file("vcse/bridges_cases.csv", [
        tt("person", source_record_id="case_id", first_name="client_name_first",
           surname="client_name_last", dob="birth_date", postcode="postcode",
           address="address"),
        tt("involvement", involvement_id="case_id", source_record_id="case_id",
           service=v("vcse"), involvement_type="service", start_date="opened",
           end_date="closed", worker_name="advisor", outcome="outcome",
           organisation=v("Bridges Mentoring CIC")),
        tt("event", event_id="case_id", source_record_id="case_id", service=v("vcse"),
           event_type=v("vcse_support"), event_date="opened", end_date="closed",
           category="service")], delimiter=";", date_format=fmt)]
    return my.source(source, "Bridges Mentoring CIC case list (semicolon CSV)", "vcse",
                     current, start, current, files)
