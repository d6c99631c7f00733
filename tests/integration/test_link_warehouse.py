"""`joinedup link` and `joinedup evaluate-linkage` on the small synthetic borough."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import joinedup.linkage.warehouse_link as warehouse_link
from joinedup.cli import cli
from joinedup.config import get_settings
from joinedup.errors import WarehouseError
from joinedup.warehouse.snapshots import SnapshotStore
from linked_borough import LinkedBorough

# Measured on this borough (2,000 people, seed 7, reference data): pairwise F1 0.884,
# cluster F1 0.912 (the floors catch a broken model or clustering, not small drifts).
PAIRWISE_F1_FLOOR = 0.86
CLUSTER_F1_FLOOR = 0.89


@dataclass(frozen=True)
class Linked:
    tables: set[str]
    counts: tuple[int, ...]
    assignment: dict[str, str]


def _tables(store: SnapshotStore, run_id: str) -> Linked:
    with store.open(run_id) as con:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        counts = con.execute("""
            SELECT (SELECT count(*) FROM person_record),
                   (SELECT count(*) FROM person_link),
                   (SELECT count(*) FROM person_record AS r
                    ANTI JOIN person_link AS l USING (source, source_record_id)),
                   (SELECT count(DISTINCT person_id) FROM person_link),
                   (SELECT count(*) FROM person_index),
                   (SELECT count(*) FROM person_index
                    ANTI JOIN person_link USING (person_id)),
                   (SELECT count(*) FROM person_link WHERE NOT regexp_full_match(
                        person_id, 'JP[0-9]{8}'))
        """).fetchall()[0]
        assignment = dict(con.execute(
            "SELECT source || ':' || source_record_id, person_id FROM person_link"
        ).fetchall())
    return Linked(tables, tuple(int(c) for c in counts),
                  {str(k): str(v) for k, v in assignment.items()})


def test_link_publishes_people_scores_them_and_fails_safely(
    small_borough: Path, linked_borough: LinkedBorough, home: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = get_settings()
    linked_borough.copy_ingested_to(home)  # the borough as `ingest` published it
    store = SnapshotStore.from_settings(settings)
    ingested = store.current_id()
    assert ingested is not None
    runner = CliRunner()

    result = runner.invoke(cli, ["link"])
    assert result.exit_code == 0, result.output
    assert "persons" in result.output
    linked = store.current_id()
    assert linked is not None and linked != ingested
    assert warehouse_link.model_path(settings).is_file()
    first = _tables(store, linked)
    assert {"person_link", "person_index", "person_link_pair", "link_run",
            "person_record", "event"} <= first.tables
    records, links, unlinked, persons, index_rows, orphan_index, bad_ids = first.counts
    assert links == records > 2_000 and unlinked == 0
    assert index_rows == persons and orphan_index == 0 and bad_ids == 0
    assert 1_000 < persons < records
    assert not list(store.root.glob(".building-*"))

    result = runner.invoke(cli, ["evaluate-linkage", "--truth",
                                 str(small_borough / "ground_truth"), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["records_evaluated"] == records
    assert scores["pairwise"]["f1"] > PAIRWISE_F1_FLOOR, scores["pairwise"]
    assert scores["clusters"]["f1"] > CLUSTER_F1_FLOOR, scores["clusters"]
    assert scores["false_merges"] and scores["missed_links"]
    by_source = scores["by_source"]
    assert sum(item["records"] for item in by_source.values()) == records
    # Every true pair touches one or two sources, so the per-source counts add up to at
    # least the whole and at most twice it.
    found = sum(item["clusters"]["true_positives"] for item in by_source.values())
    whole = scores["clusters"]["true_positives"]
    assert whole <= found <= 2 * whole
    shown = runner.invoke(cli, ["evaluate-linkage", "--truth",
                                str(small_borough / "ground_truth")])
    assert shown.exit_code == 0 and "Worst false merges" in shown.output
    assert "By source" in shown.output
    without = json.loads(runner.invoke(cli, [
        "evaluate-linkage", "--truth", str(small_borough / "ground_truth"), "--json",
        "--exclude-source", "council_tax"]).output)
    assert "council_tax" not in without["by_source"]
    assert without["records_evaluated"] == records - by_source["council_tax"]["records"]
    typo = runner.invoke(cli, ["evaluate-linkage", "--truth",
                               str(small_borough / "ground_truth"), "--exclude-source", "tax"])
    assert typo.exit_code == 2 and "no linked records come from tax" in typo.output

    # A failure after matching, before the commit, leaves CURRENT and the folder as they were.
    def broken(*_args: object) -> int:
        raise WarehouseError("disk full (simulated)")

    with monkeypatch.context() as patch:
        patch.setattr(warehouse_link, "write_person_index", broken)
        failed = runner.invoke(cli, ["link"])
    assert failed.exit_code == 2
    assert "simulated" in failed.output and "not changed" in failed.output
    assert store.current_id() == linked
    assert not list(store.root.glob(".building-*"))
    # The match_memory_limit setting reaches the matching of `joinedup link`: one DuckDB
    # cannot read stops the run before anything is written.
    with monkeypatch.context() as patch:
        patch.setenv("JOINEDUP_MATCH_MEMORY_LIMIT", "half the machine")
        get_settings.cache_clear()
        failed = runner.invoke(cli, ["link"])
    get_settings.cache_clear()
    assert failed.exit_code == 2
    assert "'half the machine' is not a size DuckDB reads" in failed.output
    assert store.current_id() == linked

    # Relinking the linked snapshot with the saved model gives the same people and ids.
    again = warehouse_link.link_warehouse(settings)
    assert not again.trained
    assert _tables(store, again.snapshot_id).assignment == first.assignment


def test_evaluate_linkage_needs_a_linked_snapshot(small_borough: Path,
                                                  linked_borough: LinkedBorough,
                                                  home: Path) -> None:
    linked_borough.copy_ingested_to(home)  # ingested, never linked
    result = CliRunner().invoke(cli, ["evaluate-linkage", "--truth",
                                      str(small_borough / "ground_truth")])
    assert result.exit_code == 2
    assert "joinedup link" in result.output
