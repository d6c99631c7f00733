"""A tiny linked snapshot for the web tests, with ages that sit on the policy's boundaries.

Ages are counted from the real today (the pages use the clock), so dates of birth are made
relative to it. Every person and record is made up.

- JP00000101 Ada Adult, 40: police (key worker PC Ada Marker), housing, health.
- JP00000102 Cara Child, 12: children's social care, education. An adult social worker may
  not open her pages (their role is for people aged 16 or over).
- JP00000103 Tess Teen, 17: police (PC Tess Marker), housing, education. Nobody's page shows
  her police card: police information is shown for people aged 18 or over.
- JP00000104 Ed Eighteen, 18: police (PC Ed Marker), education.
- JP00000106 Ada Adams, 41: housing; Ada Adult's partner (family network).
- JP00000107 Carl Child, 12: education; Ada Adams's child.

Both Adas also have a council tax record (a source with no service card: never on a person's
pages, but shown to reviewers, who need it to decide).

Review queue, most likely first: Ada Adult's housing record against Ada Adams's (both adults:
any reviewer); their council tax records (any reviewer); Cara's school record against Carl's
(children: not for an adult social worker); Tess's police record against Ed's (a
17-year-old's police record: nobody).

The snapshot has search tables and an untrained matching model (Splink's default weights) so
that search and "why are these records one person?" run as on a linked borough.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.contrib.auth.models import User
from django.test import Client
from splink import DuckDBAPI

from joinedup.config import Settings, get_settings
from joinedup.context import build_context_tables
from joinedup.linkage.frequencies import tf_columns
from joinedup.linkage.model import (
    build_settings,
    load_model,
    make_linker,
    present_columns,
    save_model,
)
from joinedup.linkage.state import pair_id
from joinedup.linkage.warehouse_link import model_path, numbered_records_sql, prepare_numbered
from joinedup.model.codes import SERVICES
from joinedup.sources.schema import create_model_tables
from joinedup.warehouse.runinfo import RunInfo, write_run_metadata
from joinedup.warehouse.snapshots import SnapshotStore
from joinedup.web.accounts.reason import SESSION_KEY
from joinedup.web.accounts.roles import assign_role
from joinedup.web.familycontext.served import SERVED

ADULT, CHILD12, TEEN17, ADULT18, PARTNER, CHILD12B = (
    "JP00000101", "JP00000102", "JP00000103", "JP00000104", "JP00000106", "JP00000107")
NOBODY = "JP00009999"
"""A well-formed id that is nobody."""
POLICE_WORKERS = {ADULT: "PC Ada Marker", TEEN17: "PC Tess Marker", ADULT18: "PC Ed Marker"}


def born(age: int, today: dt.date) -> dt.date:
    """A date of birth that makes someone exactly ``age`` today (birthday ten days ago)."""
    day = today - dt.timedelta(days=10)
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February
        return day.replace(year=day.year - age, day=28)


def ages(today: dt.date) -> dict[str, int]:
    return {ADULT: 40, CHILD12: 12, TEEN17: 17, ADULT18: 18, PARTNER: 41, CHILD12B: 12}


FRESHNESS = [
    ("csc", "Case system", "childrens_social_care"), ("school", "Schools", "education"),
    ("police", "Police", "police"), ("housing", "Housing", "housing"),
    ("gp", "GP registrations", "health"), ("ctax", "Council tax", "council_tax"),
]


def _records(today: dt.date) -> list[dict[str, Any]]:
    b = {p: born(a, today) for p, a in ages(today).items()}

    def rec(source: str, record: str, person: str, first: str, surname: str, **more: Any
            ) -> dict[str, Any]:
        return dict(source=source, source_record_id=record, person=person, first_name=first,
                    surname=surname, dob=b[person], recorded_date=today - dt.timedelta(days=30),
                    **more)

    return [
        rec("police", "N101", ADULT, "Ada", "Adult", sex="F", postcode="SK1 1AA",
            address="1 Mill Lane"),
        rec("housing", "H101", ADULT, "Ada", "Adult", sex="F", postcode="SK1 1AA",
            address="1 Mill Lane"),
        rec("gp", "G101", ADULT, "Ada", "Adult", sex="F", nhs_number="9434765919"),
        rec("ctax", "T101", ADULT, "Ada", "Adult", postcode="SK1 1AA", address="1 Mill Lane"),
        rec("csc", "C102", CHILD12, "Cara", "Child", sex="F", postcode="SK2 2BB"),
        rec("school", "S102", CHILD12, "Cara", "Child", sex="F", upn="A123456789012"),
        rec("police", "N103", TEEN17, "Tess", "Teen", sex="F", postcode="SK3 3CC"),
        rec("housing", "H103", TEEN17, "Tess", "Teen", sex="F", postcode="SK3 3CC"),
        rec("school", "S103", TEEN17, "Tess", "Teen", sex="F"),
        rec("police", "N104", ADULT18, "Ed", "Eighteen", sex="M", postcode="SK4 4DD"),
        rec("school", "S104", ADULT18, "Ed", "Eighteen", sex="M"),
        rec("housing", "H106", PARTNER, "Ada", "Adams", sex="F", postcode="SK1 1AA",
            address="1 Mill Lane"),
        rec("ctax", "T106", PARTNER, "Ada", "Adams", postcode="SK1 1AA", address="1 Mill Lane"),
        rec("school", "S107", CHILD12B, "Carl", "Child", sex="M", postcode="SK2 2BB"),
    ]


def _involvements(today: dt.date) -> list[dict[str, Any]]:
    start = today - dt.timedelta(days=60)
    return [dict(source="police", involvement_id=f"PI{person[-3:]}", source_record_id=record,
                 service="police", involvement_type="Safeguarding incident", status="open",
                 start_date=start, worker_name=worker, worker_role="Officer",
                 team="Public protection", worker_phone="0161 496 0999",
                 worker_email="ppu@example.org")
            for (person, worker), record in zip(POLICE_WORKERS.items(),
                                                ("N101", "N103", "N104"), strict=True)]


def _events(today: dt.date) -> list[dict[str, Any]]:
    day = today - dt.timedelta(days=30)
    return [dict(source="police", event_id=f"E{record}", source_record_id=record,
                 service="police", event_type="police_incident", event_date=day,
                 category="Domestic abuse", detail="Victim")
            for record in ("N101", "N103", "N104")]


WITHIN = [("police", "N101", "housing", "H101", 0.99, 7.0),
          ("ctax", "T101", "housing", "H101", 0.97, 5.5),
          ("gp", "G101", "police", "N101", 0.95, 4.0),
          ("csc", "C102", "school", "S102", 0.97, 5.0),
          ("housing", "H103", "police", "N103", 0.98, 6.0),
          ("police", "N103", "school", "S103", 0.9, 3.0),
          ("police", "N104", "school", "S104", 0.96, 4.5)]
QUEUE = [("housing", "H101", ADULT, "housing", "H106", PARTNER, 0.8, 2.0, "uncertain"),
         ("ctax", "T101", ADULT, "ctax", "T106", PARTNER, 0.75, 1.6, "held apart"),
         ("school", "S102", CHILD12, "school", "S107", CHILD12B, 0.7, 1.2, "uncertain"),
         ("police", "N103", TEEN17, "police", "N104", ADULT18, 0.6, 0.6, "uncertain")]
QUEUE_IDS = [pair_id((q[0], q[1]), (q[3], q[4])) for q in QUEUE]


def _insert(con: duckdb.DuckDBPyConnection, table: str, items: list[dict[str, Any]]) -> None:
    columns = [str(r[0]) for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
    for n, item in enumerate(items):
        values = [item.get(c, f"{table}.csv" if c == "_file" else n + 1 if c == "_row" else None)
                  for c in columns]
        con.execute(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(columns))})', values)


def _link_tables(con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]]) -> None:
    sizes: dict[str, int] = {}
    for r in records:
        sizes[r["person"]] = sizes.get(r["person"], 0) + 1
    con.execute("CREATE TABLE person_link (source VARCHAR, source_record_id VARCHAR, "
                "person_id VARCHAR, cluster_size BIGINT, match_probability DOUBLE, "
                "flagged BOOLEAN)")
    con.executemany("INSERT INTO person_link VALUES (?, ?, ?, ?, ?, false)", [
        (r["source"], r["source_record_id"], r["person"], sizes[r["person"]],
         0.95 if sizes[r["person"]] > 1 else None) for r in records])
    con.execute("CREATE TABLE person_index (person_id VARCHAR, first_name VARCHAR, "
                "surname VARCHAR, dob DATE, sex VARCHAR, postcode VARCHAR, address VARCHAR, "
                "uprn VARCHAR, nhs_number VARCHAR, upn VARCHAR, records BIGINT, "
                "sources VARCHAR[])")
    for person in dict.fromkeys(r["person"] for r in records):
        mine = [r for r in records if r["person"] == person]
        first = mine[0]
        con.execute("INSERT INTO person_index VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, "
                    "?, ?)", [person, first["first_name"], first["surname"], first["dob"],
                              first.get("sex"), first.get("postcode"), first.get("address"),
                              len(mine), sorted({r["source"] for r in mine})])
    con.execute("CREATE TABLE person_link_pair (source_l VARCHAR, source_record_id_l VARCHAR, "
                "source_r VARCHAR, source_record_id_r VARCHAR, match_probability DOUBLE, "
                "match_weight DOUBLE)")
    con.executemany("INSERT INTO person_link_pair VALUES (?, ?, ?, ?, ?, ?)",
                    WITHIN + [(q[0], q[1], q[3], q[4], q[6], q[7]) for q in QUEUE])
    con.execute("CREATE TABLE review_queue (pair_id VARCHAR, source_l VARCHAR, "
                "source_record_id_l VARCHAR, person_id_l VARCHAR, source_r VARCHAR, "
                "source_record_id_r VARCHAR, person_id_r VARCHAR, match_probability DOUBLE, "
                "match_weight DOUBLE, reason VARCHAR)")
    con.executemany("INSERT INTO review_queue VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(pid, *q) for pid, q in zip(QUEUE_IDS, QUEUE, strict=True)])


def _family_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""CREATE TABLE family_edge (person_id_a VARCHAR, person_id_b VARCHAR,
        relationship VARCHAR, sources VARCHAR[], declarations BIGINT, evidence VARCHAR,
        co_resident BOOLEAN, confidence DOUBLE, start_date DATE, end_date DATE)""")
    con.executemany("INSERT INTO family_edge VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (ADULT, PARTNER, "partner", ["housing"], 1, "declared", True, 0.9, None, None),
        (PARTNER, CHILD12B, "parent", ["school"], 1, "declared", False, 0.9, None, None)])
    con.execute("""CREATE TABLE household (household_id VARCHAR, address_key VARCHAR,
        address VARCHAR, postcode VARCHAR, uprn VARCHAR, start_date DATE, end_date DATE,
        members BIGINT, current_members BIGINT, current BOOLEAN, communal BOOLEAN)""")
    con.execute("""CREATE TABLE household_member (household_id VARCHAR, person_id VARCHAR,
        start_date DATE, end_date DATE, current BOOLEAN, sources VARCHAR[], evidence BIGINT,
        dated BOOLEAN)""")


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Every record standardised as a link run does (temp table world_prepared)."""
    con.execute(f"CREATE TEMP TABLE world_raw AS {numbered_records_sql()}")
    prepare_numbered(con, "world_raw", "world_prepared")


def _search_tables(con: duckdb.DuckDBPyConnection, model: dict[str, Any]) -> None:
    """search_record and search_tf as a link run writes them (Splink's tf formula)."""
    prepared = [str(r[0]) for r in con.execute("DESCRIBE world_prepared").fetchall()
                if r[0] not in ("unique_id", "source_dataset", "link_key", "source",
                                "source_record_id", "person_id")]
    con.execute(f"""
        CREATE TABLE search_record AS
        SELECT r.link_key, r.source, r.source_record_id, l.person_id,
               {", ".join(f'p."{c}"' for c in prepared)}
        FROM world_prepared AS p JOIN world_raw AS r ON r.link_key = p.unique_id
        JOIN person_link AS l USING (source, source_record_id) ORDER BY r.link_key""")
    con.execute("CREATE TABLE search_tf (column_name VARCHAR, value VARCHAR, tf DOUBLE)")
    for column in tf_columns(model):
        con.execute(f"""INSERT INTO search_tf SELECT ?, CAST("{column}" AS VARCHAR),
            CAST(count(*) AS DOUBLE) / (SELECT count("{column}") FROM world_prepared)
            FROM world_prepared WHERE "{column}" IS NOT NULL GROUP BY "{column}" """, [column])


def _untrained_model(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, Any]:
    """The warehouse's comparisons with Splink's default m and u (no training on 12
    records), for the prepared records on ``con``."""
    prepared = con.sql("SELECT * FROM world_prepared").to_arrow_table()
    filled = {c: prepared.num_rows - prepared.column(c).null_count
              for c in prepared.column_names}
    present = present_columns(filled, prepared.num_rows, 0.0)
    work = duckdb.connect()
    try:
        work.register("prepared_arrow", prepared)
        work.execute("CREATE TABLE prepared AS SELECT * FROM prepared_arrow")
        linker = make_linker(DuckDBAPI(connection=work), ["prepared"],
                             build_settings(present, []))
        path.parent.mkdir(parents=True, exist_ok=True)
        save_model(linker, path)
    finally:
        work.close()
    return load_model(path)


def build_world(settings: Settings, today: dt.date) -> Path:
    """Commit the world as the current snapshot of ``settings``' warehouse; returns its path."""
    store = SnapshotStore.from_settings(settings)
    store.root.mkdir(parents=True, exist_ok=True)
    records = _records(today)
    now = dt.datetime.now(dt.UTC)
    with store.lock(), store.build() as build:
        con = build.con
        create_model_tables(con)
        con.executemany("INSERT INTO source_freshness VALUES (?, ?, ?, ?, NULL, NULL, 0)",
                        [(s, system, service, today - dt.timedelta(days=1))
                         for s, system, service in FRESHNESS])
        _insert(con, "person_record", [{k: v for k, v in r.items() if k != "person"}
                                       for r in records])
        _insert(con, "involvement", _involvements(today))
        _insert(con, "event", _events(today))
        _link_tables(con, records)
        _family_tables(con)
        _prepare(con)
        _search_tables(con, _untrained_model(con, model_path(settings)))
        con.execute("DROP TABLE IF EXISTS world_prepared")
        build_context_tables(con)
        write_run_metadata(con, RunInfo(build.id, now, now, str(settings.home / "sources.yaml"),
                                        "0" * 64, "0.1.0", duckdb.__version__, ()), [])
        build.commit()
        path = store.path(build.id)
    assert set(SERVICES) >= {f[2] for f in FRESHNESS}
    return path


# --- fixtures: import them with ``from web_world import *`` (noqa F403) --------------------

PURPOSES = {"childrens_social_worker": "child_protection",
            "early_help_practitioner": "early_help_assessment",
            "adult_social_worker": "adult_safeguarding",
            "inclusion_officer": "school_attendance_support",
            "revenues_officer": "council_tax_review",
            "gp_practice": "gp_safeguarding"}
CASE = "CP/2026/0099"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(scope="session")
def hand_world_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The world built once per session in a data home of its own."""
    home = tmp_path_factory.mktemp("hand-world") / "home"
    home.mkdir()
    build_world(Settings(home=home), dt.date.today())
    return home


@pytest.fixture
def world(hand_world_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the web app at the world for one test, with no review decisions yet."""
    monkeypatch.setenv("JOINEDUP_HOME", str(hand_world_home))
    monkeypatch.setenv("JOINEDUP_CONFIG", str(hand_world_home / "no-such.toml"))
    monkeypatch.delenv("JOINEDUP_SOURCES", raising=False)
    monkeypatch.delenv("JOINEDUP_REFERENCE_DATA", raising=False)
    get_settings.cache_clear()
    state = hand_world_home / "warehouse" / "linkage"
    for leftover in state.glob("state.sqlite*"):
        leftover.unlink()
    SERVED.search_index(wait=True)
    yield hand_world_home
    get_settings.cache_clear()


def signed_in(role: str | None, *, purpose: str | None = "", name: str | None = None,
              csrf: bool = False) -> Client:
    """A signed-in client with one role (None: no role) and, unless ``purpose`` is None, a
    reason for access (the role's usual purpose when ``purpose`` is empty)."""
    username = name or f"user-{role or 'none'}"
    user = User.objects.filter(username=username).first() or User.objects.create_user(
        username, password="correct-horse-battery-9")
    if role:
        assign_role(user, role)
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    code = purpose or PURPOSES.get(role or "")
    if purpose is not None and code and role in PURPOSES:
        session = client.session
        session[SESSION_KEY] = {"case_reference": CASE, "purpose": code}
        session.save()
    return client


def same_page(first: bytes, second: bytes, *ids: str) -> bool:
    """Whether two responses are the same page, but for the CSRF token (masked afresh on
    every page) and the ids asked for (the page links back to its own address)."""
    def clean(body: bytes) -> str:
        text = CSRF_INPUT.sub("csrf", body.decode())
        for found in ids:
            text = text.replace(found, "ID")
        return text

    if clean(first) == clean(second):
        return True
    import difflib

    print("".join(difflib.unified_diff(clean(first).splitlines(True),
                                       clean(second).splitlines(True))))
    return False
