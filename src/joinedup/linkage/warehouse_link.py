"""Link every person record in the current warehouse snapshot into people, as a new snapshot.

The current snapshot is copied into a `SnapshotBuild` (a byte copy of its file), the records
of `person_record` are matched (all sources together, within and across sources) by the same
`run_match` path as `joinedup match dedupe`, and these tables are added (`person_tables`
writes the first three, set-based):

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
incremental when it can be (`link_plan.choose_mode`): only pairs not scored before are
scored, and only the known people new or changed records can change are clustered again; the
people are those a full run would give (`pipeline._region`, `frequencies`).

Only a successful commit switches CURRENT, so any failure leaves the served snapshot as it
was. A model is trained and saved to ``<warehouse>/linkage/model.json`` when there is none
(or on ``retrain``); otherwise the saved one is applied, so people are scored the same way
from run to run.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pyarrow as pa

from joinedup.config import Settings
from joinedup.context.tables import CONTEXT_TABLES, build_context_tables
from joinedup.errors import WarehouseError
from joinedup.linkage.fields import resolve_mapping
from joinedup.linkage.households import (
    FamilySummary,
    build_family_tables,
    first_household_number,
    next_household_number,
)
from joinedup.linkage.identity import RecordKey
from joinedup.linkage.link_plan import RunChoice, choose_mode, constraints
from joinedup.linkage.person_tables import (
    assign_ids,
    linked_people,
    register_clusters,
    write_held_apart,
    write_pairs,
    write_person_index,
    write_person_link,
)
from joinedup.linkage.pipeline import InputTable, MatchOptions, run_match
from joinedup.linkage.prepare import PreparedTable, names_version, prepare_records
from joinedup.linkage.review import REVIEW_FLOOR, write_review_queue
from joinedup.linkage.search_tables import SEARCH_TABLES, store_search_tables
from joinedup.linkage.state import LinkState, Registry, ReviewDecision
from joinedup.warehouse.snapshots import SnapshotBuild, SnapshotStore

Progress = Callable[[str], None]
Step = Callable[[duckdb.DuckDBPyConnection], None]
LINK_TABLES = ("person_link", "person_index", "person_link_pair", "person_link_held",
               "link_run", "link_model",
               "review_queue",
               *SEARCH_TABLES, "household", "household_member", "family_edge",
               *CONTEXT_TABLES)
__all__ = ["REVIEW_FLOOR", "LinkReport", "frequencies_path", "link_state", "link_warehouse",
           "match_records_sql", "model_path", "numbered_records_sql", "prepare_numbered"]
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


def frequencies_path(settings: Settings) -> Path:
    """The term frequencies the saved model scores with (`frequencies`), beside it."""
    return model_path(settings).with_name("frequencies.parquet")


def _staged_frequencies(staged_model: Path) -> Path:
    """Where a run that trains writes the frequencies, beside its staged model."""
    return staged_model.with_name(staged_model.name.replace("model.json",
                                                            "frequencies.parquet"))


def link_state(settings: Settings) -> LinkState:
    """The register of person ids and the review decisions of this warehouse."""
    return LinkState(settings.warehouse_dir / "linkage")


def _copy_snapshot(build: SnapshotBuild, source: Path) -> None:
    """The previous snapshot's tables, less the previous link's: a byte copy when the build
    was seeded with one, otherwise copied table by table."""
    if not build.seeded:
        literal = source.as_posix().replace("'", "''")
        database = build.con.execute("SELECT current_database()").fetchall()[0][0]
        build.con.execute(f"ATTACH '{literal}' AS prior_snapshot (READ_ONLY)")
        build.con.execute(f'COPY FROM DATABASE prior_snapshot TO "{database}"')
        build.con.execute("DETACH prior_snapshot")
    for table in LINK_TABLES:  # relinking replaces the previous link's tables
        build.con.execute(f"DROP TABLE IF EXISTS {table}")
    # Dropped tables' blocks are only free after a checkpoint: without one the new tables
    # would be appended and the file would grow by a link's worth every run.
    build.con.execute("CHECKPOINT")


@dataclass(frozen=True, slots=True)
class _Exported:
    table: pa.Table
    """The matching input: link_key and the columns matching reads."""
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
    """Number the records and take the matching input; keys stay in a temp table.

    Records whose matching fields are unchanged since the last run carry their person id in
    `known_person_id`; new and changed records are numbered after them.
    """
    con = build.con
    con.register("link_registry", registry.table)
    # A record can take fields from another source's record under the same id (a CIN census
    # return takes the child's names from the case record: `source_facts`), so it changes
    # when that record comes, changes or goes, though its own fields do not. It is matched
    # again as a changed record. Any id a new, changed or vanished record of another source
    # holds counts: an unrelated system's id that only collides costs a few records scored
    # again, never a pair missed.
    con.execute(f"""
        CREATE TEMP TABLE link_records AS
        WITH base AS (
            SELECT p.*, f.service, {_record_hash_sql()} AS record_hash
            FROM {match_records_sql()} AS p
            LEFT JOIN (SELECT DISTINCT source, service FROM source_freshness) AS f
                USING (source)),
        registered AS (
            SELECT b.*, g.person_id AS registered_person_id FROM base AS b
            LEFT JOIN link_registry AS g ON g.source = b.source
                AND g.source_record_id = b.source_record_id
                AND g.record_hash = b.record_hash),
        moved AS (
            SELECT source, source_record_id FROM registered WHERE registered_person_id IS NULL
            UNION
            SELECT g.source, g.source_record_id FROM link_registry AS g
            ANTI JOIN base AS b USING (source, source_record_id)),
        lent AS (
            SELECT r.source, r.source_record_id FROM registered AS r
            JOIN moved AS m ON m.source_record_id = r.source_record_id
                AND m.source <> r.source
            WHERE r.registered_person_id IS NOT NULL),
        known AS (
            SELECT r.* EXCLUDE (registered_person_id),
                   CASE WHEN l.source IS NULL THEN r.registered_person_id END
                       AS known_person_id
            FROM registered AS r
            LEFT JOIN (SELECT DISTINCT source, source_record_id FROM lent) AS l
                USING (source, source_record_id))
        SELECT lpad(CAST(row_number() OVER (
                   ORDER BY known_person_id IS NULL, source, source_record_id, _file, _row)
                   AS VARCHAR), 10, '0') AS link_key, *
        FROM known
    """)
    # People who lost a record since the last run (it changed or left the sources): the
    # record may have held them together. An incremental run clusters them again.
    con.execute("""
        CREATE TEMP TABLE link_bereft AS
        SELECT DISTINCT g.person_id FROM link_registry AS g
        ANTI JOIN link_records AS r ON r.source = g.source
            AND r.source_record_id = g.source_record_id AND r.known_person_id IS NOT NULL""")
    con.unregister("link_registry")
    records, new_records, new_from = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE known_person_id IS NULL), "
        "min(link_key) FILTER (WHERE known_person_id IS NULL) FROM link_records"
    ).fetchall()[0]
    if records == 0:
        raise WarehouseError("the current snapshot has no person records to link: run "
                             "`joinedup ingest` with sources that map person_record.")
    columns = ", ".join(MATCH_COLUMNS)
    # In memory, never on disk: the matching input is personal data.
    table = con.sql(f"SELECT link_key, {columns} FROM link_records").to_arrow_table()
    first_new = str(new_from) if new_from is not None else f"{int(records) + 1:010d}"
    return _Exported(table, int(records), int(new_records), first_new)


NAMES_TABLE = "link_names"
"""The names a link run standardised (`prepare.NAME_SCHEMA` and the `version` that made
them), kept in its snapshot for the next run: a nightly run of a million records then
standardises only the few thousand names it has not met (about 10 s less)."""


def _kept_names(con: duckdb.DuckDBPyConnection) -> pa.Table | None:
    """The previous run's names (copied with its snapshot) when the same version of the name
    rules made them; else None, and every name is standardised again."""
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? "
                        "AND database_name = current_database()", [NAMES_TABLE]).fetchall()
    if not found[0][0]:
        return None
    kept = con.sql(f"SELECT * EXCLUDE (version) FROM {NAMES_TABLE} WHERE version = ?",
                   params=[names_version()]).to_arrow_table()
    return kept if kept.num_rows else None


def _keep_names(con: duckdb.DuckDBPyConnection, prepared: Sequence[PreparedTable]) -> None:
    """Replace the kept names with this run's (every name its records give, no more)."""
    con.execute(f"DROP TABLE IF EXISTS {NAMES_TABLE}")
    lookups = [p.names for p in prepared if p.names is not None]
    if not lookups:
        return
    con.register("link_names_now", pa.concat_tables(lookups))
    try:
        con.execute(f"CREATE TABLE {NAMES_TABLE} AS SELECT *, ?::VARCHAR AS version "
                    "FROM link_names_now", [names_version()])
    finally:
        con.unregister("link_names_now")


def _after_commit(store: SnapshotStore, settings: Settings, staged_model: Path | None,
                  target_model: Path) -> tuple[list[str], list[str]]:
    warnings: list[str] = []
    if staged_model is not None:
        # The frequencies first: a new model must never be read with the old model's.
        staged_frequencies = _staged_frequencies(staged_model)
        target_frequencies = frequencies_path(settings)
        placed = staged_frequencies.is_file()
        if placed:
            lost = store.place_side_file(staged_frequencies, target_frequencies,
                                         "the model scores with frequencies computed afresh")
            warnings += lost
            placed = not lost
        if not placed:
            target_frequencies.unlink(missing_ok=True)
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
        has_registry=registry.table.num_rows > 0, previous_snapshot_kept=kept,
        decisions_changed=last is not None and state.decisions_logged() != last.decisions_seen,
        new_records=exported.new_records, records=exported.records)
    return choice, prior if choice.mode == "incremental" else None


def _attach_prior(build: SnapshotBuild, store: SnapshotStore, prior: str | None) -> str | None:
    if prior is None:
        return None
    literal = store.path(prior).as_posix().replace("'", "''")
    build.con.execute(f"ATTACH '{literal}' AS prior_link (READ_ONLY)")
    return "prior_link"


def _households_from(build: SnapshotBuild, store: SnapshotStore, state: LinkState,
                     prior: str | None) -> str | None:
    """An attached database with the last link's household tables, whose ids households
    keep: the incremental run's prior link, else the last linked snapshot while it is kept.
    None when there is none (the first link, or the snapshot was pruned)."""
    name = prior
    if name is None:
        last = state.last_run()
        if last is None or not store.path(last.snapshot_id).is_file():
            return None
        literal = store.path(last.snapshot_id).as_posix().replace("'", "''")
        name = "prior_households"
        build.con.execute(f"ATTACH '{literal}' AS {name} (READ_ONLY)")
    found = build.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? "
        "AND table_name IN ('household', 'household_member')", [name]).fetchall()[0][0]
    if found == 2:
        return name
    if name != prior:
        build.con.execute(f"DETACH {name}")
    return None


def _decision_keys(con: duckdb.DuckDBPyConnection,
                   decisions: list[ReviewDecision]) -> dict[RecordKey, str]:
    """(source, source_record_id) -> link key, for the records reviewers decided on only:
    mapping every record would move a million rows into Python to look up a handful."""
    if not decisions:
        return {}
    named = [record for d in decisions for record in (d.left, d.right)]
    con.register("link_decided", pa.table({
        "source": pa.array([source for source, _ in named], pa.string()),
        "source_record_id": pa.array([record for _, record in named], pa.string())}))
    try:
        rows = con.execute("SELECT source, source_record_id, link_key FROM link_records "
                           "SEMI JOIN link_decided USING (source, source_record_id)").fetchall()
    finally:
        con.unregister("link_decided")
    return {(str(source), str(record)): str(key) for source, record, key in rows}


def _known_people(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """link key -> person id of every record unchanged since the last run."""
    known = con.sql("SELECT link_key, known_person_id FROM link_records "
                    "WHERE known_person_id IS NOT NULL").to_arrow_table()
    return dict(zip(known.column("link_key").to_pylist(),
                    known.column("known_person_id").to_pylist(), strict=True))


def _known_links(con: duckdb.DuckDBPyConnection, prior: str, threshold: float) -> pa.Table:
    """The links (pairs scored at or above `threshold`) the last run kept between records
    unchanged since, by this run's link keys (columns l, r)."""
    return con.sql(f"""
        SELECT l.link_key AS l, r.link_key AS r FROM {prior}.person_link_pair AS p
        JOIN link_records AS l ON l.source = p.source_l
            AND l.source_record_id = p.source_record_id_l AND l.known_person_id IS NOT NULL
        JOIN link_records AS r ON r.source = p.source_r
            AND r.source_record_id = p.source_record_id_r AND r.known_person_id IS NOT NULL
        WHERE p.match_probability >= {float(threshold)}""").to_arrow_table()


def _tie_order(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """link key -> the record's place in source and record id order, which (unlike the link
    keys, numbered per run with new records last) is the same in every run."""
    order = con.sql("SELECT link_key, row_number() OVER (ORDER BY source, source_record_id, "
                    "_file, _row) AS n FROM link_records").to_arrow_table()
    return dict(zip(order.column("link_key").to_pylist(), order.column("n").to_pylist(),
                    strict=True))


def _options(base: MatchOptions, build: SnapshotBuild, decisions: list[ReviewDecision],
             choice: RunChoice, exported: _Exported, prior: str | None, *, train: bool,
             saved: Path, staged: Path | None, frequencies: Path) -> MatchOptions:
    # An incremental run builds on the last linked snapshot (`_choose` gives it then).
    incremental = choice.mode == "incremental" and prior is not None
    known = _known_people(build.con) if incremental else {}
    bereft = tuple(str(key) for (key,) in build.con.execute(
        "SELECT link_key FROM link_records SEMI JOIN link_bereft "
        "ON link_bereft.person_id = link_records.known_person_id").fetchall()
    ) if incremental else ()
    rules = constraints(_decision_keys(build.con, decisions), decisions, known)
    return replace(
        base, model=None if train else saved, save_model=staged,
        training=base.training,
        must_link=rules.must_link, cannot_link=rules.cannot_link,
        anchors=rules.anchors or None, new_from=exported.new_from if incremental else None,
        known_links=(_known_links(build.con, prior, base.threshold)
                     if incremental and prior is not None else None),
        reconsider=bereft,
        tie_order=_tie_order(build.con),
        known_names=_kept_names(build.con),
        frequencies=None if train else frequencies,
        save_frequencies=_staged_frequencies(staged) if staged is not None else None)


def link_warehouse(settings: Settings, *, retrain: bool = False, full: bool = False,
                   options: MatchOptions | None = None,
                   progress: Progress | None = None,
                   steps: Sequence[Step] = ()) -> LinkReport:
    """Link the current snapshot's person records and publish the result as a new snapshot.

    Incremental when it safely can be (see `link_plan`); `full` asks for every pair to be
    scored again. Reviewers' decisions are honoured either way. `steps` run on the new
    snapshot after the people are written and before it is published (the CLI rebuilds the
    marts there, so those counting people are published with them).
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
        say(f"copying snapshot {previous}")
        with store.build(seed=previous) as build:
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
            base = options or MatchOptions()
            if base.memory_limit is None:
                base = replace(base, memory_limit=settings.match_memory_limit)
            match_options = _options(base, build, decisions, choice,
                                     exported, prior, train=train, saved=saved_model,
                                     staged=staged, frequencies=frequencies_path(settings))
            records = exported.records
            say(f"matching {records:,} person records"
                + (" (training a model)" if train else f" with the model {saved_model}"))
            run = run_match([InputTable(exported.table, {"id": "link_key"},
                                        name="the snapshot's person records")],
                            match_options, say)
            try:
                register_clusters(build.con, run.clusters, run.clustered)
                assignment = assign_ids(build.con, registry.table, state.next_number())
                say("writing person_link, person_link_pair and person_index")
                write_person_link(build.con, assignment, prior)
                write_pairs(build.con, run.con, run.predictions, prior)
                write_held_apart(build.con, run.clusters, prior)
                store_search_tables(build.con, run)
                _keep_names(build.con, run.prepared)
            finally:
                run.close()  # the scored pairs held in memory are not needed any more
            # The model the people were scored with travels with them, so a snapshot can be
            # explained and audited after the saved model is retrained.
            build.con.execute("CREATE TABLE link_model AS SELECT ? AS model_json",
                              [json.dumps(run.settings, sort_keys=True)])
            persons = write_person_index(build.con)
            say("building households and the family network")
            earlier = _households_from(build, store, state, prior)
            first_household = first_household_number(build.con, earlier,
                                                      state.next_household_number())
            family = build_family_tables(build.con, earlier, first_household)
            if earlier is not None and earlier != prior:
                build.con.execute(f"DETACH {earlier}")
            next_household = next_household_number(build.con, first_household)
            say("building the Family Context tables and the review queue")
            build_context_tables(build.con)
            queue = write_review_queue(build.con, match_options.threshold,
                                       [d.pair_id for d in decisions])
            if prior:
                build.con.execute(f"DETACH {prior}")
            for step in steps:
                step(build.con)
            clusters = run.clusters
            linked = linked_people(build.con)
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
            state.begin_run(build.id, build.id, choice.mode, records, persons, assignment, seen,
                            next_household)
            say("publishing the new snapshot")
            path = build.commit()
        state.finish_run(build.id, register)
        pruned, warnings = _after_commit(store, settings, staged, saved_model)
    return LinkReport(build.id, path, previous, records, persons, linked, len(clusters.flagged),
                      run.pairs_scored, saved_model, train, time.perf_counter() - started,
                      choice.mode, choice.reason, exported.new_records, changes, queue, family,
                      tuple(pruned), tuple(warnings))
