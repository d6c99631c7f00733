"""The LA's education management system: pupils (school census style, keyed by UPN and the
system's own pupil id), enrolments, termly attendance, exclusions, SEN and EHC plans, and
the schools' weekly attendance of the current year (`synth.attendance_weekly`)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from joinedup.synth import mapping_yaml as my
from joinedup.synth.attendance_weekly import write_weekly_attendance
from joinedup.synth.education import Pupils, Schools, day
from joinedup.synth.ehcp_exceptions import write_exceptions
from joinedup.synth.identifiers import STOCKPORT_LA, sequential_ids
from joinedup.synth.output import Output, fmt_dates, invalidate_dates
from joinedup.synth.population import ETHNIC_CODES, NEVER
from joinedup.synth.quality import profile
from joinedup.synth.records import PersonTable, World, build_people, first_last

SOURCE = "education"
DATE = "%Y-%m-%d"
NEVER_INT = int(NEVER)
TERMS = (("Autumn", 9, 1, 12, 20, 140), ("Spring", 1, 4, 3, 31, 118),
         ("Summer", 4, 14, 7, 21, 126))


def _terms(as_of: dt.date, years: int = 3) -> list[tuple[str, str, int, int, int]]:
    """(academic year, term, start, end, sessions) for the last ``years`` complete years."""
    last_start = as_of.year - 1 if as_of.month >= 9 else as_of.year - 2
    out = []
    for y in range(last_start - years + 1, last_start + 1):
        label = f"{y}/{(y + 1) % 100:02d}"
        for name, m0, d0, m1, d1, sessions in TERMS:
            year0 = y if m0 >= 9 else y + 1
            start, end = day(dt.date(year0, m0, d0)), day(dt.date(year0, m1, d1))
            if end <= day(as_of):
                out.append((label, name, start, end, sessions))
    return out


def write_education(world: World, out: Output, schools: Schools, pupils: Pupils,
                    extract: dt.date, start: dt.date,
                    weekly_rng: np.random.Generator | None = None,
                    exceptions_rng: np.random.Generator | None = None) -> my.Mapping:
    """The education extracts; with ``weekly_rng`` the weekly attendance of the current
    academic year too, and with ``exceptions_rng`` the SEN2 exceptions to the 20-week limit
    (each its own random stream, so the other files stay byte-identical)."""
    rng = world.rng
    ex = day(extract)
    q = profile(SOURCE)
    child = np.asarray(pupils.en_child, dtype=np.int64)
    entry = np.asarray(pupils.en_entry, dtype=np.int64)
    leave = np.asarray(pupils.en_leave, dtype=np.int64)
    keep = entry <= ex
    persons, first, _ = first_last(child[keep], entry[keep])
    _, _, last = first_last(child[keep], np.minimum(leave[keep], ex))
    table = build_people(world, SOURCE, persons, first, last,
                         lambda n: sequential_ids("", 300_001, n, 6), q, ex)
    p = world.borough.people
    a = world.addresses
    dob = fmt_dates(table.dob, DATE)
    for i in invalidate_dates(dob, DATE, q.invalid_value, rng):
        out.error(SOURCE, "education/pupils.csv", i + 2, "person.dob", "impossible_date", True)
    out.csv(SOURCE, "education/pupils.csv", {
        "PupilID": table.record_id, "UPN": world.upn[table.person],
        "LegalSurname": table.surname, "Forename": table.first, "MiddleNames": table.middle,
        "DOB": dob, "Gender": table.sex, "Ethnicity": [ETHNIC_CODES[e] for e in
                                                       p.ethnic[table.person]],
        "AddressLine1": a.line1[table.address], "Locality": a.locality[table.address],
        "Town": a.town[table.address], "Postcode": table.postcode,
        "UPRN": a.uprn[table.address].astype(str),
        "LastUpdated": fmt_dates(table.last_seen, DATE),
    }, persons=table.person, record_ids=table.record_id)
    out.person_errors(table, "education/pupils.csv")

    idx = np.flatnonzero(keep)
    ids = table.record_for(child[idx], entry[idx])
    school = np.asarray(pupils.en_school, dtype=np.int64)[idx]
    left = np.where(leave[idx] > ex, NEVER_INT, leave[idx])
    out.csv(SOURCE, "education/enrolments.csv", {
        "EnrolmentID": [f"EN{k + 1:07d}" for k in range(len(idx))], "PupilID": ids,
        "SchoolURN": [schools.urn[s] for s in school],
        "SchoolName": [schools.name[s] for s in school],
        "LAESTAB": [STOCKPORT_LA + schools.estab[s] for s in school],
        "SchoolType": [schools.kind[s] for s in school],
        "EntryDate": fmt_dates(entry[idx], DATE), "LeavingDate": fmt_dates(left, DATE),
        "EnrolStatus": ["C"] * len(idx),
        "NCYearActual": [("R" if n == 0 else str(n)) for n in
                         np.asarray(pupils.en_ncy)[idx]],
        "AdmissionType": [pupils.en_admission[i] for i in idx],
        "Status": ["Current" if v == NEVER_INT else "Left" for v in left],
    }, persons=child[idx], record_ids=ids)
    _attendance(world, out, schools, pupils, table, extract)
    _exclusions(out, schools, pupils, table, ex)
    _sen(out, pupils, table, ex, extract)
    files = _mapping()
    if weekly_rng is not None:
        files.insert(3, write_weekly_attendance(world, out, schools, pupils, table, SOURCE,
                                                extract, weekly_rng))
    if exceptions_rng is not None:
        files.append(write_exceptions(out, pupils, table, ex, exceptions_rng))
    return my.source(SOURCE, "Education management system (school census and LA records)",
                     "education", extract, start, extract, files)


def _attendance(world: World, out: Output, schools: Schools, pupils: Pupils, table: PersonTable,
                extract: dt.date) -> None:
    rng = world.rng
    child = np.asarray(pupils.en_child, dtype=np.int64)
    entry = np.asarray(pupils.en_entry, dtype=np.int64)
    leave = np.asarray(pupils.en_leave, dtype=np.int64)
    school = np.asarray(pupils.en_school, dtype=np.int64)
    rows: dict[str, list[object]] = {k: [] for k in (
        "PupilID", "SchoolURN", "AcademicYear", "Term", "TermStart", "SessionsPossible",
        "SessionsAuthorisedAbsence", "SessionsUnauthorisedAbsence", "AttendancePercent")}
    persons: list[int] = []
    risk = world.borough.people.risk
    for year, term, t0, t1, sessions in _terms(extract):
        live = np.flatnonzero((entry < t1 - 10) & (leave > t0 + 10))
        if not len(live):
            continue
        share = (np.minimum(leave[live], t1) - np.maximum(entry[live], t0)) / (t1 - t0)
        possible = np.maximum((sessions * np.clip(share, 0, 1)).round().astype(int), 2)
        base = np.array([pupils.absence.get(int(c), 0.05) for c in child[live]])
        rate = np.clip(base * rng.gamma(4.0, 0.25, len(live)), 0, 0.95)
        absent = rng.binomial(possible, rate)
        unauth_share = np.clip(0.2 + 0.15 * np.log(np.maximum(risk[child[live]], 0.1)) + 0.3 *
                               (base > 0.1), 0.05, 0.9)
        unauth = rng.binomial(absent, unauth_share)
        ids = table.record_for(child[live], np.full(len(live), t0))
        rows["PupilID"].extend(ids)
        rows["SchoolURN"].extend(schools.urn[s] for s in school[live])
        rows["AcademicYear"].extend([year] * len(live))
        rows["Term"].extend([term] * len(live))
        rows["TermStart"].extend([t0] * len(live))
        rows["SessionsPossible"].extend(possible.tolist())
        rows["SessionsAuthorisedAbsence"].extend((absent - unauth).tolist())
        rows["SessionsUnauthorisedAbsence"].extend(unauth.tolist())
        rows["AttendancePercent"].extend(f"{100 * (1 - x / y):.1f}" for x, y in
                                         zip(absent, possible, strict=True))
        persons.extend(child[live].tolist())
    rows["TermStart"] = fmt_dates(rows["TermStart"], DATE)  # type: ignore[arg-type]
    rows = {"AttendanceID": [f"AT{k + 1:08d}" for k in range(len(persons))], **rows}
    out.csv(SOURCE, "education/attendance.csv", rows, persons=persons,
            record_ids=rows["PupilID"])


def _exclusions(out: Output, schools: Schools, pupils: Pupils, table: PersonTable, ex: int) -> None:
    child = np.asarray(pupils.ex_child, dtype=np.int64)
    date = np.asarray(pupils.ex_date, dtype=np.int64)
    keep = np.flatnonzero(date <= ex)
    keep = keep[np.argsort(date[keep], kind="stable")]
    ids = table.record_for(child[keep], date[keep])
    out.csv(SOURCE, "education/exclusions.csv", {
        "ExclusionID": [f"EX{k + 1:06d}" for k in range(len(keep))], "PupilID": ids,
        "SchoolURN": [schools.urn[pupils.ex_school[i]] for i in keep],
        "StartDate": fmt_dates(date[keep], DATE),
        "Category": [pupils.ex_kind[i] for i in keep],
        "Sessions": [str(pupils.ex_sessions[i]) if pupils.ex_kind[i] == "FIXD" else None
                     for i in keep],
        "Reason": [pupils.ex_reason[i] for i in keep],
    }, persons=child[keep], record_ids=ids)


def _sen(out: Output, pupils: Pupils, table: PersonTable, ex: int, extract: dt.date) -> None:
    child = np.asarray(pupils.en_child, dtype=np.int64)
    entry = np.asarray(pupils.en_entry, dtype=np.int64)
    leave = np.asarray(pupils.en_leave, dtype=np.int64)
    issue = {c: i for c, i in zip(pupils.ehcp_child, pupils.ehcp_issue, strict=True)}
    rows: dict[str, list[object]] = {k: [] for k in (
        "PupilID", "CensusDate", "SENProvision", "PrimaryNeed")}
    persons: list[int] = []
    need = dict(zip(pupils.sen_child, pupils.sen_need, strict=True))
    status = dict(zip(pupils.sen_child, pupils.sen_status, strict=True))
    sen_kids = np.array(sorted(need), dtype=np.int64)
    for year in range(2019, extract.year + 1):
        census = day(dt.date(year, 1, 18))
        if census > ex:
            break
        on_roll = np.unique(child[(entry <= census) & (leave > census)])
        for c in sen_kids[np.isin(sen_kids, on_roll)]:
            c = int(c)
            provision = "E" if status[c] == "E" and issue.get(c, NEVER_INT) <= census else "K"
            rows["CensusDate"].append(census)
            rows["SENProvision"].append(provision)
            rows["PrimaryNeed"].append(need[c])
            persons.append(c)
    dates = np.asarray(rows["CensusDate"], dtype=np.int64)
    ids = table.record_for(np.asarray(persons, dtype=np.int64), dates) \
        if persons else np.empty(0, dtype=object)
    rows["PupilID"] = list(ids)
    rows["CensusDate"] = fmt_dates(dates, DATE)  # type: ignore[arg-type]
    out.csv(SOURCE, "education/sen.csv", {
        "SENRecordID": [f"SEN{k + 1:07d}" for k in range(len(persons))], **rows},
        persons=persons, record_ids=rows["PupilID"])
    req_child = np.asarray(pupils.ehcp_child, dtype=np.int64)
    request = np.asarray(pupils.ehcp_request, dtype=np.int64)
    issued = np.asarray(pupils.ehcp_issue, dtype=np.int64)
    keep = np.flatnonzero(request <= ex)
    ids = table.record_for(req_child[keep], request[keep])
    decision = ["Plan issued" if issued[i] <= ex else
                ("Awaiting decision" if request[i] > ex - 140 else "Not issued") for i in keep]
    out.csv(SOURCE, "education/ehcp_requests.csv", {
        "RequestID": [f"EHC{k + 1:06d}" for k in range(len(keep))], "PupilID": ids,
        "RequestDate": fmt_dates(request[keep], DATE), "Decision": decision,
    }, persons=req_child[keep], record_ids=ids)
    plans = keep[issued[keep] <= ex]
    pids = table.record_for(req_child[plans], issued[plans])
    weeks = (issued[plans] - request[plans]) / 7
    out.csv(SOURCE, "education/ehcp_plans.csv", {
        "PlanID": [f"EHCP{k + 1:06d}" for k in range(len(plans))], "PupilID": pids,
        "RequestDate": fmt_dates(request[plans], DATE),
        "IssueDate": fmt_dates(issued[plans], DATE),
        "WeeksToIssue": [f"{w:.1f}" for w in weeks],
        "Within20Weeks": ["Y" if w <= 20 else "N" for w in weeks],
    }, persons=req_child[plans], record_ids=pids)


def _mapping() -> list[my.Mapping]:
    t, v, c = my.target, my.value, my.col
    svc = v("education")
    return [
        my.file("education/pupils.csv", [t(
            "person", source_record_id="PupilID", upn="UPN", surname="LegalSurname",
            first_name="Forename", middle_names="MiddleNames", dob="DOB",
            sex=c("Gender", codes={"M": "M", "F": "F", "": "U"}),
            address=my.cols(["AddressLine1", "Locality", "Town"]), postcode="Postcode",
            uprn="UPRN", recorded_date="LastUpdated")]),
        my.file("education/enrolments.csv", [
            t("involvement", involvement_id="EnrolmentID", source_record_id="PupilID",
              service=svc, involvement_type=v("School enrolment"),
              status=c("Status", codes={"Current": "open", "Left": "closed"}),
              start_date="EntryDate", end_date="LeavingDate", organisation="SchoolName",
              reason="AdmissionType"),
            t("event", event_id="EnrolmentID", source_record_id="PupilID", service=svc,
              event_type=v("enrolment"), event_date="EntryDate", end_date="LeavingDate",
              category="NCYearActual", detail="SchoolName", involvement_id="EnrolmentID")]),
        my.file("education/attendance.csv", [t(
            "event", event_id="AttendanceID", source_record_id="PupilID", service=svc,
            event_type=v("attendance"), event_date="TermStart", category="Term",
            value="AttendancePercent", detail="AcademicYear")]),
        my.file("education/exclusions.csv", [t(
            "event", event_id="ExclusionID", source_record_id="PupilID", service=svc,
            event_type=c("Category", codes={"FIXD": "suspension", "PERM": "permanent_exclusion"}),
            event_date="StartDate", value="Sessions", category="Reason")]),
        my.file("education/sen.csv", [t(
            "event", event_id="SENRecordID", source_record_id="PupilID", service=svc,
            event_type=v("sen_status"), event_date="CensusDate", category="SENProvision",
            detail="PrimaryNeed")]),
        my.file("education/ehcp_requests.csv", [t(
            "event", event_id="RequestID", source_record_id="PupilID", service=svc,
            event_type=v("ehcp_request"), event_date="RequestDate", detail="Decision")]),
        my.file("education/ehcp_plans.csv", [t(
            "event", event_id="PlanID", source_record_id="PupilID", service=svc,
            event_type=v("ehcp_issued"), event_date="IssueDate", value="WeeksToIssue",
            category="Within20Weeks")]),
    ]
