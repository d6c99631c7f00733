"""Households and the family network: written by `link_warehouse`, scored against the truth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from joinedup.config import get_settings
from joinedup.errors import WarehouseError
from joinedup.evaluation.family_truth import evaluate_households
from joinedup.linkage.households import build_family_tables
from joinedup.sources.schema import create_model_tables
from joinedup.warehouse.snapshots import SnapshotStore
from linked_borough import LinkedBorough

# Measured on this borough (2,000 people, seed 7, reference data) after `link`: household
# pairs precision 0.896, recall 0.930; relationship edges precision 0.965, recall 0.590. The
# floors catch broken household or edge rules, not small drifts in the matcher.
HOUSEHOLD_RECALL_FLOOR = 0.88
HOUSEHOLD_PRECISION_FLOOR = 0.84
EDGE_PRECISION_FLOOR = 0.93
EDGE_RECALL_FLOOR = 0.5


def test_link_writes_households_and_families(small_borough: Path,
                                             linked_borough: LinkedBorough, home: Path) -> None:
    settings = get_settings()
    linked_borough.copy_to(home)  # what `link_warehouse` published for this borough
    store = SnapshotStore.from_settings(settings)
    with store.open_current() as con:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        assert {"household", "household_member", "family_edge"} <= tables
        assert not any(t.startswith(("fam_", "ft_")) for t in tables)
        orphans = con.execute("""
            SELECT (SELECT count(*) FROM household_member ANTI JOIN person_index USING (person_id)),
                   (SELECT count(*) FROM household_member ANTI JOIN household USING (household_id)),
                   (SELECT count(*) FROM family_edge AS e ANTI JOIN person_index AS p
                    ON p.person_id = e.person_id_a),
                   (SELECT count(*) FROM family_edge AS e ANTI JOIN person_index AS p
                    ON p.person_id = e.person_id_b),
                   (SELECT count(*) FROM household WHERE NOT regexp_full_match(
                        household_id, 'HH[0-9]{8}')),
                   (SELECT count(*) FROM household WHERE end_date IS NULL AND NOT current),
                   (SELECT count(*) FROM family_edge WHERE relationship NOT IN
                        ('parent', 'carer') AND person_id_a >= person_id_b)
        """).fetchall()[0]
        assert orphans == (0, 0, 0, 0, 0, 0, 0)
        households, current = con.execute(
            "SELECT count(*), count(*) FILTER (current) FROM household WHERE NOT communal"
        ).fetchall()[0]
        assert 500 < current < households
        scores = evaluate_households(con, small_borough / "ground_truth")
    assert scores.household_pairs.recall > HOUSEHOLD_RECALL_FLOOR, scores.as_dict()
    assert scores.household_pairs.precision > HOUSEHOLD_PRECISION_FLOOR, scores.as_dict()
    assert scores.relationship_edges["precision"] > EDGE_PRECISION_FLOOR, scores.as_dict()
    assert scores.relationship_edges["recall"] > EDGE_RECALL_FLOOR, scores.as_dict()


def _write(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    con.execute(f"COPY ({sql}) TO '{path.as_posix()}' (FORMAT parquet)")


def test_scores_on_a_crafted_truth(tmp_path: Path) -> None:
    """Three people placed together, two of whom truly live together; one right parent."""
    con = duckdb.connect()
    create_model_tables(con)
    con.execute("CREATE TABLE person_link AS SELECT * FROM (VALUES ('ct', '1', 'JP1'), "
                "('ct', '2', 'JP2'), ('ct', '3', 'JP3')) AS t(source, source_record_id, person_id)")
    con.execute("INSERT INTO source_freshness (source, data_current_as_of) VALUES (?, ?)",
                ["ct", dt.date(2026, 10, 30)])
    for record in "123":
        con.execute("INSERT INTO address_history (source, source_record_id, address, postcode, "
                    "uprn, start_date) VALUES ('ct', ?, '1 High Street', 'SK1 1AA', '77', ?)",
                    [record, dt.date(2020, 1, 1)])
    con.execute("INSERT INTO relationship (source, from_record_id, to_record_id, "
                "relationship_type) VALUES ('ct', '1', '2', 'parent'), ('ct', '3', '1', 'partner')")
    build_family_tables(con)
    truth = tmp_path / "ground_truth"
    truth.mkdir()
    with pytest.raises(WarehouseError, match="joinedup synth"):
        evaluate_households(con, truth)
    _write(con, "SELECT * FROM (VALUES ('ct', 'f', 1, '1', 1), ('ct', 'f', 2, '2', 2), "
                "('ct', 'f', 3, '3', 3)) AS t(source, file, row, record_id, person_id)",
           truth / "records.parquet")
    _write(con, "SELECT * FROM (VALUES ('P0000001', 'H1', '77', DATE '2020-01-01', NULL), "
                "('P0000002', 'H1', '77', DATE '2020-01-01', NULL), "
                "('P0000003', 'H2', '88', DATE '2019-01-01', NULL)) "
                "AS t(person_id, household_id, uprn, start_date, end_date)",
           truth / "residence.parquet")
    _write(con, "SELECT * FROM (VALUES ('P0000001', 'P0000002', 'parent', NULL, NULL), "
                "('P0000001', 'P0000003', 'sibling', NULL, NULL)) "
                "AS t(person_id, related_person_id, relationship, start_date, end_date)",
           truth / "relationships.parquet")
    scores = evaluate_households(con, truth)
    assert scores.people_known == 3
    pairs = scores.household_pairs
    assert (pairs.true_positives, pairs.false_positives, pairs.false_negatives) == (1, 2, 0)
    assert scores.households_exact == 0.0  # H1 is found only inside a bigger household
    # parent JP1 -> JP2 right; partner JP1-JP3 wrong (they are siblings); the sibling missed.
    assert scores.relationship_edges == {"edges": 2, "right": 1, "precision": 0.5, "true": 2,
                                         "found": 1, "recall": 0.5}
    assert scores.by_relationship["household_member"] == {"edges": 1, "right": 0,
                                                          "precision": 0.0}
