"""The social landlord's housing management system and the council's housing options
service: tenancies with household members, rent arrears, notices seeking possession,
evictions, anti-social behaviour cases and homelessness applications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from joinedup.synth import mapping_yaml as my
from joinedup.synth.addresses import PRIVATE_RENT, SOCIAL_RENT
from joinedup.synth.identifiers import sequential_ids
from joinedup.synth.noise import ascii_upper
from joinedup.synth.output import Output, fmt_dates, invalidate_dates
from joinedup.synth.population import CHILD_BEHAVIOUR, DA_VICTIM, NEVER, People
from joinedup.synth.quality import profile
from joinedup.synth.records import PersonTable, World, build_people
from joinedup.synth.timeline import YEAR

SOURCE = "housing"
DATE = "%d/%m/%Y"
NEVER_INT = int(NEVER)
LANDLORD = "Borough Homes"
DOMAIN = "boroughhomes.example"
ASB_KINDS = ("Noise", "Verbal abuse", "Criminal damage", "Drugs", "Youth nuisance",
             "Harassment")


@dataclass
class Rows:
    """Rows whose "Person Ref" is looked up in one batch at the end (``resolve``)."""

    cols: dict[str, list[object]] = field(default_factory=dict)
    persons: list[int] = field(default_factory=list)
    days: list[int] = field(default_factory=list)

    def add(self, person: int, day: int, **values: object) -> None:
        for k, val in values.items():
            self.cols.setdefault(k, []).append(val)
        self.persons.append(person)
        self.days.append(day)

    def resolve(self, table: PersonTable) -> None:
        if self.persons:
            self.cols["Person Ref"] = list(table.record_for(self.persons, self.days))


def write_housing(world: World, out: Output, extract: dt.date, start: dt.date) -> my.Mapping:
    rng = world.rng
    b, tl, a = world.borough, world.timeline, world.addresses
    p = b.people
    ex = (extract - dt.date(1970, 1, 1)).days
    w0 = b.window_start
    social = a.tenure[tl.address] == SOCIAL_RENT
    spells = np.flatnonzero(social & (tl.end > w0) & (tl.start <= ex))
    key = tl.household[spells] * 10_000_000 + tl.address[spells]
    order = np.argsort(key, kind="stable")
    spells, key = spells[order], key[order]
    bounds = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    tenancies: list[tuple[int, int, int, int, list[int]]] = []  # lead, addr, start, end, spells
    for k, lo in enumerate(bounds):
        hi = bounds[k + 1] if k + 1 < len(bounds) else len(spells)
        in_tenancy = spells[lo:hi]
        t0, t1 = int(tl.start[in_tenancy].min()), int(tl.end[in_tenancy].max())
        members = tl.person[in_tenancy]
        age = (t0 - p.dob[members]) / YEAR
        adults = members[age >= 18] if (age >= 18).any() else members[[int(np.argmax(age))]]
        lead = int(adults[np.argmin(p.dob[adults])])
        tenancies.append((lead, int(tl.address[in_tenancy[0]]), t0, t1,
                          [int(s) for s in in_tenancy]))
    who: list[int] = []
    first: list[int] = []
    last: list[int] = []
    for _, _, t0, _, group in tenancies:
        for s in group:
            who.append(int(tl.person[s]))
            first.append(max(int(tl.start[s]), t0))
            last.append(min(int(tl.end[s]), ex))
    apps = _homelessness(world, rng, w0, ex)
    for person, day, _, _ in apps:
        who.append(person)
        first.append(day)
        last.append(day)
    persons = np.asarray(who, dtype=np.int64)
    uniq, inverse = np.unique(persons, return_inverse=True)
    f = np.full(len(uniq), np.iinfo(np.int64).max)
    la = np.full(len(uniq), np.iinfo(np.int64).min)
    np.minimum.at(f, inverse, np.asarray(first, dtype=np.int64))
    np.maximum.at(la, inverse, np.asarray(last, dtype=np.int64))
    q = profile(SOURCE)
    table = build_people(world, SOURCE, uniq, f, la,
                         lambda n: sequential_ids("HP", 100_001, n, 6), q, ex)
    dob = fmt_dates(table.dob, DATE)
    for i in invalidate_dates(dob, DATE, q.invalid_value, rng):
        out.error(SOURCE, "housing/people.csv", i + 2, "person.dob", "impossible_date", True)
    out.csv(SOURCE, "housing/people.csv", {
        "Person Ref": table.record_id, "Title": [("Mr" if s == "M" else "Ms" if s == "F"
                                                  else None) for s in table.sex],
        "Forename": table.first, "Surname": table.surname, "Date of Birth": dob,
        "Gender": [{"M": "Male", "F": "Female"}.get(s or "", "Unknown") for s in table.sex],
        "Address 1": a.line1[table.address], "Address 2": a.locality[table.address],
        "Town": a.town[table.address], "Postcode": table.postcode,
    }, persons=table.person, record_ids=table.record_id)
    out.person_errors(table, "housing/people.csv")
    _tenancies(world, out, table, tenancies, ex, rng)
    _applications(world, out, table, apps, ex, rng)
    return my.source(SOURCE, f"{LANDLORD} housing management system and housing options",
                     "housing", extract, start, extract, _mapping())


def _officer(world: World, ward: int) -> tuple[str, str, str]:
    fore = world.borough.forenames.words
    sur = world.borough.surnames.words
    first, last = fore[(ward * 37 + 11) % 300], sur[(ward * 53 + 7) % 400]
    email = f"{_ascii(first)}.{_ascii(last)}@{DOMAIN}"
    return f"{first} {last}", f"0161 496 2{ward % 1000:03d}", email


def _tenancies(world: World, out: Output, table: PersonTable, tenancies: list[tuple[int, int, int,
               int, list[int]]], ex: int, rng: np.random.Generator) -> None:
    tl, a = world.timeline, world.addresses
    p = world.borough.people
    ten, mem, arrears, nsp, ends, asb = Rows(), Rows(), Rows(), Rows(), Rows(), Rows()
    risk = p.risk.astype(np.float64)
    # Relative to other social tenants, so the rates below are rates among tenancies.
    median = float(np.median(risk[[t[0] for t in tenancies]])) if tenancies else 1.0
    lead_ids = table.record_for([t[0] for t in tenancies], [t[2] for t in tenancies])
    for k, (lead, addr, t0, t1, group) in enumerate(tenancies):
        ref = f"T{100000 + k}"
        lead_id = lead_ids[k]
        officer = _officer(world, int(a.ward[addr]))
        ended = t1 <= ex
        ten.add(lead, t0, **{"Tenancy Ref": ref, "Person Ref": lead_id, "UPRN": str(a.uprn[addr]),
                         "Property Address": f"{a.line1[addr]}, {a.locality[addr]}",
                         "Postcode": a.postcode[addr], "Tenancy Type": "Secure"
                         if t1 - t0 > 365 else "Introductory", "Tenancy Start": t0,
                         "Tenancy End": t1 if ended else NEVER_INT,
                         "Tenancy Status": "Ended" if ended else "Current",
                         "Housing Officer": officer[0], "Officer Phone": officer[1],
                         "Officer Email": officer[2]})
        for s in group:
            person = int(tl.person[s])
            if person == lead:
                continue
            mem.add(person, int(tl.start[s]), **{
                "Tenancy Ref": ref, "Person Ref": None, "Lead Person Ref": lead_id,
                               "Relationship To Lead": _relation(p, lead, person),
                               "Address": f"{a.line1[addr]}, {a.locality[addr]}",
                               "Postcode": a.postcode[addr], "UPRN": str(a.uprn[addr]),
                               "Moved In": int(tl.start[s]),
                               "Moved Out": int(tl.end[s]) if tl.end[s] <= ex else NEVER_INT})
        r = float(risk[lead]) / median
        balance_due = False
        day = t0
        while day < min(t1, ex):
            nxt = day + 365
            if rng.random() < min(0.15 * r**0.6, 0.8):
                when = day + int(rng.integers(0, 365))
                if when <= min(t1, ex):
                    bal = float(rng.lognormal(np.log(450), 0.9)) * r**0.3
                    stage = "Reminder letter" if bal < 500 else "Arrangement made" \
                        if bal < 1500 else "Notice of seeking possession considered"
                    arrears.add(lead, t0, **{"Case No": f"ARR-{len(arrears.persons) + 1:06d}",
                                         "Person Ref": lead_id, "Tenancy Ref": ref,
                                         "Date Recorded": when, "Balance": f"£{bal:,.2f}",
                                         "Stage": stage})
                    if bal > 1200 and rng.random() < 0.35 and when + 30 <= ex:
                        nsp.add(lead, t0, **{"Action Ref": f"NSP-{len(nsp.persons) + 1:05d}",
                                         "Person Ref": lead_id, "Tenancy Ref": ref,
                                         "Action": "Notice seeking possession served",
                                         "Action Date": min(when + int(rng.integers(30, 90)),
                                                            ex)})
                        balance_due = ended and when + 60 < t1 < when + 500
            teens = [int(tl.person[s]) for s in group if 12 <= (day - p.dob[tl.person[s]])
                     / YEAR < 19 and p.flags[tl.person[s]] & CHILD_BEHAVIOUR]
            if rng.random() < min(0.03 * r**0.6 * (2.5 if teens else 1.0), 0.6):
                who = teens[0] if teens and rng.random() < 0.6 else lead
                when = day + int(rng.integers(0, 365))
                if when <= min(t1, ex) and (when - p.dob[who]) / YEAR >= 10:
                    asb.add(who, when, **{"ASB Ref": f"ASB-{len(asb.persons) + 1:05d}",
                                          "Person Ref": None, "Tenancy Ref": ref,
                                    "Role": "Alleged perpetrator", "Date Reported": when,
                                    "Category": ASB_KINDS[int(rng.integers(len(ASB_KINDS)))]})
            day = nxt
        if ended:
            reason = "Eviction" if balance_due and rng.random() < 0.4 else \
                "Deceased" if p.death[lead] <= t1 else "Moved out"
            ends.add(lead, t0, **{"Termination Ref": f"END-{len(ends.persons) + 1:06d}",
                              "Person Ref": lead_id, "Tenancy Ref": ref, "End Date": t1,
                              "Reason": reason})
    for rows, name, dates in (
            (ten, "tenancies.csv", ("Tenancy Start", "Tenancy End")),
            (mem, "tenancy_members.csv", ("Moved In", "Moved Out")),
            (arrears, "rent_arrears.csv", ("Date Recorded",)),
            (nsp, "possession_actions.csv", ("Action Date",)),
            (ends, "tenancy_terminations.csv", ("End Date",)),
            (asb, "asb_cases.csv", ("Date Reported",))):
        rows.resolve(table)
        cols = rows.cols
        for d in dates:
            if d in cols:
                cols[d] = fmt_dates(cols[d], DATE)  # type: ignore[arg-type]
        if not cols:
            cols = {c: [] for c in _EMPTY[name]}
        out.csv(SOURCE, f"housing/{name}", cols, persons=rows.persons,
                record_ids=cols.get("Person Ref"))


def _ascii(text: str) -> str:
    return "".join(c for c in ascii_upper(text).lower() if c.isalpha())


def _relation(p: People, lead: int, person: int) -> str:
    if p.partner[lead] == person:
        return "Partner"
    if person in (p.mother[lead], p.father[lead]):
        return "Parent"
    if p.mother[person] == lead or p.father[person] == lead:
        return "Son" if p.sex[person] == 0 else "Daughter"
    partner = int(p.partner[lead])
    if partner >= 0 and (p.mother[person] == partner or p.father[person] == partner):
        return "Stepson" if p.sex[person] == 0 else "Stepdaughter"
    return "Other household member"


def _homelessness(world: World, rng: np.random.Generator, w0: int, ex: int,
                  ) -> list[tuple[int, int, str, int]]:
    """(person, date, reason, household size) when someone's home ends badly."""
    tl, a = world.timeline, world.addresses
    p = world.borough.people
    apps: list[tuple[int, int, str, int]] = []
    order = np.lexsort((tl.start, tl.person))
    prev_person = -1
    prev_hh = prev_addr = -1
    for s in order:
        person, hh, addr, start = int(tl.person[s]), int(tl.household[s]), int(tl.address[s]), \
            int(tl.start[s])
        if person == prev_person and w0 <= start <= ex:
            age = (start - p.dob[person]) / YEAR
            reason, chance = "", 0.0
            if hh != prev_hh and age >= 18:
                if p.flags[person] & DA_VICTIM:
                    reason, chance = "Domestic abuse - victim", 0.35
                elif age < 25:
                    reason, chance = ("Family or friends no longer willing or able to "
                                      "accommodate"), 0.08
                else:
                    reason, chance = "Relationship with partner ended (non-violent)", 0.12
            elif hh == prev_hh and addr != prev_addr and a.tenure[prev_addr] == PRIVATE_RENT \
                    and (start - p.dob[person]) / YEAR >= 18:
                reason, chance = "End of private rented tenancy - assured shorthold", 0.03
            if reason and rng.random() < chance:
                size = len(tl.members(hh, start)) if hh >= 0 else 1
                apps.append((person, start - int(rng.integers(0, 45)), reason, max(size, 1)))
        prev_person, prev_hh, prev_addr = person, hh, addr
    return apps


def _applications(world: World, out: Output, table: PersonTable,
                  apps: list[tuple[int, int, str, int]], ex: int,
                  rng: np.random.Generator) -> None:
    rows = Rows()
    for k, (person, day, reason, size) in enumerate(sorted(apps, key=lambda x: (x[1], x[0]))):
        if day > ex:
            continue
        duty = ("Prevention duty owed", "Relief duty owed", "Main duty accepted",
                "Not homeless")[int(rng.choice(4, p=[0.5, 0.3, 0.12, 0.08]))]
        closed = day + int(rng.integers(20, 170))
        fore = world.borough.forenames.words[(k * 17 + 3) % 300]
        sur = world.borough.surnames.words[(k * 29 + 5) % 400]
        rows.add(person, day, **{"Application Ref": f"HA{200000 + k}", "Person Ref": None,
                            "Application Date": day, "Reason For Loss Of Home": reason,
                            "Household Size": str(size), "Duty Owed": duty,
                            "Closed Date": closed if closed <= ex else NEVER_INT,
                            "Status": "Closed" if closed <= ex else "Open",
                            "Officer": f"{fore} {sur}", "Officer Phone": "0161 496 3000",
                            "Officer Email": "housing.options@stockport.example"})
    rows.resolve(table)
    cols = rows.cols or {c: [] for c in _EMPTY["homelessness_applications.csv"]}
    for d in ("Application Date", "Closed Date"):
        cols[d] = fmt_dates(cols[d], DATE)  # type: ignore[arg-type]
    out.csv(SOURCE, "housing/homelessness_applications.csv", cols, persons=rows.persons,
            record_ids=cols.get("Person Ref"))


_EMPTY = {
    "tenancies.csv": ("Tenancy Ref", "Person Ref", "UPRN", "Property Address", "Postcode",
                      "Tenancy Type", "Tenancy Start", "Tenancy End", "Tenancy Status",
                      "Housing Officer", "Officer Phone", "Officer Email"),
    "tenancy_members.csv": ("Tenancy Ref", "Person Ref", "Lead Person Ref",
                            "Relationship To Lead", "Address", "Postcode", "UPRN", "Moved In",
                            "Moved Out"),
    "rent_arrears.csv": ("Case No", "Person Ref", "Tenancy Ref", "Date Recorded", "Balance",
                         "Stage"),
    "possession_actions.csv": ("Action Ref", "Person Ref", "Tenancy Ref", "Action",
                               "Action Date"),
    "tenancy_terminations.csv": ("Termination Ref", "Person Ref", "Tenancy Ref", "End Date",
                                 "Reason"),
    "asb_cases.csv": ("ASB Ref", "Person Ref", "Tenancy Ref", "Role", "Date Reported",
                      "Category"),
    "homelessness_applications.csv": (
        "Application Ref", "Person Ref", "Application Date", "Reason For Loss Of Home",
        "Household Size", "Duty Owed", "Closed Date", "Status", "Officer", "Officer Phone",
        "Officer Email"),
}
RELATIONS = {"Partner": "partner", "Son": "child", "Daughter": "child", "Stepson": "child",
             "Stepdaughter": "child", "Parent": "parent",
             "Other household member": "household_member"}


def _mapping() -> list[my.Mapping]:
    t, v, c = my.target, my.value, my.col
    svc = v("housing")
    ev = {"service": svc, "source_record_id": "Person Ref", "involvement_id": "Tenancy Ref"}
    return [
        my.file("housing/people.csv", [t(
            "person", source_record_id="Person Ref", first_name="Forename", surname="Surname",
            dob="Date of Birth", sex=c("Gender", codes={"Male": "M", "Female": "F",
                                                        "Unknown": "U", "": "U"}),
            address=my.cols(["Address 1", "Address 2", "Town"]), postcode="Postcode")],
            date_format=DATE),
        my.file("housing/tenancies.csv", [
            t("involvement", involvement_id="Tenancy Ref", source_record_id="Person Ref",
              service=svc, involvement_type="Tenancy Type",
              status=c("Tenancy Status", codes={"Current": "open", "Ended": "closed"}),
              start_date="Tenancy Start", end_date="Tenancy End",
              worker_name="Housing Officer", worker_role=v("Housing officer"),
              worker_phone="Officer Phone", worker_email="Officer Email",
              organisation=v(LANDLORD)),
            t("event", event_id="Tenancy Ref", event_type=v("tenancy_start"),
              event_date="Tenancy Start", category="Tenancy Type", **ev),
            t("address", source_record_id="Person Ref", address="Property Address",
              postcode="Postcode", uprn="UPRN", start_date="Tenancy Start",
              end_date="Tenancy End")], date_format=DATE),
        my.file("housing/tenancy_members.csv", [
            t("address", source_record_id="Person Ref", address="Address", postcode="Postcode",
              uprn="UPRN", start_date="Moved In", end_date="Moved Out"),
            t("relationship", from_record_id="Person Ref", to_record_id="Lead Person Ref",
              relationship_type=c("Relationship To Lead", codes=RELATIONS),
              start_date="Moved In", end_date="Moved Out")], date_format=DATE),
        my.file("housing/tenancy_terminations.csv", [t(
            "event", event_id="Termination Ref", event_type=c("Reason", codes={
                "Eviction": "eviction", "Moved out": "tenancy_end", "Deceased": "tenancy_end"}),
            event_date="End Date", detail="Reason", **ev)], date_format=DATE),
        my.file("housing/rent_arrears.csv", [t(
            "event", event_id="Case No", event_type=v("rent_arrears"),
            event_date="Date Recorded", value="Balance", detail="Stage", **ev)],
            date_format=DATE),
        my.file("housing/possession_actions.csv", [t(
            "event", event_id="Action Ref", event_type=v("nsp"), event_date="Action Date",
            detail="Action", **ev)], date_format=DATE),
        my.file("housing/asb_cases.csv", [t(
            "event", event_id="ASB Ref", event_type=v("asb"), event_date="Date Reported",
            category="Category", detail="Role", **ev)], date_format=DATE),
        my.file("housing/homelessness_applications.csv", [
            t("involvement", involvement_id="Application Ref", source_record_id="Person Ref",
              service=svc, involvement_type=v("Homelessness application"),
              status=c("Status", codes={"Open": "open", "Closed": "closed"}),
              start_date="Application Date", end_date="Closed Date",
              reason="Reason For Loss Of Home", outcome="Duty Owed", worker_name="Officer",
              worker_role=v("Housing options officer"), worker_phone="Officer Phone",
              worker_email="Officer Email", team=v("Housing Options")),
            t("event", event_id="Application Ref", source_record_id="Person Ref", service=svc,
              event_type=v("homelessness_application"), event_date="Application Date",
              category="Duty Owed", detail="Reason For Loss Of Home",
              involvement_id="Application Ref")], date_format=DATE),
    ]
