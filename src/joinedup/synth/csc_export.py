"""Children's social care case management system: a CSV export in the system's own shape
(upper-case column names, dd/mm/yyyy dates, its own person ids, which are also the LA child ids
the CIN census and SSDA903 use)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from joinedup.synth import mapping_yaml as my
from joinedup.synth.csc_mapping import CATEGORY_TEXT, SOURCE_TEXT, csc_mapping
from joinedup.synth.csc_truth import CscTruth
from joinedup.synth.identifiers import scattered_ids
from joinedup.synth.output import Output, fmt_dates, invalidate_dates
from joinedup.synth.population import ETHNIC_CODES, NEVER
from joinedup.synth.quality import profile
from joinedup.synth.records import PersonTable, World, build_people
from joinedup.synth.workforce import Roster

SOURCE = "csc_case_system"
DATE = "%d/%m/%Y"
NEVER_INT = int(NEVER)
@dataclass
class CscPeople:
    table: PersonTable
    relations: list[tuple[int, int, str, int]]  # (person, related person, label, since)

    def ids(self, persons: NDArray[np.int64], dates: NDArray[np.int64]) -> NDArray[np.object_]:
        return self.table.record_for(persons, dates)


def in_window(truth: CscTruth, start: int, extract: int) -> None:
    """Keep what the extract covers: contacts since ``start``, episodes open at any time
    from ``start`` to the extract date (so long-running ones keep their early dates)."""
    keep = [i for i, d in enumerate(truth.ct_date) if start <= d <= extract]
    for name in ("ct_child", "ct_date", "ct_source", "ct_outcome", "ct_ep"):
        values = getattr(truth, name)
        setattr(truth, name, [values[i] for i in keep])


def csc_people(world: World, truth: CscTruth, extract: int) -> CscPeople:
    """Children known to the front door, with the parents, step-parents and siblings the
    social worker records at referral."""
    tl = world.timeline
    start = world.borough.window_start
    who: list[int] = list(truth.ct_child)
    when: list[int] = list(truth.ct_date)
    last: list[int] = list(truth.ct_date)
    relations: list[tuple[int, int, str, int]] = []
    for ep in range(len(truth.ep_child)):
        child, day = truth.ep_child[ep], truth.ep_referral[ep]
        end = truth.ep_close[ep] if truth.ep_close[ep] != NEVER_INT else extract
        if end < start or day > extract:
            continue
        who.append(child)
        when.append(day)
        last.append(min(end, extract))
        household = truth.ep_household[ep]
        members = tl.members(household, day) if household >= 0 else np.empty(0, np.int64)
        for other, label in _relatives(world, child, members, day):
            relations.append((child, other, label, day))
            who.append(other)
            when.append(day)
            last.append(min(end, extract))
    for parent, (partner, day) in _partners(world, relations):
        relations.append((parent, partner, "Partner", day))
    persons = np.asarray(who, dtype=np.int64)
    first_seen = np.asarray(when, dtype=np.int64)
    last_seen = np.asarray(last, dtype=np.int64)
    uniq, inverse = np.unique(persons, return_inverse=True)
    first = np.full(len(uniq), np.iinfo(np.int64).max)
    latest = np.full(len(uniq), np.iinfo(np.int64).min)
    np.minimum.at(first, inverse, first_seen)
    np.maximum.at(latest, inverse, last_seen)
    table = build_people(world, SOURCE, uniq, first, latest,
                         lambda n: scattered_ids(n, world.rng, 100_000, 2_000_000),
                         profile(SOURCE), extract)
    return CscPeople(table=table, relations=sorted(set(relations)))


def _relatives(world: World, child: int, members: NDArray[np.int64], day: int,
               ) -> list[tuple[int, str]]:
    p = world.borough.people
    out: list[tuple[int, str]] = []
    mother, father = int(p.mother[child]), int(p.father[child])
    if mother >= 0:
        out.append((mother, "Mother"))
    if father >= 0:
        out.append((father, "Father"))
    for m in members:
        m = int(m)
        if m in (child, mother, father):
            continue
        age = (day - p.dob[m]) / 365.25
        m_mother, m_father = int(p.mother[m]), int(p.father[m])
        if age < 18:
            shared = {x for x in (m_mother, m_father) if x >= 0} & {
                x for x in (mother, father) if x >= 0}
            if len(shared) == 2:
                out.append((m, "Sibling"))
            elif shared:
                out.append((m, "Half-sibling"))
            else:
                out.append((m, "Step-sibling"))
        elif m >= 0 and (p.partner[m] in (mother, father)) and m not in (mother, father):
            out.append((m, "Step-father" if p.sex[m] == 0 else "Step-mother"))
        elif mother >= 0 and m == p.mother[mother]:
            out.append((m, "Grandmother"))
    return out


def _partners(world: World, relations: list[tuple[int, int, str, int]],
              ) -> list[tuple[int, tuple[int, int]]]:
    """Mothers and the step-parents recorded with them, as partners."""
    p = world.borough.people
    found: list[tuple[int, tuple[int, int]]] = []
    for child, other, label, day in relations:
        if label.startswith("Step-") and label != "Step-sibling":
            parent = int(p.partner[other])
            if parent >= 0 and parent in (int(p.mother[child]), int(p.father[child])):
                found.append((parent, (other, day)))
    return found


def write_csc(world: World, out: Output, truth: CscTruth, people: CscPeople, roster: Roster,
              extract: dt.date, start: dt.date) -> my.Mapping:
    rng = world.rng
    t = people.table
    ex = (extract - dt.date(1970, 1, 1)).days
    a = world.addresses
    q = profile(SOURCE)
    dob = fmt_dates(t.dob, DATE)
    for i in invalidate_dates(dob, DATE, q.invalid_value, rng):
        out.error(SOURCE, "csc/persons.csv", i + 2, "person.dob", "impossible_date", True)
    p = world.borough.people
    death = np.where(p.death[t.person] <= ex, p.death[t.person], NEVER_INT)
    upn = world.upn[t.person].copy()
    upn[rng.random(len(upn)) < 0.4] = None
    out.csv(SOURCE, "csc/persons.csv", {
        "PERSON_ID": t.record_id, "FORENAME": t.first, "MIDDLE_NAMES": t.middle,
        "SURNAME": t.surname, "DOB": dob,
        "GENDER": ["Male" if s == "M" else "Female" if s == "F" else "Unknown" for s in t.sex],
        "ETHNICITY": [ETHNIC_CODES[e] for e in p.ethnic[t.person]],
        "NHS_NUMBER": t.nhs, "UPN": upn,
        "ADDRESS_LINE_1": a.line1[t.address], "ADDRESS_LINE_2": a.locality[t.address],
        "TOWN": a.town[t.address], "POSTCODE": t.postcode,
        "DATE_OF_DEATH": fmt_dates(death, DATE), "LAST_UPDATED": fmt_dates(t.last_seen, DATE),
    }, persons=t.person, record_ids=t.record_id)
    out.person_errors(t, "csc/persons.csv")
    _addresses(world, out, people, ex)
    _relationships(out, people)
    _contacts(out, truth, people, ex)
    _episodes(world, out, truth, people, roster, ex)
    return my.source(
        SOURCE, "Children's social care case management system (CSV export)",
        "childrens_social_care", extract, start, extract, csc_mapping())


def _addresses(world: World, out: Output, people: CscPeople, ex: int) -> None:
    t, tl, a = people.table, world.timeline, world.addresses
    stale = {i for i, f, k in t.errors if k == "stale_address"}
    rows: dict[str, list[object]] = {k: [] for k in ("PERSON_ID", "ADDRESS", "POSTCODE",
                                                     "UPRN", "START_DATE", "END_DATE")}
    persons: list[int] = []
    for i in range(len(t)):
        person = int(t.person[i])
        for s in tl.spells_of(person):
            if tl.end[s] < t.first_seen[i] - 730 or tl.start[s] > ex:
                continue
            if i in stale and tl.start[s] > t.first_seen[i]:
                continue  # the move was never reported
            addr = int(tl.address[s])
            rows["PERSON_ID"].append(t.record_id[i])
            rows["ADDRESS"].append(f"{a.line1[addr]}, {a.locality[addr]}, {a.town[addr]}")
            rows["POSTCODE"].append(a.postcode[addr])
            rows["UPRN"].append(str(a.uprn[addr]))
            rows["START_DATE"].append(int(tl.start[s]))
            rows["END_DATE"].append(int(tl.end[s]) if tl.end[s] <= ex else NEVER_INT)
            persons.append(person)
    rows["START_DATE"] = fmt_dates(rows["START_DATE"], DATE)
    rows["END_DATE"] = fmt_dates(rows["END_DATE"], DATE)
    out.csv(SOURCE, "csc/addresses.csv", rows, persons=persons, record_ids=rows["PERSON_ID"])


def _relationships(out: Output, people: CscPeople) -> None:
    rel = people.relations
    persons = np.array([r[0] for r in rel], dtype=np.int64)
    others = np.array([r[1] for r in rel], dtype=np.int64)
    days = np.array([r[3] for r in rel], dtype=np.int64)
    ids = people.ids(persons, days) if len(rel) else np.empty(0, dtype=object)
    other_ids = people.ids(others, days) if len(rel) else np.empty(0, dtype=object)
    keep = ids != other_ids
    out.csv(SOURCE, "csc/relationships.csv", {
        "PERSON_ID": ids[keep], "RELATED_PERSON_ID": other_ids[keep],
        "RELATIONSHIP": [r[2] for r, k in zip(rel, keep, strict=True) if k],
        "RECORDED_DATE": fmt_dates(days[keep], DATE),
    }, persons=persons[keep], record_ids=ids[keep])


def _contacts(out: Output, truth: CscTruth, people: CscPeople, ex: int) -> None:
    child = np.asarray(truth.ct_child, dtype=np.int64)
    date = np.asarray(truth.ct_date, dtype=np.int64)
    keep = date <= ex
    order = np.argsort(date[keep], kind="stable")
    child, date = child[keep][order], date[keep][order]
    src = np.asarray(truth.ct_source, dtype=object)[keep][order]
    outcome = np.asarray(truth.ct_outcome, dtype=object)[keep][order]
    ids = people.ids(child, date)
    out.csv(SOURCE, "csc/contacts.csv", {
        "CONTACT_ID": [f"CT{i + 1:07d}" for i in range(len(child))],
        "PERSON_ID": ids, "CONTACT_DATE": fmt_dates(date, DATE),
        "CONTACT_SOURCE": [SOURCE_TEXT[s] for s in src], "CONTACT_OUTCOME": outcome,
    }, persons=child, record_ids=ids)


def _worker(roster: Roster, w: int) -> tuple[str | None, ...]:
    if w < 0:
        return (None, None, None, None, None)
    return (roster.name(w), roster.role[w].capitalize(), roster.team[w], roster.phone[w],
            roster.email[w])


def _episodes(world: World, out: Output, truth: CscTruth, people: CscPeople, roster: Roster,
              ex: int) -> None:
    ep_child = np.asarray(truth.ep_child, dtype=np.int64)
    ref = np.asarray(truth.ep_referral, dtype=np.int64)
    close = np.asarray(truth.ep_close, dtype=np.int64)
    keep = np.flatnonzero((ref <= ex) & (close >= world.borough.window_start))
    keep = keep[np.argsort(ref[keep], kind="stable")]
    ref_id = {int(e): f"REF{k + 1:07d}" for k, e in enumerate(keep)}
    ids = people.ids(ep_child[keep], ref[keep])
    close = close[keep]
    workers = [_worker(roster, truth.ep_worker[int(e)]) for e in keep]
    out.csv(SOURCE, "csc/referrals.csv", {
        "REFERRAL_ID": [ref_id[int(e)] for e in keep], "PERSON_ID": ids,
        "REFERRAL_DATE": fmt_dates(ref[keep], DATE),
        "REFERRAL_SOURCE": [truth.ep_source[int(e)] for e in keep],
        "PRIMARY_NEED": [truth.ep_need[int(e)] for e in keep],
        "NFA": ["Y" if truth.ep_nfa[int(e)] else "N" for e in keep],
        "STATUS": ["Open" if c == NEVER_INT else "Closed" for c in close],
        "CLOSURE_DATE": fmt_dates(close, DATE),
        "CLOSURE_REASON": [truth.ep_reason[int(e)] or None for e in keep],
        "ALLOCATED_WORKER": [w[0] for w in workers], "WORKER_ROLE": [w[1] for w in workers],
        "TEAM": [w[2] for w in workers], "WORKER_PHONE": [w[3] for w in workers],
        "WORKER_EMAIL": [w[4] for w in workers],
    }, persons=ep_child[keep], record_ids=ids)
    ex_ = ex

    def rows(eps: list[int], starts: list[int]) -> tuple[list[int], NDArray[np.int64],
                                                          NDArray[np.object_], list[str]]:
        kept = [i for i, e in enumerate(eps) if e in ref_id and starts[i] <= ex_]
        child = np.array([ep_child[eps[i]] for i in kept], dtype=np.int64)
        dates = np.array([ref[eps[i]] for i in kept], dtype=np.int64)
        ids = people.ids(child, dates) if kept else np.empty(0, dtype=object)
        return kept, child, ids, [ref_id[eps[i]] for i in kept]

    def upto(values: list[int], kept: list[int]) -> list[str | None]:
        return fmt_dates([v if v <= ex_ else NEVER_INT for v in (values[i] for i in kept)],
                         DATE)

    kept, child, ids, refs = rows(truth.as_ep, truth.as_start)
    out.csv(SOURCE, "csc/assessments.csv", {
        "ASSESSMENT_ID": [f"AS{k + 1:07d}" for k in range(len(kept))], "REFERRAL_ID": refs,
        "PERSON_ID": ids, "START_DATE": upto(truth.as_start, kept),
        "COMPLETED_DATE": upto(truth.as_auth, kept),
        "FACTORS": [truth.as_factors[i] if truth.as_auth[i] <= ex else None for i in kept],
    }, persons=child, record_ids=ids)
    kept, child, ids, refs = rows(truth.s47_ep, truth.s47_start)
    out.csv(SOURCE, "csc/section47.csv", {
        "S47_ID": [f"S47{k + 1:06d}" for k in range(len(kept))], "REFERRAL_ID": refs,
        "PERSON_ID": ids, "START_DATE": upto(truth.s47_start, kept),
        "ICPC_DATE": upto(truth.s47_icpc, kept),
        "ICPC_REQUIRED": ["N" if truth.s47_not_required[i] else "Y" for i in kept],
    }, persons=child, record_ids=ids)
    kept, child, ids, refs = rows(truth.cin_ep, truth.cin_start)
    out.csv(SOURCE, "csc/cin_plans.csv", {
        "CIN_PLAN_ID": [f"CINP{k + 1:06d}" for k in range(len(kept))], "REFERRAL_ID": refs,
        "PERSON_ID": ids, "START_DATE": upto(truth.cin_start, kept),
        "END_DATE": upto(truth.cin_end, kept),
    }, persons=child, record_ids=ids)
    kept, child, ids, refs = rows(truth.cp_ep, truth.cp_start)
    out.csv(SOURCE, "csc/cp_plans.csv", {
        "CP_PLAN_ID": [f"CPP{k + 1:06d}" for k in range(len(kept))], "REFERRAL_ID": refs,
        "PERSON_ID": ids, "START_DATE": upto(truth.cp_start, kept),
        "END_DATE": upto(truth.cp_end, kept),
        "CATEGORY": [CATEGORY_TEXT[truth.cp_initial[i]] for i in kept],
    }, persons=child, record_ids=ids)
    _cla(out, truth, people, roster, ex, world.borough.window_start)


def _cla(out: Output, truth: CscTruth, people: CscPeople, roster: Roster, ex: int,
         start_day: int) -> None:
    cla = truth.cla
    assert cla is not None
    child = np.asarray(cla.child, dtype=np.int64)
    decom = np.asarray(cla.decom, dtype=np.int64)
    dec = np.asarray(cla.dec, dtype=np.int64)
    # Only the periods of care of episodes the extract holds.
    ep_close = np.asarray(truth.ep_close, dtype=np.int64)
    exported = ep_close[np.asarray(cla.cin_ep, dtype=np.int64)] >= start_day
    keep = np.flatnonzero((decom <= ex) & exported)
    ids = people.ids(child[keep], decom[keep])
    dec = dec[keep]
    out.csv(SOURCE, "csc/cla_placements.csv", {
        "PLACEMENT_ID": [f"PL{k + 1:07d}" for k in range(len(keep))], "PERSON_ID": ids,
        "START_DATE": fmt_dates(decom[keep], DATE),
        "END_DATE": fmt_dates(np.where(dec > ex, NEVER_INT, dec), DATE),
        "LEGAL_STATUS": [cla.ls[int(i)] for i in keep],
        "PLACEMENT_TYPE": [cla.place[int(i)] for i in keep],
        "PROVIDER": [cla.provider[int(i)] for i in keep],
        "END_REASON": [cla.rec[int(i)] or None for i in keep],
    }, persons=child[keep], record_ids=ids)
    pc = np.asarray(cla.period_child, dtype=np.int64)
    ps = np.asarray(cla.period_start, dtype=np.int64)
    pe = np.asarray(cla.period_end, dtype=np.int64)
    first_ep: dict[tuple[int, int], int] = {}
    for c, d, e in zip(cla.child, cla.decom, cla.cin_ep, strict=True):
        first_ep.setdefault((c, d), e)
    period_ep = np.array([first_ep[(int(c), int(d))] for c, d in zip(pc, ps, strict=True)],
                         dtype=np.int64)
    keep = np.flatnonzero((ps <= ex) & (ep_close[period_ep] >= start_day)) \
        if len(pc) else np.empty(0, dtype=np.int64)
    ids = people.ids(pc[keep], ps[keep])
    ep_of: dict[tuple[int, int], int] = {}
    for idx, (c, d) in enumerate(zip(cla.child, cla.decom, strict=True)):
        ep_of.setdefault((c, d), idx)
    workers = []
    for i in keep:
        ep = cla.cin_ep[ep_of[(int(pc[i]), int(ps[i]))]]
        workers.append(_worker(roster, truth.ep_worker[ep]))
    ended = np.where(pe > ex, NEVER_INT, pe)
    out.csv(SOURCE, "csc/cla_periods.csv", {
        "CLA_PERIOD_ID": [f"CLA{k + 1:06d}" for k in range(len(keep))], "PERSON_ID": ids,
        "START_DATE": fmt_dates(ps[keep], DATE), "END_DATE": fmt_dates(ended[keep], DATE),
        "STATUS": ["Open" if e == NEVER_INT else "Closed" for e in ended[keep]],
        "SOCIAL_WORKER": [w[0] for w in workers], "WORKER_ROLE": [w[1] for w in workers],
        "TEAM": [w[2] for w in workers], "WORKER_PHONE": [w[3] for w in workers],
        "WORKER_EMAIL": [w[4] for w in workers],
    }, persons=pc[keep], record_ids=ids)
