"""Link every person record in the current warehouse snapshot into people, as a new snapshot.

The current snapshot is copied into a `SnapshotBuild`, the records of `person_record` are
matched (all sources together, within and across sources) by the same `run_match` path as
`joinedup match dedupe`, and these tables are added:

- `person_link`: source, source_record_id, person_id, cluster_size, match_probability (the
  record's strongest link inside its person), flagged (its cluster hit the size cap);
- `person_index`: person_id and the golden record (`person_index.golden_record`);
- `person_link_pair`: scored pairs at or above `REVIEW_FLOOR` with both records' keys, for
  review queues and pairwise evaluation;
- `review_queue`: the pairs a person should decide (`review.write_review_queue`);
- `link_model`: the Splink model (JSON) the run scored with;
- `link_run`: one row on how the link ran (mode, model, threshold, counts, id changes, timings).

Person ids are stable (`identity.assign_person_ids`, with the register in `state.LinkState`),
and reviewers' decisions are applied as must-link / cannot-link constraints. A run is
incremental when it can be (`link_plan.choose_mode`): only pairs involving new or changed
records are scored, and known people stay as they were.

Only a successful commit switches CURRENT, so any failure leaves the served snapshot as it
was. A model is trained and saved to ``<warehouse>/linkage/model.json`` when there is none
(or on ``retrain``); otherwise the saved one is applied, so people are scored the same way
from run to run.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from joinedup.config import Settings
from joinedup.context.tables import CONTEXT_TABLES, build_context_tables
from joinedup.errors import WarehouseError
from joinedup.linkage.clustering import Clusters
from joinedup.linkage.fields import resolve_mapping
from joinedup.linkage.households import FamilySummary, build_family_tables
from joinedup.linkage.identity import IdAssignment, RecordKey, assign_person_ids, person_number
from joinedup.linkage.link_plan import RunChoice, choose_mode, constraints
from joinedup.linkage.person_index import GOLDEN_FIELDS, SourceRecord, golden_records
from joinedup.linkage.pipeline import InputFile, MatchOptions, run_match
from joinedup.linkage.prepare import PreparedTable, prepare_records
from joinedup.linkage.review import REVIEW_FLOOR, write_review_queue
from joinedup.linkage.search_tables import SEARCH_TABLES, store_search_tables
from joinedup.linkage.state import LinkState, Registry, ReviewDecision
from joinedup.warehouse.snapshots import SnapshotBuild, SnapshotStore

Progress = Callable[[str], None]
LINK_TABLES = ("person_link", "person_index", "person_link_pair", "link_run", "link_model",
               "review_queue",
               *SEARCH_TABLES, "household", "household_member", "family_edge",
               *CONTEXT_TABLES)
__all__ = ["REVIEW_FLOOR", "LinkReport", "link_state", "link_warehouse", "match_records_sql",
           "model_path", "numbered_records_sql", "prepare_numbered"]
# Address and UPRN are left out of matching: a household shares them with the postcode, so a
# model that treats fields as independent counts one fact three times and merges parents
# with children (measured on the synthetic borough: cluster precision 0.80 with address,
# 0.96 without). The postcode carries the place.
MATCH_COLUMNS = ("first_name", "middle_names", "surname", "dob", "sex", "postcode",
                 "nhs_number", "upn", "source", "source_record_id", "address_from",
                 "address_to")
# source and source_record_id are not compared: preparation reads what a source's records
# show about it (ids shared with another source, adults-only sources; `source_facts`).
# address_from / address_to are when the record's own address was held (`match_records_sql`):
# a council tax account closed the day another opens elsewhere is one person moving.


def match_records_sql() -> str:
    """person_record with `address_from` and `address_to`: the dates the record's own
    address (its postcode) was held, from the same record's address_history rows. The end is
    empty while any such row is open. A subquery, to read in place of person_record."""
    return """(
        SELECT p.*, a.address_from, a.address_to
        FROM person_record AS p
        LEFT JOIN (
            SELECT source, source_record_id, postcode, min(start_date) AS address_from,
                   CASE WHEN bool_or(end_date IS NULL) THEN NULL ELSE max(end_date) END
                       AS address_to
            FROM address_history WHERE postcode IS NOT NULL
            GROUP BY source, source_record_id, postcode
        ) AS a ON a.source = p.source AND a.source_record_id = p.source_record_id
            AND a.postcode = p.postcode)"""

# EM blocked on postcode learns households, not people (names "disagree" in half the true
# matches), so the warehouse trains on names and on date of birth only.
EM_SESSIONS: tuple[tuple[str, ...], ...] = (("first_name", "surname"), ("dob",))


@dataclass(frozen=True, slots=True)
class LinkReport:
    """The outcome of a successful link run."""

    snapshot_id: str
    snapshot_path: Path
    previous_id: str
    records: int
    persons: int
    linked_persons: int
    """Persons with more than one record."""
    flagged: int
    """Clusters that reached the size cap and were not merged further."""
    pairs_scored: int
    model_path: Path
    trained: bool
    seconds: float
    mode: str = "full"
    mode_reason: str = ""
    new_records: int = 0
    """Records new or changed since the last run (all of them on the first run)."""
    id_changes: dict[str, int] = field(default_factory=dict)
    """Person-id events of this run by kind: new, merged, split, retired."""
    review_queue: int = 0
    family: FamilySummary | None = None
    """Households and family network edges written with the people."""
    pruned: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def model_path(settings: Settings) -> Path:
    """Where the warehouse's matching model lives."""
    return settings.warehouse_dir / "linkage" / "model.json"


def link_state(settings: Settings) -> LinkState:
    """The register of person ids and the review decisions of this warehouse."""
    return LinkState(settings.warehouse_dir / "linkage")


def _copy_snapshot(build: SnapshotBuild, source: Path) -> None:
    literal = source.as_posix().replace("'", "''")
    database = build.con.execute("SELECT current_database()").fetchall()[0][0]
    build.con.execute(f"ATTACH '{literal}' AS prior_snapshot (READ_ONLY)")
    build.con.execute(f'COPY FROM DATABASE prior_snapshot TO "{database}"')
    build.con.execute("DETACH prior_snapshot")
    for table in LINK_TABLES:  # relinking replaces the previous link's tables
        build.con.execute(f"DROP TABLE IF EXISTS {table}")


@dataclass(frozen=True, slots=True)
class _Exported:
    path: Path
    records: int
    new_records: int
    new_from: str | None
    """The first link key of a new or changed record (they are numbered last)."""


def numbered_records_sql() -> str:
    """SELECT every person record with the columns matching reads, numbered `link_key` in
    (source, source_record_id) order: the matching input outside a link run (explain's
    fallback; the web tests' and benches' hand-made worlds)."""
    columns = ", ".join(dict.fromkeys(["source", "source_record_id", *MATCH_COLUMNS]))
    return ("SELECT lpad(CAST(row_number() OVER (ORDER BY source, source_record_id, _file, "
            f"_row) AS VARCHAR), 10, '0') AS link_key, {columns} FROM {match_records_sql()}")


def prepare_numbered(con: duckdb.DuckDBPyConnection, raw: str, out: str) -> PreparedTable:
    """Standardise a table of `numbered_records_sql` rows into `out`, as a link run does."""
    mapping = resolve_mapping(["link_key", *MATCH_COLUMNS], {"id": "link_key"})
    return prepare_records(con, raw, mapping, out)


def _record_hash_sql() -> str:
    parts = ", ".join(f"coalesce(CAST(p.{column} AS VARCHAR), chr(0))"
                      for column in MATCH_COLUMNS)
    return f"md5(concat_ws(chr(31), {parts}))"


def _export_records(build: SnapshotBuild, registry: Registry) -> _Exported:
    """Number the records and write the matching input; keys stay in a temp table.

    Records whose matching fields are unchanged since the last run carry their person id in
    `known_person_id`; new and changed records are numbered after them.
    """
    con = build.con
    con.register("link_registry", registry.table)
    con.execute(f"""
        CREATE TEMP TABLE link_records AS
        WITH base AS (
            SELECT p.*, f.service, {_record_hash_sql()} AS record_hash
            FROM {match_records_sql()} AS p
            LEFT JOIN (SELECT DISTINCT source, service FROM source_freshness) AS f
                USING (source))
        SELECT lpad(CAST(row_number() OVER (
                   ORDER BY g.person_id IS NULL, b.source, b.source_record_id, b._file, b._row)
                   AS VARCHAR), 10, '0') AS link_key,
               b.*, g.person_id AS known_person_id
        FROM base AS b
        LEFT JOIN link_registry AS g ON g.source = b.source
            AND g.source_record_id = b.source_record_id AND g.record_hash = b.record_hash
    """)
    con.unregister("link_registry")
    records, new_records, new_from = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE known_person_id IS NULL), "
        "min(link_key) FILTER (WHERE known_person_id IS NULL) FROM link_records"
    ).fetchall()[0]
    if records == 0:
        raise WarehouseError("the current snapshot has no person records to link: run "
                             "`joinedup ingest` with sources that map person_record.")
    target = build.side_file("person_record.parquet")
    literal = target.as_posix().replace("'", "''")
    columns = ", ".join(MATCH_COLUMNS)
    con.execute(f"COPY (SELECT link_key, {columns} FROM link_records) TO '{literal}' "
                "(FORMAT parquet)")
    first_new = str(new_from) if new_from is not None else f"{int(records) + 1:010d}"
    return _Exported(target, int(records), int(new_records), first_new)


def _assign_ids(con: duckdb.DuckDBPyConnection, clusters: Clusters, registry: Registry,
                state: LinkState) -> IdAssignment:
    members: dict[str, list[RecordKey]] = defaultdict(list)
    for key, source, record in con.execute(
            "SELECT link_key, source, source_record_id FROM link_records").fetchall():
        members[clusters.cluster_of[str(key)]].append((str(source), str(record)))
    issued = max((person_number(p) for p in registry.person_of.values()), default=0)
    return assign_person_ids(members, registry.person_of, max(state.next_number(), issued + 1))


def _link_tables(con: duckdb.DuckDBPyConnection, clusters: Clusters,
                 ids: dict[str, str]) -> pa.Table:
    keys = [str(k) for (k,) in con.execute("SELECT link_key FROM link_records").fetchall()]
    sizes = clusters.sizes()
    return pa.table({
        "link_key": keys,
        "person_id": [ids[clusters.cluster_of[k]] for k in keys],
        "cluster_size": [sizes[clusters.cluster_of[k]] for k in keys],
        "match_probability": [clusters.best_probability.get(k) for k in keys],
        "flagged": [clusters.cluster_of[k] in clusters.flagged for k in keys],
    })


def _write_person_link(con: duckdb.DuckDBPyConnection, clusters: Clusters,
                       ids: dict[str, str], prior: str | None) -> None:
    """person_link; an incremental run keeps the strongest link known records had before."""
    con.register("link_assignments", _link_tables(con, clusters, ids))
    before = ("(SELECT source, source_record_id, match_probability AS before "
              f"FROM {prior}.person_link)" if prior else
              "(SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS source_record_id, "
              "NULL::DOUBLE AS before WHERE false)")
    con.execute(f"""
        CREATE TABLE person_link AS
        SELECT r.source, r.source_record_id, a.person_id, a.cluster_size,
               CAST(CASE WHEN r.known_person_id IS NULL THEN a.match_probability
                    ELSE greatest(a.match_probability, b.before) END AS DOUBLE)
                   AS match_probability,
               a.flagged
        FROM link_records AS r JOIN link_assignments AS a USING (link_key)
        LEFT JOIN {before} AS b USING (source, source_record_id)
        ORDER BY a.person_id, r.source, r.source_record_id
    """)
    con.execute("""
        CREATE TEMP TABLE link_person AS
        SELECT r.link_key, a.person_id FROM link_records AS r
        JOIN link_assignments AS a USING (link_key)
    """)
    con.unregister("link_assignments")


def _write_person_index(con: duckdb.DuckDBPyConnection) -> int:
    names = [f.name for f in SourceRecord.__dataclass_fields__.values()]
    rows = con.execute(f"""
        SELECT l.person_id, {", ".join("r." + n for n in names)}
        FROM link_records AS r JOIN link_person AS l USING (link_key)
    """).fetchall()
    members: dict[str, list[SourceRecord]] = defaultdict(list)
    for person, *values in rows:
        members[str(person)].append(SourceRecord(*values))
    golden = golden_records(members)
    persons = sorted(golden)
    columns: dict[str, list[Any]] = {"person_id": persons}
    for name in GOLDEN_FIELDS:
        columns[name] = [getattr(golden[p], name) for p in persons]
    columns["records"] = [len(members[p]) for p in persons]
    columns["sources"] = [sorted({r.source for r in members[p]}) for p in persons]
    con.register("link_golden", pa.table(columns))
    con.execute("CREATE TABLE person_index AS SELECT * FROM link_golden ORDER BY person_id")
    con.unregister("link_golden")
    return len(persons)


def _write_pairs(build_con: duckdb.DuckDBPyConnection, match_con: duckdb.DuckDBPyConnection,
                 predictions: str, prior: str | None) -> None:
    pairs = match_con.sql(
        f'SELECT unique_id_l AS key_l, unique_id_r AS key_r, match_probability, match_weight '
        f'FROM "{predictions}" WHERE match_probability >= {float(REVIEW_FLOOR)}'
    ).to_arrow_table()
    build_con.register("link_pairs", pairs)
    build_con.execute("""
        CREATE TABLE person_link_pair AS
        SELECT l.source AS source_l, l.source_record_id AS source_record_id_l,
               r.source AS source_r, r.source_record_id AS source_record_id_r,
               CAST(p.match_probability AS DOUBLE) AS match_probability,
               CAST(p.match_weight AS DOUBLE) AS match_weight
        FROM link_pairs AS p
        JOIN link_records AS l ON l.link_key = p.key_l
        JOIN link_records AS r ON r.link_key = p.key_r
    """)
    build_con.unregister("link_pairs")
    if prior:
        # Pairs between records unchanged since the last run were not scored again.
        build_con.execute(f"""
            INSERT INTO person_link_pair
            SELECT p.* FROM {prior}.person_link_pair AS p
            SEMI JOIN link_records AS l ON l.source = p.source_l
                AND l.source_record_id = p.source_record_id_l
                AND l.known_person_id IS NOT NULL
            SEMI JOIN link_records AS r ON r.source = p.source_r
                AND r.source_record_id = p.source_record_id_r
                AND r.known_person_id IS NOT NULL
        """)


def _after_commit(store: SnapshotStore, settings: Settings, staged_model: Path | None,
                  target_model: Path, scratch: Path) -> tuple[list[str], list[str]]:
    warnings: list[str] = []
    scratch.unlink(missing_ok=True)  # the matching input: personal data, no longer needed
    if staged_model is not None:
        warnings += store.place_side_file(staged_model, target_model,
                                          "the model was not saved; the next run trains again")
    pruned, housekeeping_warnings = store.housekeep(settings.snapshots_keep, settings.reports_dir)
    warnings.extend(housekeeping_warnings)
    return pruned, warnings


def _choose(settings: Settings, store: SnapshotStore, state: LinkState, registry: Registry,
            exported: _Exported, *, full: bool, retrain: bool) -> tuple[RunChoice, str | None]:
    """Full or incremental, and the last linked snapshot an incremental run builds on."""
    last = state.last_run()
    prior = last.snapshot_id if last is not None else None
    kept = prior is not None and store.path(prior).is_file() and registry.run_id == (
        last.run_id if last is not None else None)
    choice = choose_mode(
        requested_full=full, retrain=retrain, has_model=model_path(settings).is_file(),
        has_registry=bool(registry.person_of), previous_snapshot_kept=kept,
        decisions_changed=last is not None and state.decisions_logged() != last.decisions_seen,
        new_records=exported.new_records, records=exported.records)
    return choice, prior if choice.mode == "incremental" else None


def _attach_prior(build: SnapshotBuild, store: SnapshotStore, prior: str | None) -> str | None:
    if prior is None:
        return None
    literal = store.path(prior).as_posix().replace("'", "''")
    build.con.execute(f"ATTACH '{literal}' AS prior_link (READ_ONLY)")
    return "prior_link"


def _options(base: MatchOptions, build: SnapshotBuild, decisions: list[ReviewDecision],
             choice: RunChoice, exported: _Exported, *, train: bool, saved: Path,
             staged: Path | None) -> MatchOptions:
    incremental = choice.mode == "incremental"
    key_of: dict[RecordKey, str] = {}
    known: dict[str, str] = {}
    for key, source, record, person in build.con.execute(
            "SELECT link_key, source, source_record_id, known_person_id FROM link_records"
    ).fetchall():
        key_of[(str(source), str(record))] = str(key)
        if incremental and person is not None:
            known[str(key)] = str(person)
    rules = constraints(key_of, decisions, known)
    return replace(
        base, model=None if train else saved, save_model=staged,
        training=replace(base.training, em_sessions=base.training.em_sessions or EM_SESSIONS),
        must_link=rules.must_link, cannot_link=rules.cannot_link,
        anchors=rules.anchors or None, new_from=exported.new_from if incremental else None)


def link_warehouse(settings: Settings, *, retrain: bool = False, full: bool = False,
                   options: MatchOptions | None = None,
                   progress: Progress | None = None) -> LinkReport:
    """Link the current snapshot's person records and publish the result as a new snapshot.

    Incremental when it safely can be (see `link_plan`); `full` asks for every pair to be
    scored again. Reviewers' decisions are honoured either way.
    """
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    store = SnapshotStore.from_settings(settings)
    state = link_state(settings)
    saved_model = model_path(settings)
    with store.lock():
        store.clean_leftovers()
        previous = store.current_id()
        if previous is None:
            raise WarehouseError(f"there is no warehouse snapshot yet in {store.root}: run "
                                 "`joinedup ingest` first.")
        registry = state.registry()
        with store.build() as build:
            say(f"copying snapshot {previous}")
            _copy_snapshot(build, store.path(previous))
            exported = _export_records(build, registry)
            choice, prior_id = _choose(settings, store, state, registry, exported,
                                       full=full, retrain=retrain)
            say(f"{choice.mode} run: {choice.reason}")
            prior = _attach_prior(build, store, prior_id)
            train = retrain or not saved_model.is_file()
            staged = build.side_file("model.json") if train else None
            seen = state.decisions_logged()
            decisions = state.decisions()
            match_options = _options(options or MatchOptions(), build, decisions, choice,
                                     exported, train=train, saved=saved_model, staged=staged)
            records = exported.records
            say(f"matching {records:,} person records"
                + (" (training a model)" if train else f" with the model {saved_model}"))
            run = run_match([InputFile(exported.path, {"id": "link_key"})], match_options, say)
            try:
                assignment = _assign_ids(build.con, run.clusters, registry, state)
                say("writing person_link, person_link_pair and person_index")
                _write_person_link(build.con, run.clusters, {
                    cluster: assignment.person_of_cluster[cluster]
                    for cluster in set(run.clusters.cluster_of.values())}, prior)
                _write_pairs(build.con, run.con, run.predictions, prior)
                store_search_tables(build.con, run)
                # The model the people were scored with travels with them, so a snapshot can
                # be explained and audited after the saved model is retrained.
                build.con.execute("CREATE TABLE link_model AS SELECT ? AS model_json",
                                  [json.dumps(run.settings, sort_keys=True)])
                persons = _write_person_index(build.con)
                family = build_family_tables(build.con)
                build_context_tables(build.con)
            finally:
                run.close()
            queue = write_review_queue(build.con, match_options.threshold,
                                       [d.pair_id for d in decisions])
            if prior:
                build.con.execute(f"DETACH {prior}")
            clusters = run.clusters
            linked = sum(1 for size in clusters.sizes().values() if size > 1)
            changes = {kind: assignment.count(kind)
                       for kind in ("new", "merged", "split", "retired")}
            seconds = time.perf_counter() - started
            build.con.execute(
                "CREATE TABLE link_run AS SELECT ? AS linked_from, ? AS finished, ? AS model, "
                "? AS trained, ? AS threshold, ? AS records, ? AS persons, ? AS flagged, "
                "? AS pairs_scored, ? AS seconds, ? AS mode, ? AS mode_reason, "
                "? AS new_records, ? AS new_persons, ? AS merged_persons, ? AS split_persons, "
                "? AS retired_persons, ? AS review_queue",
                [previous, dt.datetime.now(dt.UTC).replace(tzinfo=None), str(saved_model),
                 train, match_options.threshold, records, persons, len(clusters.flagged),
                 run.pairs_scored, round(seconds, 3), choice.mode, choice.reason,
                 exported.new_records, changes["new"], changes["merged"], changes["split"],
                 changes["retired"], queue],
            )
            register = build.con.sql(
                "SELECT l.source, l.source_record_id, l.person_id, r.record_hash "
                "FROM person_link AS l JOIN link_records AS r "
                "USING (source, source_record_id)").to_arrow_table()
            state.begin_run(build.id, build.id, choice.mode, records, persons, assignment, seen)
            say("publishing the new snapshot")
            path = build.commit()
        state.finish_run(build.id, register)
        pruned, warnings = _after_commit(store, settings, staged, saved_model, exported.path)
    return LinkReport(build.id, path, previous, records, persons, linked, len(clusters.flagged),
                      run.pairs_scored, saved_model, train, time.perf_counter() - started,
                      choice.mode, choice.reason, exported.new_records, changes, queue, family,
                      tuple(pruned), tuple(warnings))
