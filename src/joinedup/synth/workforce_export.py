"""The HR roster extract of practitioners (current and leavers since the window began)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from joinedup.synth import mapping_yaml as my
from joinedup.synth.output import Output, fmt_dates
from joinedup.synth.population import NEVER
from joinedup.synth.workforce import Roster

SOURCE = "workforce"
DATE = "%d/%m/%Y"
NEVER_INT = int(NEVER)
SERVICE_TEXT = {"childrens_social_care": "Children's Social Care", "early_help": "Early Help",
                "adult_social_care": "Adult Social Care"}


def write_workforce(out: Output, roster: Roster, as_of: dt.date) -> my.Mapping:
    # Everyone who held a post from a year before the window: every key worker named in an
    # involvement is on the roster.
    keep = list(range(len(roster)))
    titles = [roster.role[i].title() for i in keep]
    in_post = [roster.leave[i] == NEVER_INT for i in keep]
    out.csv(SOURCE, "workforce/practitioner_roster.csv", {
        "Staff Number": [roster.staff_id[i] for i in keep],
        "Forename": [roster.first[i] for i in keep],
        "Surname": [roster.last[i] for i in keep],
        "Job Title": titles,
        "Grade": [roster.seniority[i].title() for i in keep],
        "Team": [roster.team[i] for i in keep],
        "Service Area": [SERVICE_TEXT[roster.service[i]] for i in keep],
        "FTE": [f"{roster.fte[i]:.2f}" for i in keep],
        "Start Date": fmt_dates([roster.start[i] for i in keep], DATE),
        "Leaving Date": fmt_dates([roster.leave[i] for i in keep], DATE),
        "Contract Type": ["Agency" if roster.agency[i] else "Permanent" for i in keep],
        "Open Cases": [str(roster.caseload[i]) if roster.holds_cases[i] and live else None
                       for i, live in zip(keep, in_post, strict=True)],
        "Work Phone": [roster.phone[i] for i in keep],
        "Work Email": [roster.email[i] for i in keep],
    })
    roles = sorted({r.title() for r in roster.role})
    grades = sorted({s.title() for s in roster.seniority})
    t, c = my.target, my.col
    mapping = my.file("workforce/practitioner_roster.csv", [t(
        "practitioner", staff_id="Staff Number", name=my.cols(["Forename", "Surname"], " "),
        role=c("Job Title", codes={r: r.lower() for r in roles}),
        seniority=c("Grade", codes={g: g.lower() for g in grades}), team="Team",
        service=c("Service Area", codes={v: k for k, v in SERVICE_TEXT.items()}),
        fte="FTE", start_date="Start Date", leave_date="Leaving Date",
        employment_type=c("Contract Type", codes={"Permanent": "permanent",
                                                  "Agency": "agency"}),
        caseload="Open Cases", phone="Work Phone", email="Work Email")], date_format=DATE)
    return my.source(SOURCE, "HR practitioner roster (monthly extract)", "workforce", as_of,
                     None, as_of, [mapping])


def workforce_figures(roster: Roster, as_of: int) -> dict[str, float]:
    """Children's social worker figures on the extract date, as DfE defines them."""
    idx = np.array([i for i in range(len(roster))
                    if (roster.service[i] == "childrens_social_care"
                    and "social worker" in roster.role[i]) or (
                        roster.service[i] == "childrens_social_care"
                        and roster.role[i] == "team manager")])
    if not len(idx):
        return {}
    start = np.array(roster.start)[idx]
    leave = np.array(roster.leave)[idx]
    fte = np.array(roster.fte)[idx]
    agency = np.array(roster.agency)[idx]
    holds = np.array(roster.holds_cases)[idx]
    cases = np.array(roster.caseload)[idx]
    live = (start <= as_of) & (leave > as_of)
    year_ago = as_of - 365
    perm_live = live & ~agency
    leavers = (~agency) & (leave > year_ago) & (leave <= as_of)
    return {
        "fte": float(fte[live].sum()),
        "agency_pct": 100 * float(fte[live & agency].sum()) / max(float(fte[live].sum()), 1e-9),
        "turnover_pct": 100 * float(fte[leavers].sum()) / max(float(fte[perm_live].sum()), 1e-9),
        "caseload_fte": float(cases[live & holds].sum()) / max(float(fte[live & holds].sum()),
                                                                1e-9),
        "case_holders_fte": float(fte[live & holds].sum()),
    }
