"""CIN census XML (the DfE's children in need return) flattened into named tables.

Parsed with defusedxml: DTDs, entity expansion and external entities are refused, so a hostile
file (billion laughs, XXE) fails with a SourceError before anything is loaded. The "row" of
every record is the 1-based position of its <Child> element in the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import duckdb
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from joinedup.errors import MappingError, SourceError
from joinedup.sources.files import check_readable
from joinedup.sources.raw import RawSource, arrow_source

TABLES: dict[str, tuple[str, ...]] = {
    "child": ("LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
              "ExpectedPersonBirthDate", "GenderCurrent", "PersonDeathDate", "Ethnicity",
              "Disabilities"),
    "cin_details": ("LAchildID", "CINdetailsID", "CINreferralDate", "ReferralSource",
                    "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure", "DateOfInitialCPC",
                    "ReferralNFA"),
    "assessments": ("LAchildID", "CINdetailsID", "AssessmentID", "AssessmentActualStartDate",
                    "AssessmentInternalReviewDate", "AssessmentAuthorisationDate",
                    "AssessmentFactors"),
    "cin_plans": ("LAchildID", "CINdetailsID", "CINPlanID", "CINPlanStartDate",
                  "CINPlanEndDate"),
    "section47": ("LAchildID", "CINdetailsID", "Section47ID", "S47ActualStartDate",
                  "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"),
    "cpp": ("LAchildID", "CINdetailsID", "CPPID", "CPPstartDate", "CPPendDate",
            "InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "NumberOfPreviousCPP",
            "CPPreviewDates"),
}

Record = dict[str, str | None]


@dataclass
class CinTables:
    """Every table of one CIN census file: records with the <Child> position they came from."""

    rows: dict[str, list[int]] = field(default_factory=lambda: {t: [] for t in TABLES})
    records: dict[str, list[Record]] = field(default_factory=lambda: {t: [] for t in TABLES})

    def add(self, table: str, row: int, record: Record) -> None:
        self.rows[table].append(row)
        self.records[table].append(record)


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _kids(element: Element, name: str) -> list[Element]:
    return [kid for kid in element if _local(kid.tag) == name]


def _kid(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    found = _kids(element, name)
    return found[0] if found else None


def _text(element: Element | None, name: str) -> str | None:
    kid = _kid(element, name)
    if kid is None or kid.text is None:
        return None
    return kid.text.strip() or None


def _joined(values: Iterable[str | None]) -> str | None:
    kept = [v for v in values if v]
    return ",".join(kept) or None


def _texts(element: Element | None, group: str, item: str) -> list[str | None]:
    holder = _kid(element, group)
    if holder is None:
        return []
    return [(kid.text or "").strip() or None for kid in _kids(holder, item)]


def _child(tables: CinTables, row: int, child: Element) -> None:
    ids = _kid(child, "ChildIdentifiers")
    traits = _kid(child, "ChildCharacteristics")
    la_id = _text(ids, "LAchildID")
    record: Record = {name: _text(ids, name) for name in TABLES["child"][:8]}
    record["Ethnicity"] = _text(traits, "Ethnicity")
    record["Disabilities"] = _joined(_texts(traits, "Disabilities", "Disability"))
    tables.add("child", row, record)
    for n, details in enumerate(_kids(child, "CINdetails"), start=1):
        cin_id = f"{la_id}-{n}" if la_id else None
        base: Record = {"LAchildID": la_id, "CINdetailsID": cin_id}
        tables.add("cin_details", row, base | {
            name: _text(details, name) for name in TABLES["cin_details"][2:]})

        def sub_id(letter: str, k: int, cin_id: str | None = cin_id) -> str | None:
            return f"{cin_id}-{letter}{k}" if cin_id else None

        for k, item in enumerate(_kids(details, "Assessments"), start=1):
            tables.add("assessments", row, base | {
                "AssessmentID": sub_id("A", k),
                **{name: _text(item, name) for name in TABLES["assessments"][3:6]},
                "AssessmentFactors": _joined(
                    _texts(item, "FactorsIdentifiedAtAssessment", "AssessmentFactors")),
            })
        for k, item in enumerate(_kids(details, "CINPlanDates"), start=1):
            tables.add("cin_plans", row, base | {
                "CINPlanID": sub_id("P", k),
                **{name: _text(item, name) for name in TABLES["cin_plans"][3:]}})
        for k, item in enumerate(_kids(details, "Section47"), start=1):
            tables.add("section47", row, base | {
                "Section47ID": sub_id("S", k),
                **{name: _text(item, name) for name in TABLES["section47"][3:]}})
        for k, item in enumerate(_kids(details, "ChildProtectionPlans"), start=1):
            tables.add("cpp", row, base | {
                "CPPID": sub_id("C", k),
                **{name: _text(item, name) for name in TABLES["cpp"][3:8]},
                "CPPreviewDates": _joined(_texts(item, "Reviews", "CPPreviewDate"))})


def parse_cin(path: Path, shown: str) -> CinTables:
    """Parse the whole file (nothing is loaded until it has all parsed cleanly)."""
    check_readable(path, shown)
    tables = CinTables()
    count = 0
    root: Element | None = None
    try:
        for event, element in iterparse(str(path), events=("start", "end"), forbid_dtd=True,
                                        forbid_entities=True, forbid_external=True):
            if event == "start":
                root = element if root is None else root
                continue
            if _local(element.tag) == "Child":
                count += 1
                _child(tables, count, element)
                element.clear()
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        raise SourceError(
            f"malformed XML at line {line}, column {column} ({exc}). Re-export the CIN "
            "census file; nothing from it was loaded.",
            file=shown, row=line,
        ) from exc
    except (DefusedXmlException, ValueError) as exc:
        raise SourceError(
            f"the XML uses a DTD or entities ({type(exc).__name__}), which CIN census files "
            "never need and which can be used to attack the server; it was refused and "
            "nothing was loaded. Re-export the file from the case management system.",
            file=shown,
        ) from exc
    if root is None or _local(root.tag) != "Message":
        found = _local(root.tag) if root is not None else "nothing"
        raise SourceError(
            f"not a CIN census file: the root element is <{found}>, expected <Message>. "
            "Check `format:` in sources.yaml.",
            file=shown,
        )
    return tables


def cin_source(con: duckdb.DuckDBPyConnection, tables: CinTables, path: Path, shown: str,
               table: str | None) -> RawSource:
    if table not in TABLES:
        raise MappingError(
            f"{shown}: format cin_xml needs `table:` set to one of {sorted(TABLES)} "
            f"(got {table!r})."
        )
    columns = TABLES[table]
    records = tables.records[table]
    values = [[record.get(name) for record in records] for name in columns]
    return arrow_source(con, path, columns, tables.rows[table], values, typed_dates=False)
