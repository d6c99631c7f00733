"""Person ids over several link runs: incremental runs, full runs, review decisions.

The borough is ingested first without three sources, linked, then ingested whole: the second
link is incremental, keeps the id of every known person the new records do not touch, and
gives the people a full run gives; reviewers' decisions are honoured by every later run.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import duckdb
import pytest
import yaml
from click.testing import CliRunner

from joinedup.cli import cli
from joinedup.config import get_settings
from joinedup.linkage import warehouse_link
from joinedup.linkage.identity import person_number
from joinedup.linkage.state import pair_id
from joinedup.warehouse.ingest import run_ingest
from joinedup.warehouse.snapshots import SnapshotStore

HELD_BACK = ("police", "early_help", "vcse_hope_trust")


def _assignment(store: SnapshotStore) -> dict[tuple[str, str], str]:
    with store.open_current() as con:
        rows = con.execute("SELECT source, source_record_id, person_id FROM person_link")
        return {(str(s), str(r)): str(p) for s, r, p in rows.fetchall()}


def _partial_sources(borough: Path, out: Path) -> Path:
    """The borough's sources.yaml without HELD_BACK, with paths made absolute."""
    config = yaml.safe_load((borough / "sources.yaml").read_text(encoding="utf-8"))
    config["sources"] = [s for s in config["sources"] if s["name"] not in HELD_BACK]
    for source in config["sources"]:
        for file in source["files"]:
            file["path"] = str(borough / file["path"])
    target = out / "partial.yaml"
    target.write_text(yaml.safe_dump(config), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def partial_home(small_borough: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home with the borough but HELD_BACK ingested and linked, by a first (full) run.

    Built once for the module: each test works on a copy (linked_partially), since a link
    run takes several seconds and every test changes what it is given."""
    root = tmp_path_factory.mktemp("partial")
    home = root / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as patch:  # the environment the `home` fixture gives
        patch.setenv("JOINEDUP_HOME", str(home))
        patch.delenv("JOINEDUP_SOURCES", raising=False)
        patch.delenv("JOINEDUP_REFERENCE_DATA", raising=False)
        patch.setenv("JOINEDUP_CONFIG", str(root / "no-such-joinedup.toml"))
        get_settings.cache_clear()
        try:
            settings = get_settings()
            run_ingest(_partial_sources(small_borough, root), settings)
            first = warehouse_link.link_warehouse(settings)
        finally:
            get_settings.cache_clear()
    assert first.mode == "full" and "no saved model" in first.mode_reason
    assert first.id_changes["new"] == first.persons
    return home


@pytest.fixture
def linked_partially(partial_home: Path, home: Path) -> SnapshotStore:
    shutil.copytree(partial_home, home, dirs_exist_ok=True)
    return SnapshotStore.from_settings(get_settings())


def _probabilities(store: SnapshotStore) -> dict[tuple[str, str], float | None]:
    with store.open_current() as con:
        rows = con.execute("SELECT source, source_record_id, match_probability FROM person_link")
        return {(str(s), str(r)): p for s, r, p in rows.fetchall()}


def _people(assignment: dict[tuple[str, str], str]) -> set[frozenset[tuple[str, str]]]:
    """The partition of records into people, whatever the ids."""
    members: dict[str, set[tuple[str, str]]] = {}
    for key, person in assignment.items():
        members.setdefault(person, set()).add(key)
    return {frozenset(keys) for keys in members.values()}


def _held(store: SnapshotStore) -> tuple[set[tuple[object, ...]], set[tuple[str, str]]]:
    """The pairs held apart with their reasons (each pair in either order: the two records'
    order follows the run's numbering), and the review queue's pairs and reasons."""
    with store.open_current() as con:
        held: set[tuple[object, ...]] = {
            (frozenset({(str(sl), str(il)), (str(sr), str(ir))}), str(reason))
            for sl, il, sr, ir, reason in con.execute(
                "SELECT source_l, source_record_id_l, source_r, source_record_id_r, reason "
                "FROM person_link_held").fetchall()}
        queue = {(str(p), str(r)) for p, r in con.execute(
            "SELECT pair_id, reason FROM review_queue").fetchall()}
    return held, queue


def test_incremental_run_gives_what_a_full_run_gives(
        linked_partially: SnapshotStore, small_borough: Path) -> None:
    settings = get_settings()
    store = linked_partially
    before = _assignment(store)
    run_ingest(small_borough / "sources.yaml", settings)

    second = warehouse_link.link_warehouse(settings)
    assert second.mode == "incremental", second.mode_reason
    after, strongest = _assignment(store), _probabilities(store)
    added = set(after) - set(before)
    assert second.new_records == len(added) > 0
    assert {key[0] for key in added} == set(HELD_BACK)
    # A known person whose records stay together keeps its id (with any new records); one
    # that new records join to another is merged, as a full run would, and the run says so.
    untouched = _people(before) & _people({key: after[key] for key in before})
    assert len(untouched) > 0.9 * len(_people(before))
    assert all(after[key] == before[key] for person in untouched for key in person)
    with store.open_current() as con:
        merged = con.execute("SELECT merged_persons FROM link_run").fetchone()
    assert merged is not None and merged[0] == second.id_changes["merged"]
    # New people are numbered above every id issued before.
    top = max(person_number(p) for p in before.values())
    fresh = {after[key] for key in added} - set(before.values())
    assert fresh and min(person_number(p) for p in fresh) > top
    # Fresh ids go to people of new records only, or to the part a split moves off.
    assert second.id_changes["new"] <= len(fresh) <= (second.id_changes["new"]
                                                       + second.id_changes["split"])
    # Only pairs involving a new record were scored; most new records found their person.
    assert second.pairs_scored > 0
    attached = sum(1 for key in added if after[key] in set(before.values()))
    assert attached > 0.5 * len(added)
    held_after, queue_after = _held(store)

    # A full run scores everything again; any id that changes hands is recorded, and ids of
    # merged people are never given to anyone else.
    third = warehouse_link.link_warehouse(settings, full=True)
    assert third.mode == "full" and third.pairs_scored > second.pairs_scored
    final = _assignment(store)
    # The same people as the incremental run (issue 17: the model's frequencies are kept
    # with it, and every known person a new record reaches is clustered again).
    assert _people(final) == _people(after)
    # ... and each record's strongest link inside its person, which alerts and pages show.
    assert _probabilities(store) == pytest.approx(strongest, abs=1e-12)
    # ... and the same pairs held apart, for the same reasons, in the review queue: the
    # incremental run keeps those of the people it left alone.
    held_full, queue_full = _held(store)
    assert held_full and held_after == held_full
    assert queue_after == queue_full
    assert third.id_changes["merged"] == third.id_changes["split"] == 0
    kept = sum(1 for key, person in after.items() if final.get(key) == person)
    assert kept > 0.97 * len(after)
    events = warehouse_link.link_state(settings).events()
    merged = {person for _, kind, person, _, _ in events if kind == "merged"}
    assert not merged & set(final.values())
    with store.open_current() as con:
        run = con.execute("SELECT mode, new_records, merged_persons FROM link_run").fetchone()
    assert run is not None and run[0] == "full" and run[1] == 0
    assert run[2] == third.id_changes["merged"]
    with store.open_current() as con:
        model = con.execute("SELECT model_json FROM link_model").fetchone()
    assert model is not None and '"comparisons"' in model[0]


def _households(store: SnapshotStore) -> dict[str, tuple[str, frozenset[str]]]:
    """household id -> its address key and people (one person can be the only member of
    households at several addresses)."""
    with store.open_current() as con:
        rows = con.execute("SELECT household_id, address_key, list(person_id) "
                           "FROM household_member JOIN household USING (household_id) "
                           "GROUP BY ALL").fetchall()
    return {str(h): (str(key), frozenset(people)) for h, key, people in rows}


def test_households_keep_their_ids_from_run_to_run(linked_partially: SnapshotStore,
                                                   small_borough: Path) -> None:
    # The debt pages name a household by its id in their address: an id that passed to
    # another household overnight would open another family's debts from a saved link.
    settings = get_settings()
    store = linked_partially
    before = _households(store)
    run_ingest(small_borough / "sources.yaml", settings)  # the held-back sources arrive
    warehouse_link.link_warehouse(settings)
    after = _households(store)
    same_people = {h for h, people in before.items() if people in set(after.values())}
    assert len(same_people) > 0.8 * len(before)
    assert all(after.get(h) == before[h] for h in same_people)
    # New households are numbered above every id issued, and the state remembers it.
    top = max(int(h[2:]) for h in before)
    fresh = set(after) - set(before)
    assert fresh and min(int(h[2:]) for h in fresh) > top
    issued = warehouse_link.link_state(settings).next_household_number()
    assert issued == max(int(h[2:]) for h in after) + 1
    # A full run again gives every household the id it has now.
    warehouse_link.link_warehouse(settings, full=True)
    assert _households(store) == after


def test_review_decisions_are_honoured_by_later_runs(linked_partially: SnapshotStore) -> None:
    settings = get_settings()
    store = linked_partially
    runner = CliRunner()
    listed = runner.invoke(cli, ["review", "list", "--json", "--limit", "5"])
    assert listed.exit_code == 0, listed.output
    queue = json.loads(listed.output)
    assert queue["total"] > 0
    item = queue["items"][0]
    left, right = tuple(item["left"]), tuple(item["right"])
    assert item["pair_id"] == pair_id(left, right)
    assert item["person_left"] != item["person_right"]

    # "same" joins the two people; "different" splits two records the model had joined.
    before = _assignment(store)
    by_person: dict[str, list[tuple[str, str]]] = {}
    for key, person in sorted(before.items()):
        by_person.setdefault(person, []).append(key)
    apart_a, apart_b = next(keys[:2] for person, keys in by_person.items()
                            if len(keys) > 1 and person not in (before[left], before[right]))
    decided = runner.invoke(cli, ["review", "decide", item["pair_id"], "same", "--by",
                                  "test reviewer", "--note", "same NHS number"])
    assert decided.exit_code == 0, decided.output
    assert "applies it" in decided.output
    state = warehouse_link.link_state(settings)
    state.decide(apart_a, apart_b, "different", "test reviewer")
    # Until the next run, the decided pair is no longer listed.
    relisted = json.loads(runner.invoke(cli, ["review", "list", "--json"]).output)
    assert relisted["total"] == queue["total"] - 1
    assert item["pair_id"] not in {i["pair_id"] for i in relisted["items"]}

    report = warehouse_link.link_warehouse(settings)
    assert report.mode == "full" and "review decisions" in report.mode_reason
    after = _assignment(store)
    assert after[left] == after[right]
    assert after[apart_a] != after[apart_b]
    # A later run, incremental or not, still honours them.
    again = warehouse_link.link_warehouse(settings)
    assert again.mode == "incremental"
    final = _assignment(store)
    assert final[left] == final[right]
    assert final[apart_a] != final[apart_b]
    with store.open_current() as con:
        queued = {row[0] for row in con.execute("SELECT pair_id FROM review_queue").fetchall()}
    assert item["pair_id"] not in queued
    # Decisions are kept with who made them, and the history is append-only.
    assert next(d.decided_by for d in state.decisions()) == "test reviewer"
    with sqlite3.connect(state.database) as con:
        assert con.execute("SELECT count(*) FROM review_decision_log").fetchone()[0] >= 1


def test_bad_decisions_are_refused(linked_partially: SnapshotStore) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["review", "decide", "RV0000000000", "same", "--by", "x"])
    assert missing.exit_code == 2 and "review list" in missing.output
    wrong = runner.invoke(cli, ["review", "decide", "RV0000000000", "maybe"])
    assert wrong.exit_code == 2
    # The snapshot is read-only to everything but a link run.
    with pytest.raises(duckdb.Error), linked_partially.open_current() as con:
        con.execute("DELETE FROM review_queue")


def test_an_incremental_run_after_records_leave_gives_what_a_full_run_gives(
        linked_partially: SnapshotStore, small_borough: Path, tmp_path: Path) -> None:
    settings = get_settings()
    store = linked_partially
    run_ingest(small_borough / "sources.yaml", settings)
    warehouse_link.link_warehouse(settings)
    # The three sources leave again: people their records held together may fall apart.
    run_ingest(_partial_sources(small_borough, tmp_path), settings)
    fewer = warehouse_link.link_warehouse(settings)
    assert fewer.mode == "incremental", fewer.mode_reason
    after = _assignment(store)
    assert after and not {source for source, _ in after} & set(HELD_BACK)
    again = warehouse_link.link_warehouse(settings, full=True)
    assert again.mode == "full"
    assert _people(_assignment(store)) == _people(after)
