"""The Family Context queries on the small synthetic borough after `ingest` and `link`.

The same answers must come out of the context tables (as a link run builds them) and out of
the fallback views over a snapshot without them; and the pages must agree with the warehouse
tables they summarise.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from collections.abc import Iterator

import duckdb
import pytest

from joinedup.config import Settings
from joinedup.context import (
    CARD_SERVICES,
    build_context_tables,
    family,
    person_records,
    person_summary,
    service_cards,
    services_known,
    timeline,
)
from joinedup.context.tables import has_family_tables
from joinedup.warehouse.snapshots import SnapshotStore
from linked_borough import LinkedBorough

TODAY = dt.date(2026, 11, 21)
pytestmark = pytest.mark.slow  # the small borough ingested and linked (linked_borough)


@pytest.fixture(scope="module")
def snapshots(linked_borough: LinkedBorough, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]]:
    """(views, tables): the linked snapshot as published, and a copy with context tables."""
    home = linked_borough.copy_to(tmp_path_factory.mktemp("context-home"))
    settings = Settings(home=home)
    store = SnapshotStore.from_settings(settings)
    current = store.current_id()
    assert current is not None
    copy = home / "with-context.duckdb"
    shutil.copyfile(store.path(current), copy)
    with duckdb.connect(str(copy)) as writer:
        tables = {r[0] for r in writer.execute("SHOW TABLES").fetchall()}
        build_context_tables(writer)
    published = store.open(current)
    if "context_event" in tables:  # link runs already build them: drop them from the view side
        published.close()
        views_copy = home / "without-context.duckdb"
        shutil.copyfile(store.path(current), views_copy)
        with duckdb.connect(str(views_copy)) as writer:
            for name in sorted(t for t in tables if t.startswith("context_")):
                writer.execute(f'DROP TABLE "{name}"')
        published = duckdb.connect(str(views_copy), read_only=True)
    with_tables = duckdb.connect(str(copy), read_only=True)
    yield published, with_tables
    published.close()
    with_tables.close()


@pytest.fixture(scope="module")
def sample(snapshots: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]) -> list[str]:
    """People with records in three or more sources (the ones practitioners open)."""
    ids = [str(p) for (p,) in snapshots[1].execute(
        "SELECT person_id FROM person_link GROUP BY person_id "
        "HAVING count(DISTINCT source) >= 3 ORDER BY person_id").fetchall()]
    assert len(ids) > 100
    return random.Random(4).sample(ids, 40)


def test_tables_and_views_give_the_same_pages(snapshots, sample) -> None:
    views, tables = snapshots
    for person in sample:
        for read in (lambda c, p=person: person_summary(c, p, today=TODAY).as_dict(),
                     lambda c, p=person: [x.as_dict() for x in service_cards(c, p, today=TODAY)],
                     lambda c, p=person: family(c, p, today=TODAY).as_dict(),
                     lambda c, p=person: [x.as_dict() for x in timeline(c, p)],
                     lambda c, p=person: [x.as_dict() for x in person_records(c, p)]):
            assert read(views) == read(tables)
    assert services_known(views, sample) == services_known(tables, sample)


def test_pages_agree_with_the_warehouse(snapshots, sample) -> None:
    _, con = snapshots
    for person in sample:
        raw = con.execute("""
            SELECT count(*) FILTER (WHERE e.event_date IS NOT NULL),
                   (SELECT count(*) FROM person_link WHERE person_id = ?)
            FROM event AS e JOIN person_link AS l USING (source, source_record_id)
            WHERE l.person_id = ?
        """, [person, person]).fetchall()[0]
        assert len(timeline(con, person)) == raw[0]
        records = person_records(con, person)
        assert len(records) == raw[1]
        summary = person_summary(con, person, today=TODAY)
        named = {r.name.casefold() for r in records if r.name}
        assert {n.name.casefold() for n in summary.names} == named
        assert sum(len(n.sightings) for n in summary.names) == sum(1 for r in records if r.name)
        assert {s.source for s in summary.sources} == {r.source for r in records}
        json.dumps(summary.as_dict())


def test_open_case_system_involvements_make_the_card_current(snapshots) -> None:
    _, con = snapshots
    open_now = [str(p) for (p,) in con.execute("""
        SELECT DISTINCT l.person_id FROM involvement AS i
        JOIN person_link AS l USING (source, source_record_id)
        WHERE i.source = 'csc_case_system' AND i.status = 'open' AND i.end_date IS NULL
          AND i.start_date <= ?
        ORDER BY 1 LIMIT 25
    """, [TODAY]).fetchall()]
    assert open_now
    for person in open_now:
        cards = {c.service: c for c in service_cards(con, person, today=TODAY)}
        card = cards["childrens_social_care"]
        assert card.status == "current", person
        assert card.key_worker is not None and card.key_worker.source == "csc_case_system"
        assert card.correct_as_of is not None
        assert list(cards) == list(CARD_SERVICES)


def test_family_matches_the_household_tables(snapshots) -> None:
    _, con = snapshots
    if not has_family_tables(con):
        person = str(con.execute("SELECT min(person_id) FROM person_index").fetchall()[0][0])
        assert not family(con, person, today=TODAY).available
        return
    rows = con.execute("""
        SELECT m.person_id, list(DISTINCT o.person_id ORDER BY o.person_id)
        FROM household_member AS m JOIN household AS h USING (household_id)
        JOIN household_member AS o ON o.household_id = m.household_id
             AND o.person_id <> m.person_id AND o.current
        WHERE m.current AND NOT h.communal
        GROUP BY m.person_id ORDER BY m.person_id LIMIT 20
    """).fetchall()
    assert rows
    for person, others in rows:
        result = family(con, person, today=TODAY)
        assert result.available
        current = [h for h in result.households if h.current]
        assert sorted(r.person_id for h in current for r in h.residents if r.current) == others
        living = {m.person_id for m in result.members if m.lives_with}
        assert living <= set(others)
