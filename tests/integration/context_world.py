"""A tiny hand-made linked snapshot for the Family Context tests (every value hand-checked).

People (today = 2026-06-01):
- JP00000001 Amy Smith, b. 2015-03-10: children's social care (case system and CIN return),
  education; open CIN episode and a newer open looked-after involvement; a CP plan open.
- JP00000002 Bob Jones, b. 1980-07-01: police incident two months ago; a closed tenancy.
- JP00000003 Cal Brown: CIN return episode open, but the fresher case system closed it.
- JP00000004 Dee Green: CIN return episode open; the case system only has a 2019 episode.
- JP00000005 Eve Smith (Amy's mother), JP00000006 Finn Smith (brother), JP00000007 Gus Hill
  (lived with Amy before): family network only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from joinedup.sources.schema import create_model_tables

TODAY = dt.date(2026, 6, 1)
D = dt.date

FRESHNESS = [
    ("csc", "Case system", "childrens_social_care", D(2026, 5, 31)),
    ("cin_return", "CIN census", "childrens_social_care", D(2026, 3, 31)),
    ("school", "Schools", "education", D(2026, 5, 15)),
    ("police", "Police", "police", D(2026, 5, 30)),
    ("housing", "Housing", "housing", D(2026, 4, 30)),
    ("hope", "Hope Trust", "vcse", D(2026, 2, 28)),
]

PEOPLE: list[dict[str, Any]] = [
    # source, record, person, probability, first, middle, surname, dob, address, postcode, ...
    dict(source="csc", source_record_id="C1", person="JP00000001", p=0.99, first_name="Amy",
         surname="Smith", dob=D(2015, 3, 10), sex="F", address="12 Oak Road, Town",
         postcode="SK1 1AA", recorded_date=D(2026, 5, 1)),
    dict(source="cin_return", source_record_id="R1", person="JP00000001", p=0.99,
         first_name="AMY", surname="SMITH", dob=D(2015, 3, 10), sex="F"),
    dict(source="school", source_record_id="S1", person="JP00000001", p=0.9,
         first_name="Amelia", middle_names="Rose", surname="Smith", dob=D(2015, 3, 1), sex="F",
         address="12 Oak Rd, Town", postcode="sk11aa", upn="A123456789012",
         recorded_date=D(2026, 5, 15)),
    dict(source="police", source_record_id="N2", person="JP00000002", p=0.95, first_name="Bob",
         surname="Jones", dob=D(1980, 7, 1), sex="M", address="4 Mill Lane", postcode="SK2 2BB"),
    dict(source="housing", source_record_id="H2", person="JP00000002", p=0.95,
         first_name="Robert", surname="Jones", dob=D(1980, 7, 1), sex="M"),
    dict(source="cin_return", source_record_id="R3", person="JP00000003", p=0.98,
         first_name="Cal", surname="Brown", dob=D(2012, 1, 1)),
    dict(source="csc", source_record_id="C3", person="JP00000003", p=0.98, first_name="Cal",
         surname="Brown", dob=D(2012, 1, 1)),
    dict(source="cin_return", source_record_id="R4", person="JP00000004", p=0.97,
         first_name="Dee", surname="Green", dob=D(2013, 2, 2)),
    dict(source="csc", source_record_id="C4", person="JP00000004", p=0.97, first_name="Dee",
         surname="Green", dob=D(2013, 2, 2)),
    dict(source="csc", source_record_id="C5", person="JP00000005", p=None, first_name="Eve",
         surname="Smith", dob=D(1990, 6, 2)),
    dict(source="school", source_record_id="S6", person="JP00000006", p=None,
         first_name="Finn", surname="Smith", dob=D(2017, 8, 8)),
    dict(source="housing", source_record_id="H7", person="JP00000007", p=None,
         first_name="Gus", surname="Hill", dob=D(1985, 1, 1), date_of_death=D(2025, 1, 1)),
]

GOLDEN = {
    "JP00000001": ("Amy", "Smith", D(2015, 3, 10), "F", "SK1 1AA", "12 Oak Road, Town", None),
    "JP00000002": ("Bob", "Jones", D(1980, 7, 1), "M", "SK2 2BB", "4 Mill Lane", None),
    "JP00000003": ("Cal", "Brown", D(2012, 1, 1), None, None, None, None),
    "JP00000004": ("Dee", "Green", D(2013, 2, 2), None, None, None, None),
    "JP00000005": ("Eve", "Smith", D(1990, 6, 2), None, None, None, None),
    "JP00000006": ("Finn", "Smith", D(2017, 8, 8), None, None, None, None),
    "JP00000007": ("Gus", "Hill", D(1985, 1, 1), None, None, None, None),
}

ADDRESSES = [
    dict(source="csc", source_record_id="C1", address="12 Oak Road, Town", postcode="SK1 1AA",
         start_date=D(2020, 1, 1)),
    dict(source="csc", source_record_id="C1", address="3 Elm Street, Town", postcode="SK1 9ZZ",
         start_date=D(2015, 3, 10), end_date=D(2019, 12, 31)),
]

_WORKER = dict(worker_role="Social worker", team="Locality North",
               worker_phone="0161 496 0000", worker_email="team@example.org")
INVOLVEMENTS = [
    dict(source="csc", involvement_id="I1", source_record_id="C1",
         service="childrens_social_care", involvement_type="Child in need episode",
         status="open", start_date=D(2025, 9, 1), worker_name="Jo Bloggs", **_WORKER),
    dict(source="csc", involvement_id="I2", source_record_id="C1",
         service="childrens_social_care", involvement_type="Looked after child",
         status="open", start_date=D(2026, 2, 1), worker_name="Sam Carer", **_WORKER),
    dict(source="csc", involvement_id="I3", source_record_id="C1",
         service="childrens_social_care", involvement_type="Child in need episode",
         status="closed", start_date=D(2026, 3, 1), end_date=D(2026, 4, 1),
         worker_name="Temp Worker", **_WORKER),
    dict(source="csc", involvement_id="I0", source_record_id="C1",
         service="childrens_social_care", involvement_type="Child in need episode",
         status="closed", start_date=D(2021, 1, 1), end_date=D(2022, 1, 1),
         worker_name="Old Worker", **_WORKER),
    dict(source="cin_return", involvement_id="R1-1", source_record_id="R1",
         service="childrens_social_care", involvement_type="Child in need episode",
         start_date=D(2025, 9, 1), reason="N1"),
    dict(source="school", involvement_id="E1", source_record_id="S1", service="education",
         involvement_type="School enrolment", status="open", start_date=D(2019, 9, 1),
         organisation="Oak Primary"),
    dict(source="housing", involvement_id="T2", source_record_id="H2", service="housing",
         involvement_type="Secure", status="closed", start_date=D(2018, 1, 1),
         end_date=D(2025, 12, 31), worker_name="Hal Officer"),
    dict(source="cin_return", involvement_id="R3-1", source_record_id="R3",
         service="childrens_social_care", involvement_type="Child in need episode",
         start_date=D(2025, 6, 1)),
    dict(source="csc", involvement_id="I30", source_record_id="C3",
         service="childrens_social_care", involvement_type="Child in need episode",
         status="closed", start_date=D(2025, 6, 1), end_date=D(2025, 10, 1),
         worker_name="Kim Closed", **_WORKER),
    dict(source="cin_return", involvement_id="R4-1", source_record_id="R4",
         service="childrens_social_care", involvement_type="Child in need episode",
         start_date=D(2025, 11, 1)),
    dict(source="csc", involvement_id="I40", source_record_id="C4",
         service="childrens_social_care", involvement_type="Child in need episode",
         status="closed", start_date=D(2019, 1, 1), end_date=D(2019, 6, 1)),
]


def _event(source: str, event_id: str, record: str, service: str, kind: str, day: dt.date,
           **more: Any) -> dict[str, Any]:
    return dict(source=source, event_id=event_id, source_record_id=record, service=service,
                event_type=kind, event_date=day, **more)


_CSC = "childrens_social_care"
EVENTS = [
    _event("csc", "E1", "C1", _CSC, "referral", D(2025, 9, 1), category="2A"),
    _event("cin_return", "E2", "R1", _CSC, "referral", D(2025, 9, 1), category="2A"),
    _event("csc", "E3", "C1", _CSC, "cin_plan", D(2025, 9, 20), end_date=D(2026, 1, 10)),
    _event("csc", "E4", "C1", _CSC, "cp_plan", D(2026, 1, 10), category="NEG"),
    _event("school", "A1", "S1", "education", "attendance", D(2025, 9, 1),
           category="Autumn", value=Decimal("91.5"), detail="2025/26"),
    _event("school", "A2", "S1", "education", "attendance", D(2026, 1, 5),
           category="Spring", value=Decimal("88.3"), detail="2025/26"),
    _event("school", "X1", "S1", "education", "suspension", D(2026, 2, 1), category="VA",
           value=Decimal(2)),
    _event("school", "X2", "S1", "education", "suspension", D(2025, 11, 1), category="DB",
           value=Decimal(1)),
    _event("school", "X3", "S1", "education", "suspension", D(2024, 1, 1), category="DB",
           value=Decimal(3)),
    _event("school", "EN1", "S1", "education", "enrolment", D(2019, 9, 1), category="R",
           detail="Oak Primary", involvement_id="E1"),
    _event("police", "P1", "N2", "police", "police_incident", D(2026, 4, 1),
           category="Domestic abuse", detail="Victim"),
    _event("police", "P0", "N2", "police", "police_incident", D(2023, 4, 1),
           category="Mental health", detail="Subject"),
    _event("cin_return", "E30", "R3", _CSC, "cp_plan", D(2025, 7, 1), category="EMO"),
    _event("csc", "E31", "C3", _CSC, "cp_plan", D(2025, 7, 1), end_date=D(2025, 9, 30),
           category="EMO"),
]

PAIRS = [
    ("csc", "C1", "cin_return", "R1", 0.99, 9.0),
    ("csc", "C1", "school", "S1", 0.90, 3.2),
    ("cin_return", "R1", "school", "S1", 0.80, 2.0),
    ("police", "N2", "housing", "H2", 0.95, 4.2),
    ("csc", "C1", "csc", "C5", 0.50, 0.0),  # a pair across two people: not one person's link
]

# family_edge as linkage/families.py writes it: a is `relationship` to b.
EDGES = [
    ("JP00000005", "JP00000001", "parent", ["csc"], 1, "both", True, 0.97, D(2015, 3, 10), None),
    ("JP00000001", "JP00000006", "sibling", ["csc", "school"], 0, "inferred", True, 0.95, None,
     None),
    ("JP00000001", "JP00000007", "household_member", ["housing"], 0, "co-resident", True, 0.6,
     D(2016, 1, 1), D(2019, 12, 31)),
    ("JP00000001", "JP00000006", "household_member", ["school"], 0, "co-resident", True, 0.6,
     None, None),
]
HOUSEHOLDS = [
    ("HH00000001", "U:1", "12 Oak Road, Town", "SK1 1AA", "1", D(2020, 1, 1), None, 3, 3, True,
     False),
    ("HH00000002", "U:2", "3 Elm Street, Town", "SK1 9ZZ", "2", D(2015, 3, 10), D(2019, 12, 31),
     2, 0, False, False),
]
MEMBERS = [
    ("HH00000001", "JP00000001", D(2020, 1, 1), None, True, ["csc", "school"], 2, True),
    ("HH00000001", "JP00000005", D(2020, 1, 1), None, True, ["csc"], 1, True),
    ("HH00000001", "JP00000006", D(2021, 5, 1), None, True, ["school"], 1, False),
    ("HH00000002", "JP00000001", D(2015, 3, 10), D(2019, 12, 31), False, ["csc"], 1, True),
    ("HH00000002", "JP00000007", D(2016, 1, 1), D(2019, 12, 31), False, ["housing"], 1, True),
]


def _insert(con: duckdb.DuckDBPyConnection, table: str, items: list[dict[str, Any]]) -> None:
    columns = [str(r[0]) for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
    for n, item in enumerate(items):
        values = [item.get(c, f"{table}.csv" if c == "_file" else n + 1 if c == "_row" else None)
                  for c in columns]
        con.execute(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(columns))})', values)


def _family_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""CREATE TABLE family_edge (person_id_a VARCHAR, person_id_b VARCHAR,
        relationship VARCHAR, sources VARCHAR[], declarations BIGINT, evidence VARCHAR,
        co_resident BOOLEAN, confidence DOUBLE, start_date DATE, end_date DATE)""")
    con.executemany("INSERT INTO family_edge VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", EDGES)
    con.execute("""CREATE TABLE household (household_id VARCHAR, address_key VARCHAR,
        address VARCHAR, postcode VARCHAR, uprn VARCHAR, start_date DATE, end_date DATE,
        members BIGINT, current_members BIGINT, current BOOLEAN, communal BOOLEAN)""")
    con.executemany("INSERT INTO household VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", HOUSEHOLDS)
    con.execute("""CREATE TABLE household_member (household_id VARCHAR, person_id VARCHAR,
        start_date DATE, end_date DATE, current BOOLEAN, sources VARCHAR[], evidence BIGINT,
        dated BOOLEAN)""")
    con.executemany("INSERT INTO household_member VALUES (?, ?, ?, ?, ?, ?, ?, ?)", MEMBERS)


def build_world(path: Path, *, family: bool = True) -> Path:
    """Write the snapshot to `path` (model tables, link tables, family tables)."""
    con = duckdb.connect(str(path))
    try:
        create_model_tables(con)
        con.executemany("INSERT INTO source_freshness VALUES (?, ?, ?, ?, NULL, NULL, 0)",
                        FRESHNESS)
        _insert(con, "person_record", [{k: v for k, v in p.items() if k not in ("person", "p")}
                                       for p in PEOPLE])
        _insert(con, "address_history", ADDRESSES)
        _insert(con, "involvement", INVOLVEMENTS)
        _insert(con, "event", EVENTS)
        sizes: dict[str, int] = {}
        for p in PEOPLE:
            sizes[p["person"]] = sizes.get(p["person"], 0) + 1
        con.execute("CREATE TABLE person_link (source VARCHAR, source_record_id VARCHAR, "
                    "person_id VARCHAR, cluster_size BIGINT, match_probability DOUBLE, "
                    "flagged BOOLEAN)")
        con.executemany("INSERT INTO person_link VALUES (?, ?, ?, ?, ?, false)", [
            (p["source"], p["source_record_id"], p["person"], sizes[p["person"]], p["p"])
            for p in PEOPLE])
        con.execute("CREATE TABLE person_index (person_id VARCHAR, first_name VARCHAR, "
                    "surname VARCHAR, dob DATE, sex VARCHAR, postcode VARCHAR, address VARCHAR, "
                    "uprn VARCHAR, nhs_number VARCHAR, upn VARCHAR, records BIGINT, "
                    "sources VARCHAR[])")
        for person, golden in GOLDEN.items():
            sources = sorted({p["source"] for p in PEOPLE if p["person"] == person})
            con.execute("INSERT INTO person_index VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
                        [person, *golden, len(sources), sources])
        con.execute("CREATE TABLE person_link_pair (source_l VARCHAR, source_record_id_l VARCHAR, "
                    "source_r VARCHAR, source_record_id_r VARCHAR, match_probability DOUBLE, "
                    "match_weight DOUBLE)")
        con.executemany("INSERT INTO person_link_pair VALUES (?, ?, ?, ?, ?, ?)", PAIRS)
        if family:
            _family_tables(con)
    finally:
        con.close()
    return path
