"""The same children's social care data in the DfE's statutory formats: the CIN census XML
(no names: LAchildID, UPN, DOB, gender) and the SSDA903 looked-after children CSV tables."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

import numpy as np

from joinedup.synth import mapping_yaml as my
from joinedup.synth.csc_cla import partial_postcode
from joinedup.synth.csc_export import CscPeople
from joinedup.synth.csc_truth import CscTruth
from joinedup.synth.identifiers import STOCKPORT_LA
from joinedup.synth.output import Output, fmt_dates
from joinedup.synth.population import CHILD_DISABILITY, ETHNIC_CODES, NEVER
from joinedup.synth.records import World

NEVER_INT = int(NEVER)
CIN = "cin_census"
SSDA = "ssda903"


def census_year(as_of: dt.date) -> int:
    """The latest reporting year (ending 31 March) completed by ``as_of``."""
    return as_of.year if as_of >= dt.date(as_of.year, 4, 1) else as_of.year - 1


def _d(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


def _el(name: str, text: str | None, indent: str) -> str:
    return "" if text is None or text == "" else f"{indent}<{name}>{escape(text)}</{name}>\n"


def write_cin_census(world: World, out: Output, truth: CscTruth, people: CscPeople,
                     year: int) -> my.Mapping:
    p = world.borough.people
    y0 = (dt.date(year - 1, 4, 1) - dt.date(1970, 1, 1)).days
    y1 = (dt.date(year, 3, 31) - dt.date(1970, 1, 1)).days
    ref = np.asarray(truth.ep_referral, dtype=np.int64)
    close = np.asarray(truth.ep_close, dtype=np.int64)
    in_year = np.flatnonzero((ref <= y1) & (close >= y0))
    by_child: dict[int, list[int]] = {}
    for e in in_year[np.argsort(ref[in_year], kind="stable")]:
        by_child.setdefault(truth.ep_child[int(e)], []).append(int(e))
    children = sorted(by_child, key=lambda c: by_child[c][0])
    ids = people.ids(np.array(children, dtype=np.int64),
                     np.array([ref[by_child[c][0]] for c in children], dtype=np.int64))
    sub = _index(truth)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n  <Header>\n',
             "    <CollectionDetails>\n      <Collection>CIN</Collection>\n"
             f"      <Year>{year}</Year>\n      <ReferenceDate>{year}-03-31</ReferenceDate>\n"
             "    </CollectionDetails>\n    <Source>\n      <SourceLevel>L</SourceLevel>\n"
             f"      <LEA>{STOCKPORT_LA}</LEA>\n      <SoftwareCode>joinedup-synth</SoftwareCode>\n"
             f"      <Release>1</Release>\n      <SerialNo>1</SerialNo>\n"
             f"      <DateTime>{year}-05-01T09:00:00</DateTime>\n    </Source>\n"
             "  </Header>\n  <Children>\n"]
    for child, lachild in zip(children, ids, strict=True):
        upn = world.upn[child]
        age = (y1 - p.dob[child]) / 365.25
        death = int(p.death[child])
        disabled = bool(p.flags[child] & CHILD_DISABILITY)
        parts.append("    <Child>\n      <ChildIdentifiers>\n")
        parts.append(_el("LAchildID", str(lachild), "        "))
        parts.append(_el("UPN", upn, "        "))
        if upn is None:
            parts.append(_el("UPNunknown", "UN1" if age < 5 else "UN2", "        "))
        born = int(p.dob[child]) <= y1
        parts.append(_el("PersonBirthDate" if born else "ExpectedPersonBirthDate",
                         _d(p.dob[child]), "        "))
        parts.append(_el("GenderCurrent", "1" if p.sex[child] == 0 else "2", "        "))
        if death <= y1:
            parts.append(_el("PersonDeathDate", _d(death), "        "))
        parts.append("      </ChildIdentifiers>\n      <ChildCharacteristics>\n")
        parts.append(_el("Ethnicity", ETHNIC_CODES[p.ethnic[child]], "        "))
        parts.append("        <Disabilities>\n")
        for code in (["LD", "COMM"] if disabled else ["NONE"]):
            parts.append(_el("Disability", code, "          "))
        parts.append("        </Disabilities>\n      </ChildCharacteristics>\n")
        for e in by_child[child]:
            parts.append(_details(truth, sub, e, y1))
        parts.append("    </Child>\n")
    parts.append("  </Children>\n</Message>\n")
    rel = f"cin_census/cin_census_{year}.xml"
    out.raw(CIN, rel, "".join(parts).encode("utf-8"), len(children), "cin_xml",
            persons=children, record_ids=ids)
    current = dt.date(year, 3, 31)
    return my.source(CIN, f"CIN census {year} return (XML, as submitted to DfE)",
                     "childrens_social_care", current, dt.date(year - 1, 4, 1), current,
                     _cin_mapping(rel))


def _index(truth: CscTruth) -> dict[str, dict[int, list[int]]]:
    index: dict[str, dict[int, list[int]]] = {}
    for name, eps in (("as", truth.as_ep), ("cin", truth.cin_ep), ("s47", truth.s47_ep),
                      ("cp", truth.cp_ep)):
        table: dict[int, list[int]] = {}
        for i, e in enumerate(eps):
            table.setdefault(e, []).append(i)
        index[name] = table
    return index


def _details(truth: CscTruth, sub: dict[str, dict[int, list[int]]], e: int, y1: int) -> str:
    def upto(day: int) -> str | None:
        return _d(day) if day <= y1 else None

    out = ["      <CINdetails>\n"]
    i8 = "        "
    out.append(_el("CINreferralDate", _d(truth.ep_referral[e]), i8))
    out.append(_el("ReferralSource", truth.ep_source[e], i8))
    out.append(_el("PrimaryNeedCode", truth.ep_need[e], i8))
    closed = truth.ep_close[e] <= y1
    out.append(_el("CINclosureDate", upto(truth.ep_close[e]), i8))
    out.append(_el("ReasonForClosure", truth.ep_reason[e] if closed else None, i8))
    icpc = [truth.s47_icpc[i] for i in sub["s47"].get(e, []) if truth.s47_icpc[i] <= y1]
    out.append(_el("DateOfInitialCPC", _d(min(icpc)) if icpc else None, i8))
    out.append(_el("ReferralNFA", "true" if truth.ep_nfa[e] else "false", i8))
    for i in sub["as"].get(e, []):
        if truth.as_start[i] > y1:
            continue
        out.append(f"{i8}<Assessments>\n")
        out.append(_el("AssessmentActualStartDate", _d(truth.as_start[i]), i8 + "  "))
        out.append(_el("AssessmentAuthorisationDate", upto(truth.as_auth[i]), i8 + "  "))
        if truth.as_auth[i] <= y1 and truth.as_factors[i]:
            out.append(f"{i8}  <FactorsIdentifiedAtAssessment>\n")
            for code in truth.as_factors[i].split(","):
                out.append(_el("AssessmentFactors", code, i8 + "    "))
            out.append(f"{i8}  </FactorsIdentifiedAtAssessment>\n")
        out.append(f"{i8}</Assessments>\n")
    for i in sub["cin"].get(e, []):
        if truth.cin_start[i] > y1:
            continue
        out.append(f"{i8}<CINPlanDates>\n")
        out.append(_el("CINPlanStartDate", _d(truth.cin_start[i]), i8 + "  "))
        out.append(_el("CINPlanEndDate", upto(truth.cin_end[i]), i8 + "  "))
        out.append(f"{i8}</CINPlanDates>\n")
    for i in sub["s47"].get(e, []):
        if truth.s47_start[i] > y1:
            continue
        out.append(f"{i8}<Section47>\n")
        out.append(_el("S47ActualStartDate", _d(truth.s47_start[i]), i8 + "  "))
        out.append(_el("InitialCPCtarget", _d(truth.s47_start[i] + 15), i8 + "  "))
        out.append(_el("DateOfInitialCPC", upto(truth.s47_icpc[i]), i8 + "  "))
        out.append(_el("ICPCnotRequired", "true" if truth.s47_not_required[i] else "false",
                       i8 + "  "))
        out.append(f"{i8}</Section47>\n")
    for i in sub["cp"].get(e, []):
        if truth.cp_start[i] > y1:
            continue
        out.append(f"{i8}<ChildProtectionPlans>\n")
        out.append(_el("CPPstartDate", _d(truth.cp_start[i]), i8 + "  "))
        out.append(_el("CPPendDate", upto(truth.cp_end[i]), i8 + "  "))
        out.append(_el("InitialCategoryOfAbuse", truth.cp_initial[i], i8 + "  "))
        out.append(_el("LatestCategoryOfAbuse", truth.cp_latest[i], i8 + "  "))
        out.append(_el("NumberOfPreviousCPP", str(truth.cp_previous[i]), i8 + "  "))
        reviews = [r for r in truth.cp_reviews[i] if r <= y1]
        if reviews:
            out.append(f"{i8}  <Reviews>\n")
            for r in reviews:
                out.append(_el("CPPreviewDate", _d(r), i8 + "    "))
            out.append(f"{i8}  </Reviews>\n")
        out.append(f"{i8}</ChildProtectionPlans>\n")
    out.append("      </CINdetails>\n")
    return "".join(out)


def _cin_mapping(rel: str) -> list[my.Mapping]:
    t, v, c = my.target, my.value, my.col
    svc = v("childrens_social_care")
    event = {"service": svc, "source_record_id": "LAchildID", "involvement_id": "CINdetailsID"}
    return [
        my.file(rel, [t("person", source_record_id="LAchildID", upn="UPN",
                        dob="PersonBirthDate",
                        sex=c("GenderCurrent", codes={"0": "U", "1": "M", "2": "F", "9": "X"}),
                        date_of_death="PersonDeathDate")], format="cin_xml", table="child"),
        my.file(rel, [
            t("involvement", involvement_id="CINdetailsID", source_record_id="LAchildID",
              service=svc, involvement_type=v("Child in need episode"),
              start_date="CINreferralDate", end_date="CINclosureDate",
              reason="PrimaryNeedCode", outcome="ReasonForClosure"),
            t("event", event_id="CINdetailsID", event_type=v("referral"),
              event_date="CINreferralDate", category="ReferralSource", **event)],
            format="cin_xml", table="cin_details"),
        my.file(rel, [t("event", event_id="AssessmentID", event_type=v("assessment"),
                        event_date="AssessmentActualStartDate",
                        end_date="AssessmentAuthorisationDate", category="AssessmentFactors",
                        **event)], format="cin_xml", table="assessments"),
        my.file(rel, [t("event", event_id="CINPlanID", event_type=v("cin_plan"),
                        event_date="CINPlanStartDate", end_date="CINPlanEndDate", **event)],
                format="cin_xml", table="cin_plans"),
        my.file(rel, [t("event", event_id="Section47ID", event_type=v("section47"),
                        event_date="S47ActualStartDate", end_date="DateOfInitialCPC",
                        **event)], format="cin_xml", table="section47"),
        my.file(rel, [t("event", event_id="CPPID", event_type=v("cp_plan"),
                        event_date="CPPstartDate", end_date="CPPendDate",
                        category="InitialCategoryOfAbuse", **event)],
                format="cin_xml", table="cpp"),
    ]


def write_ssda903(world: World, out: Output, truth: CscTruth, people: CscPeople,
                  year: int) -> my.Mapping:
    cla = truth.cla
    assert cla is not None
    p = world.borough.people
    a = world.addresses
    fmt = "%d/%m/%Y"
    y0 = (dt.date(year - 1, 4, 1) - dt.date(1970, 1, 1)).days
    y1 = (dt.date(year, 3, 31) - dt.date(1970, 1, 1)).days
    child = np.asarray(cla.child, dtype=np.int64)
    decom = np.asarray(cla.decom, dtype=np.int64)
    dec = np.asarray(cla.dec, dtype=np.int64)
    eps = np.flatnonzero((decom <= y1) & (dec >= y0))
    eps = eps[np.lexsort((decom[eps], child[eps]))]
    kids = np.unique(child[eps])
    first_day = {int(c): int(decom[eps][child[eps] == c].min()) for c in kids}
    ids = dict(zip(kids.tolist(), people.ids(kids, np.array([first_day[int(c)] for c in kids],
                                                            dtype=np.int64)), strict=True))
    upn = [world.upn[c] or ("UN1" if (y1 - p.dob[c]) / 365.25 < 5 else "UN2") for c in kids]
    mother = ["0" if p.sex[c] == 1 and (y1 - p.dob[c]) / 365.25 >= 12 else None for c in kids]
    out.csv(SSDA, f"ssda903/header_{year}.csv", {
        "CHILD": [ids[int(c)] for c in kids], "SEX": ["1" if p.sex[c] == 0 else "2" for c in kids],
        "DOB": fmt_dates(p.dob[kids], fmt), "ETHNIC": [ETHNIC_CODES[p.ethnic[c]] for c in kids],
        "UPN": upn, "MOTHER": mother, "MC_DOB": [None] * len(kids),
    }, persons=kids, record_ids=[ids[int(c)] for c in kids])
    open_end = dec[eps] > y1
    home = np.asarray(cla.home_address, dtype=np.int64)[eps]
    out.csv(SSDA, f"ssda903/episodes_{year}.csv", {
        "CHILD": [ids[int(c)] for c in child[eps]], "DECOM": fmt_dates(decom[eps], fmt),
        "RNE": [cla.rne[i] for i in eps], "LS": [cla.ls[i] for i in eps],
        "CIN": [cla.need[i] for i in eps], "PLACE": [cla.place[i] for i in eps],
        "PLACE_PROVIDER": [cla.provider[i] for i in eps],
        "DEC": fmt_dates(np.where(open_end, NEVER_INT, dec[eps]), fmt),
        "REC": [None if o else cla.rec[i] for i, o in zip(eps, open_end, strict=True)],
        "REASON_PLACE_CHANGE": [None if o else (cla.change_reason[i] or None)
                                for i, o in zip(eps, open_end, strict=True)],
        "HOME_POST": [partial_postcode(str(a.postcode[h])) if h >= 0 else None for h in home],
        "PL_POST": [cla.pl_post[i] or None for i in eps], "URN": [cla.urn[i] for i in eps],
    }, persons=child[eps], record_ids=[ids[int(c)] for c in child[eps]])
    rv_child = np.asarray(cla.rv_child, dtype=np.int64)
    rv_date = np.asarray(cla.rv_date, dtype=np.int64)
    rv = np.flatnonzero((rv_date >= y0) & (rv_date <= y1) & np.isin(rv_child, kids))
    out.csv(SSDA, f"ssda903/reviews_{year}.csv", {
        "CHILD": [ids[int(c)] for c in rv_child[rv]], "DOB": fmt_dates(p.dob[rv_child[rv]], fmt),
        "REVIEW": fmt_dates(rv_date[rv], fmt), "REVIEW_CODE": [cla.rv_code[i] for i in rv],
    }, persons=rv_child[rv], record_ids=[ids[int(c)] for c in rv_child[rv]])
    ms_child = np.asarray(cla.ms_child, dtype=np.int64)
    ms_start = np.asarray(cla.ms_start, dtype=np.int64)
    ms_end = np.asarray(cla.ms_end, dtype=np.int64)
    ms = np.flatnonzero((ms_start >= y0) & (ms_start <= y1) & np.isin(ms_child, kids))
    out.csv(SSDA, f"ssda903/missing_{year}.csv", {
        "CHILD": [ids[int(c)] for c in ms_child[ms]], "DOB": fmt_dates(p.dob[ms_child[ms]], fmt),
        "MISSING": [cla.ms_kind[i] for i in ms], "MIS_START": fmt_dates(ms_start[ms], fmt),
        "MIS_END": fmt_dates(np.where(ms_end[ms] > y1, NEVER_INT, ms_end[ms]), fmt),
    }, persons=ms_child[ms], record_ids=[ids[int(c)] for c in ms_child[ms]])
    current = dt.date(year, 3, 31)
    return my.source(SSDA, f"SSDA903 children looked after return {year} (CSV tables)",
                     "childrens_social_care", current, dt.date(year - 1, 4, 1), current,
                     _ssda_mapping(year))


def _ssda_mapping(year: int) -> list[my.Mapping]:
    t, v, c = my.target, my.value, my.col
    svc = v("childrens_social_care")
    return [
        my.file(f"ssda903/header_{year}.csv", [t(
            "person", source_record_id="CHILD", dob="DOB", upn="UPN",
            sex=c("SEX", codes={"1": "M", "2": "F"}))], format="ssda903", table="header"),
        my.file(f"ssda903/episodes_{year}.csv", [t(
            "event", event_id=my.cols(["CHILD", "DECOM"], "/E/"), source_record_id="CHILD",
            service=svc, event_type=v("cla_episode"), event_date="DECOM", end_date="DEC",
            category="LS", detail="PLACE")], format="ssda903", table="episodes"),
        my.file(f"ssda903/reviews_{year}.csv", [t(
            "event", event_id=my.cols(["CHILD", "REVIEW"], "/R/"), source_record_id="CHILD",
            service=svc, event_type=v("cla_review"), event_date="REVIEW",
            category="REVIEW_CODE")], format="ssda903", table="reviews"),
        my.file(f"ssda903/missing_{year}.csv", [t(
            "event", event_id=my.cols(["CHILD", "MIS_START"], "/M/"), source_record_id="CHILD",
            service=svc, event_type=v("missing_episode"), event_date="MIS_START",
            end_date="MIS_END", category="MISSING")], format="ssda903", table="missing"),
    ]
