"""The legacy council tax system: accounts per household occupation, liable parties in upper
case with titles, Oracle-style dates (05-MAR-2019), and single person discounts that are not
always cancelled when a partner moves in."""

from __future__ import annotations

import datetime as dt

import numpy as np

from joinedup.synth import mapping_yaml as my
from joinedup.synth.noise import ascii_upper
from joinedup.synth.output import Output, fmt_dates, invalidate_dates
from joinedup.synth.population import NEVER
from joinedup.synth.quality import profile
from joinedup.synth.records import World
from joinedup.synth.timeline import YEAR

SOURCE = "council_tax"
DATE = "%d-%b-%Y"
NEVER_INT = int(NEVER)
BANDS = "ABCDEFGH"


def write_council_tax(world: World, out: Output, extract: dt.date, start: dt.date,
                      ) -> my.Mapping:
    rng = world.rng
    tl, a = world.timeline, world.addresses
    p = world.borough.people
    ex = (extract - dt.date(1970, 1, 1)).days
    w0 = (start - dt.date(1970, 1, 1)).days
    keep = np.flatnonzero((tl.end > w0) & (tl.start <= ex) & ~a.external[tl.address])
    key = tl.household[keep] * 10_000_000 + tl.address[keep]
    order = np.argsort(key, kind="stable")
    keep, key = keep[order], key[order]
    bounds = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    band_of = np.clip((rng.normal(2.2, 1.3, len(a)) - 2.5 * a.deprivation).round(), 0, 7)
    accounts: list[tuple[int, int, int, list[int], bool, int]] = []
    liable: list[tuple[int, int, int, int]] = []  # (account, person, from, to)
    for k, lo in enumerate(bounds):
        hi = bounds[k + 1] if k + 1 < len(bounds) else len(keep)
        group = keep[lo:hi]
        t0, t1 = int(tl.start[group].min()), int(tl.end[group].max())
        adults = [int(s) for s in group
                  if (max(int(tl.start[s]), t0) - p.dob[tl.person[s]]) / YEAR >= 18]
        if not adults:
            continue
        adults.sort(key=lambda s: (int(tl.start[s]), int(p.dob[tl.person[s]])))
        lead = adults[0]
        at_start = [s for s in adults if tl.start[s] <= t0 + 30]
        spd = len(at_start) == 1
        # A partner who moves in later should end the discount; a third of the time no one
        # tells the council.
        spd_end = NEVER_INT
        if spd:
            later = [int(tl.start[s]) for s in adults if s != lead and tl.start[s] > t0 + 30]
            if later and rng.random() > 0.3:
                spd_end = min(later)
        accounts.append((int(tl.address[group[0]]), t0, t1, [len(liable)], spd, spd_end))
        acc = len(accounts) - 1
        liable.append((acc, int(tl.person[lead]), max(int(tl.start[lead]), t0), t1))
        partner = int(p.partner[tl.person[lead]])
        for s in adults[1:]:
            if int(tl.person[s]) == partner and rng.random() < 0.7:
                liable.append((acc, partner, int(tl.start[s]), int(tl.end[s])))
    persons = np.array([x[1] for x in liable], dtype=np.int64)
    f = np.array([x[2] for x in liable], dtype=np.int64)
    q = profile(SOURCE)
    # Each liability is its own party record in this legacy system (people re-keyed per
    # account), so the same resident appears once per account.
    from joinedup.synth.records import render

    table = render(world, SOURCE, persons, f, np.minimum(f + 30, ex), q)
    table.record_id = np.array([f"{700000 + i}" for i in range(len(persons))], dtype=object)
    seen: dict[int, int] = {}
    for i, person in enumerate(persons):
        if int(person) in seen:
            table.duplicate_of[i] = seen[int(person)]
        else:
            seen[int(person)] = i
    acc_ids = [f"{4_100_000 + i * 3}" for i in range(len(accounts))]
    female = ("MRS", "MS", "MISS")
    titles = ["MR" if s == "M" else female[int(k)] if s == "F" else None
              for s, k in zip(table.sex, rng.integers(0, 3, len(table.sex)), strict=True)]
    dob = fmt_dates(table.dob, DATE)
    for i in invalidate_dates(dob, DATE, q.invalid_value, rng):
        out.error(SOURCE, "council_tax/liable_parties.csv", i + 2, "person.dob",
                  "impossible_date", True)
    acc_of = [x[0] for x in liable]
    t_from = np.array([x[2] for x in liable], dtype=np.int64)
    t_to = np.array([x[3] for x in liable], dtype=np.int64)
    out.csv(SOURCE, "council_tax/liable_parties.csv", {
        "PARTY_REF": table.record_id, "ACCOUNT_NO": [acc_ids[x] for x in acc_of],
        "TITLE": titles, "FORENAME": [ascii_upper(str(x)) if x else None for x in table.first],
        "SURNAME": [ascii_upper(str(x)) if x else None for x in table.surname],
        "DOB": dob, "LIAB_FROM": fmt_dates(t_from, DATE),
        "LIAB_TO": fmt_dates(np.where(t_to > ex, NEVER_INT, t_to), DATE),
        "PROP_ADDR1": [str(a.line1[accounts[x][0]]).upper() for x in acc_of],
        "PROP_ADDR2": [str(a.locality[accounts[x][0]]).upper() for x in acc_of],
        "POSTCODE": table.postcode,
    }, persons=persons, record_ids=table.record_id, newline="\r\n")
    for i, field_name, kind in table.errors:
        if field_name != "address":
            out.error(SOURCE, "council_tax/liable_parties.csv", i + 2, f"person.{field_name}",
                      kind)
    lead_party: dict[int, str] = {}
    for i, x in enumerate(liable):
        lead_party.setdefault(x[0], table.record_id[i])
    starts = np.array([x[1] for x in accounts], dtype=np.int64)
    ends = np.array([x[2] for x in accounts], dtype=np.int64)
    spd_ends = np.array([x[5] for x in accounts], dtype=np.int64)
    spd_flags = [("Y" if x[4] and (x[5] == NEVER_INT or x[5] > ex) else "N")
                 for x in accounts]
    lead_person = [int(persons[x[3][0]]) for x in accounts]
    out.notes["council_tax_accounts"] = [
        (acc_ids[k], x[0], lead_person[k], BANDS[int(band_of[x[0]])], x[1], x[2],
         spd_flags[k] == "Y") for k, x in enumerate(accounts)]
    out.csv(SOURCE, "council_tax/accounts.csv", {
        "ACCOUNT_NO": acc_ids, "LEAD_PARTY_REF": [lead_party[k] for k in range(len(accounts))],
        "PROP_REF": [f"P{int(a.uprn[x[0]]) % 10_000_000:07d}" for x in accounts],
        "BAND": [BANDS[int(band_of[x[0]])] for x in accounts],
        "LIAB_START": fmt_dates(starts, DATE),
        "LIAB_END": fmt_dates(np.where(ends > ex, NEVER_INT, ends), DATE),
        "SPD": spd_flags,
        "SPD_END": fmt_dates(np.where(spd_ends > ex, NEVER_INT, spd_ends), DATE),
    }, persons=lead_person, record_ids=[lead_party[k] for k in range(len(accounts))],
        newline="\r\n")
    t, v, c = my.target, my.value, my.col
    files = [
        my.file("council_tax/liable_parties.csv", [
            t("person", source_record_id="PARTY_REF", first_name="FORENAME", surname="SURNAME",
              dob="DOB", address=my.cols(["PROP_ADDR1", "PROP_ADDR2"]), postcode="POSTCODE"),
            t("address", source_record_id="PARTY_REF",
              address=my.cols(["PROP_ADDR1", "PROP_ADDR2"]), postcode="POSTCODE",
              start_date="LIAB_FROM", end_date="LIAB_TO")], date_format=DATE),
        my.file("council_tax/accounts.csv", [t(
            "event", event_id="ACCOUNT_NO", source_record_id="LEAD_PARTY_REF",
            service=v("council_tax"), event_type=v("council_tax_account"),
            event_date="LIAB_START", end_date="LIAB_END",
            category=c("SPD", codes={"Y": "SPD", "N": ""}), detail="BAND")],
            date_format=DATE),
    ]
    return my.source(SOURCE, "Council tax system (legacy CSV extract)", "council_tax",
                     extract, start, extract, files)
