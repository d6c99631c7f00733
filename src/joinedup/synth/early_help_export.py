"""The early help module's export: people, family members and episodes with lead
practitioners (council staff from the roster, or partners' own staff)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from joinedup.synth import mapping_yaml as my
from joinedup.synth.early_help import EhTruth
from joinedup.synth.identifiers import scattered_ids
from joinedup.synth.output import Output, fmt_dates, invalidate_dates
from joinedup.synth.population import NEVER
from joinedup.synth.quality import profile
from joinedup.synth.records import World, build_people
from joinedup.synth.workforce import Roster

SOURCE = "early_help"
DATE = "%Y-%m-%d"
NEVER_INT = int(NEVER)
_ROLE = {"school": "Pastoral lead", "vcse": "Family support worker",
         "health": "Health visitor"}


def write_early_help(world: World, out: Output, eh: EhTruth, roster: Roster,
                     school_of: dict[int, str], extract: dt.date, start: dt.date,
                     ) -> my.Mapping:
    rng = world.rng
    p = world.borough.people
    ex = (extract - dt.date(1970, 1, 1)).days
    q = profile(SOURCE)
    keep = [i for i in range(len(eh.child)) if eh.start[i] <= ex]
    # The family: referred children plus the parents living with them.
    who: list[int] = []
    when: list[int] = []
    links: list[tuple[int, int, int]] = []  # (parent, child, day)
    family_of: dict[int, int] = {}
    for i in keep:
        child, day = eh.child[i], eh.start[i]
        who.append(child)
        when.append(day)
        family_of.setdefault(child, eh.group[i])
        hh = eh.household[i]
        members = world.timeline.members(hh, day) if hh >= 0 else np.empty(0, np.int64)
        for parent in (int(p.mother[child]), int(p.father[child])):
            if parent >= 0 and parent in members:
                who.append(parent)
                when.append(day)
                links.append((parent, child, day))
                family_of.setdefault(parent, eh.group[i])
    persons = np.asarray(who, dtype=np.int64)
    days = np.asarray(when, dtype=np.int64)
    uniq, inverse = np.unique(persons, return_inverse=True)
    first = np.full(len(uniq), np.iinfo(np.int64).max)
    np.minimum.at(first, inverse, days)
    table = build_people(world, SOURCE, uniq, first, np.full(len(uniq), ex),
                         lambda n: scattered_ids(n, rng, 10_000_000, 99_999_999, "EH"), q, ex)
    a = world.addresses
    dob = fmt_dates(table.dob, DATE)
    for i in invalidate_dates(dob, DATE, q.invalid_value, rng):
        out.error(SOURCE, "early_help/people.csv", i + 2, "person.dob", "impossible_date", True)
    out.csv(SOURCE, "early_help/people.csv", {
        "PERSON_REF": table.record_id, "FIRST_NAME": table.first, "LAST_NAME": table.surname,
        "DATE_OF_BIRTH": dob, "SEX": [s or "U" for s in table.sex],
        "HOUSE_AND_STREET": a.line1[table.address], "AREA": a.locality[table.address],
        "POSTCODE": table.postcode, "NHS_NUMBER": table.nhs,
        "FAMILY_REF": [f"FAM{family_of[int(x)]:06d}" for x in table.person],
    }, persons=table.person, record_ids=table.record_id)
    out.person_errors(table, "early_help/people.csv")
    ld = np.array([x[2] for x in links], dtype=np.int64)
    pid = table.record_for(np.array([x[0] for x in links], dtype=np.int64), ld)
    cid = table.record_for(np.array([x[1] for x in links], dtype=np.int64), ld)
    pairs = sorted({(a_, b_, int(d)) for a_, b_, d in zip(pid, cid, ld, strict=True)
                    if a_ != b_})
    index = table.index_of()
    out.csv(SOURCE, "early_help/family_members.csv", {
        "PERSON_REF": [x[1] for x in pairs], "RELATED_PERSON_REF": [x[0] for x in pairs],
        "RELATIONSHIP": ["Parent/carer"] * len(pairs),
        "SINCE": fmt_dates([x[2] for x in pairs], DATE),
    }, persons=[int(table.person[index[x[1]]]) for x in pairs],
        record_ids=[x[1] for x in pairs])
    idx = np.array(keep, dtype=np.int64)
    kids = np.asarray(eh.child, dtype=np.int64)[idx]
    starts = np.asarray(eh.start, dtype=np.int64)[idx]
    ids = table.record_for(kids, starts)
    names: list[str] = []
    roles: list[str] = []
    teams: list[str | None] = []
    phones: list[str] = []
    emails: list[str] = []
    for i in keep:
        w = eh.worker[i]
        if w >= 0:
            names.append(roster.name(w))
            roles.append(roster.role[w].capitalize())
            teams.append(roster.team[w])
            phones.append(roster.phone[w])
            emails.append(roster.email[w])
        else:
            first_name = world.borough.forenames.words[eh.group[i] * 7 % 300]
            last_name = world.borough.surnames.words[eh.group[i] * 13 % 400]
            org = eh.organisation[i] or "School"
            names.append(f"{first_name} {last_name}")
            roles.append(_ROLE.get(eh.lead[i], "Lead practitioner"))
            teams.append(None)
            phones.append(f"0161 496 1{eh.group[i] % 1000:03d}")
            domain = "".join(ch for ch in org.lower() if ch.isalnum())[:20] or "partner"
            emails.append(f"{first_name[0].lower()}.{_clean(last_name)}@{domain}.example")
    ends = np.asarray(eh.end, dtype=np.int64)[idx]
    out.csv(SOURCE, "early_help/episodes.csv", {
        "EPISODE_REF": [f"EHE{k + 1:07d}" for k in range(len(keep))], "PERSON_REF": ids,
        "FAMILY_REF": [f"FAM{eh.group[i]:06d}" for i in keep],
        "START_DATE": fmt_dates(starts, DATE), "END_DATE": fmt_dates(ends, DATE),
        "REFERRAL_ROUTE": [eh.route[i] for i in keep],
        "PRIMARY_REASON": [eh.reason[i] for i in keep],
        "OUTCOME": [eh.outcome[i] or None for i in keep],
        "EPISODE_STATUS": ["Open" if e == NEVER_INT else "Closed" for e in ends],
        "LEAD_PRACTITIONER": names, "LEAD_ROLE": roles,
        "LEAD_ORGANISATION": [eh.organisation[i] or school_of.get(int(kids[k]), "Local school")
                              for k, i in enumerate(keep)],
        "TEAM": teams, "PHONE": phones, "EMAIL": emails,
    }, persons=kids, record_ids=ids)
    return my.source(SOURCE, "Early help module (family episodes export)", "early_help",
                     extract, start, extract, _mapping())


def _clean(text: str) -> str:
    from joinedup.synth.noise import ascii_upper

    return "".join(c for c in ascii_upper(text).lower() if c.isalpha())


def _mapping() -> list[my.Mapping]:
    t, v, c = my.target, my.value, my.col
    svc = v("early_help")
    return [
        my.file("early_help/people.csv", [t(
            "person", source_record_id="PERSON_REF", first_name="FIRST_NAME",
            surname="LAST_NAME", dob="DATE_OF_BIRTH",
            sex=c("SEX", codes={"M": "M", "F": "F", "U": "U", "": "U"}),
            address=my.cols(["HOUSE_AND_STREET", "AREA"]), postcode="POSTCODE",
            nhs_number="NHS_NUMBER")]),
        my.file("early_help/family_members.csv", [t(
            "relationship", from_record_id="RELATED_PERSON_REF", to_record_id="PERSON_REF",
            relationship_type=c("RELATIONSHIP", codes={"Parent/carer": "parent"}),
            start_date="SINCE")]),
        my.file("early_help/episodes.csv", [
            t("involvement", involvement_id="EPISODE_REF", source_record_id="PERSON_REF",
              service=svc, involvement_type=v("Early help episode"),
              status=c("EPISODE_STATUS", codes={"Open": "open", "Closed": "closed"}),
              start_date="START_DATE", end_date="END_DATE", reason="PRIMARY_REASON",
              outcome="OUTCOME", worker_name="LEAD_PRACTITIONER", worker_role="LEAD_ROLE",
              team="TEAM", worker_phone="PHONE", worker_email="EMAIL",
              organisation="LEAD_ORGANISATION"),
            t("event", event_id="EPISODE_REF", source_record_id="PERSON_REF", service=svc,
              event_type=v("early_help_episode"), event_date="START_DATE",
              end_date="END_DATE", category="REFERRAL_ROUTE", detail="OUTCOME",
              involvement_id="EPISODE_REF")]),
    ]
