"""One path from tables of person records to clusters: standardise, train or load a model,
score blocked pairs, cluster, write. `joinedup match` and `bench/linkage.py` both run it.

Linkage reads no files: `joinedup match` reads them with the sources layer's readers
(`joinedup.sources.table_file`: encodings, rejected rows, limits) and passes the tables."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any, Literal

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]
from splink import DuckDBAPI
from splink.internals.exceptions import SplinkException

from joinedup.errors import SourceError
from joinedup.linkage import guardrails as guardrail_rules
from joinedup.linkage.blocking import rare_keys_lost_sql
from joinedup.linkage.clustering import Clusters
from joinedup.linkage.fields import ColumnMapping, resolve_mapping
from joinedup.linkage.frequencies import (
    count_frequencies,
    load_frequencies,
    save_frequencies,
    stale_message,
    use_frequencies,
)
from joinedup.linkage.guardrails import Guardrail
from joinedup.linkage.model import (
    LinkageError,
    LinkType,
    Progress,
    TrainingOptions,
    build_settings,
    load_model,
    make_linker,
    model_extras,
    only_new_pairs,
    only_region_pairs,
    present_columns,
    save_model,
    train,
    u_from_value_counts,
    untrained_levels,
    with_link_type,
)
from joinedup.linkage.prepare import PreparedTable, one_row, prepare_records, quote
from joinedup.linkage.resolve import ClusterRules, cluster_predictions
from joinedup.linkage.spark_engine import SparkOptions, predict_on_spark, require_spark
from joinedup.model.spreadsheet import safe_select_sql

DEFAULT_THRESHOLD = 0.8
DEFAULT_MAX_CLUSTER_SIZE = 50
DEFAULT_MIN_AVERAGE_WEIGHT = 0.0
Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")


@dataclass(frozen=True, slots=True)
class InputTable:
    """A table of person records (every column text, as read) and how its columns map onto
    matching's fields. A DuckDB relation is read into Arrow first."""

    table: pa.Table | duckdb.DuckDBPyRelation
    columns: Mapping[str, str | None] = field(default_factory=dict)
    name: str = "input"
    """What messages call the table: the file as given."""
    source: str | None = None
    """Source name for `link` (default: `name`'s file name without extension)."""
    lines: str | None = None
    """A column holding each record's line in its file, for messages (never compared)."""


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """How to match and cluster; the defaults are those of `joinedup match`."""

    threshold: float = DEFAULT_THRESHOLD
    """Pairs at or above this match probability are linked."""
    max_cluster_size: int | None = DEFAULT_MAX_CLUSTER_SIZE
    """Refuse links that would make a bigger cluster, and flag it (None: no cap)."""
    min_average_weight: float | None = DEFAULT_MIN_AVERAGE_WEIGHT
    """A link joins two clusters only if the scored pairs between them average at least this
    match weight (None: plain connected components)."""
    extras: tuple[str, ...] = ()
    """Extra columns to compare (e.g. birth_place)."""
    model: Path | None = None
    """A saved model to apply; None trains one on the input."""
    save_model: Path | None = None
    """Where to write the trained (or applied) model as Splink JSON."""
    separate_twins: bool = True
    """Keep the "twins" guardrail (same surname and date of birth, clearly different
    forenames: never one person); False drops that one rule."""
    guardrails: tuple[Guardrail, ...] | None = None
    """Rules whose pairs are never one person (None: joinedup's, `guardrails.yaml`)."""
    without_guardrails: tuple[str, ...] = ()
    """Names of guardrails not to apply."""
    also_dedupe: bool = False
    """For link: also link records within each file (link_and_dedupe)."""
    training: TrainingOptions = field(default_factory=TrainingOptions)
    must_link: tuple[tuple[str, str], ...] = ()
    """Pairs of record ids a reviewer decided are the same person (dedupe only)."""
    cannot_link: tuple[tuple[str, str], ...] = ()
    """Pairs of record ids a reviewer decided are different people (dedupe only)."""
    anchors: Mapping[str, str] | None = None
    """Incremental: record id -> the person it already belongs to. A person no new record
    can change stays as it is, without clustering (`_region`)."""
    new_from: str | None = None
    """Incremental: score only pairs with a record id >= this (ids compare as text), so
    records already linked are not compared with each other again. Needs a saved model."""
    tie_order: Mapping[str, int] | None = None
    """record id -> a number that does not depend on how this run numbered its records (the
    warehouse's link keys are numbered per run), so that links of equal probability are
    taken in the same order every run (`clustering.cluster_pairs`)."""
    reconsider: tuple[str, ...] = ()
    """Incremental: known records whose people are clustered again in
    any case (a person that lost a record may have been held together by it)."""
    frequencies: Path | None = None
    """Term frequencies saved with `model` (`frequencies.save_frequencies`): used instead of
    the input's own when the file exists, so the model scores a pair the same way whatever
    else is in the input. DuckDB engine only."""
    save_frequencies: Path | None = None
    """Where to write the input's term frequencies after training a model."""
    known_links: pa.Table | None = None
    """Incremental: the links (columns l, r: record ids below `new_from`, scored at or above
    the threshold by earlier runs) between known records (None: none). The known people a
    new record can change are clustered again with everyone these links reach, as a full
    run would (`_region`)."""
    known_names: pa.Table | None = None
    """Names an earlier run standardised (`PreparedTable.names`, same
    `prepare.names_version()`): reused, so only names not met before are standardised."""
    engine: Engine = "duckdb"
    """Where blocked pairs are scored: "duckdb" (this process), or "spark" (Splink's Spark
    backend, `spark_engine`). Standardising, training and clustering run in DuckDB either
    way, so both engines give the same clusters."""
    spark: SparkOptions = field(default_factory=SparkOptions)
    """Where and how Spark runs, for engine "spark"."""
    memory_limit: str | None = None
    """How much memory DuckDB may hold for the run (e.g. "12GB"; None: DuckDB's default,
    80% of the machine's). Beyond it, sorts, joins and aggregates spill to disk, so a
    region bigger than the machine's memory still runs, slower. Python's own structures
    (the clustering's) are not bounded by it: leave them room."""


@dataclass
class MatchRun:
    """The outcome of a run; the DuckDB connection stays open until `close()`."""

    con: duckdb.DuckDBPyConnection
    predictions: str
    """DuckDB table of scored pairs (unique_id_l, unique_id_r, match_probability, ...)."""
    clusters: Clusters
    records: list[tuple[str, str | None, str]]
    """(node id, source or None, record id) for every input record."""
    settings: dict[str, Any]
    prepared: list[PreparedTable]
    mappings: list[ColumnMapping]
    pairs_scored: int
    trained: bool
    frequencies: Path | None = None
    """The saved term frequencies the pairs were scored with (None: the input's own)."""
    clustered: frozenset[str] | None = None
    """Incremental: the records clustered this run (the region and the
    new records); every other record's person is as it was. None: every record."""
    spill: Path | None = None
    """The run's private folder for what DuckDB spills to disk (`open_connection`)."""

    def output_table(self) -> pa.Table:
        """record_id, cluster_id, match_probability (and source when linking)."""
        linking = any(source is not None for _, source, _ in self.records)
        rows = sorted(self.records, key=lambda r: (self.clusters.cluster_of[r[0]], r[0]))
        columns: dict[str, list[Any]] = {
            "record_id": [record for _, _, record in rows],
            "cluster_id": [self.clusters.cluster_of[node] for node, _, _ in rows],
            "match_probability": [
                None if node not in self.clusters.best_probability
                else round(self.clusters.best_probability[node], 6)
                for node, _, _ in rows
            ],
        }
        if linking:
            columns["source"] = [source for _, source, _ in rows]
        return pa.table(columns)

    def close(self) -> None:
        self.con.close()
        if self.spill is not None:
            shutil.rmtree(self.spill, ignore_errors=True)


def open_connection(memory_limit: str | None) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """An in-memory DuckDB connection for one run, and the folder it spills to.

    DuckDB would spill to `.tmp` in the working directory: the spilled pages are personal
    data, so each run spills into a folder of its own that only this user can read
    (`tempfile.mkdtemp`, under TMPDIR), removed when the run closes."""
    spill = Path(tempfile.mkdtemp(prefix="joinedup-spill-"))
    config: dict[str, str | bool | int | float | list[str]] = {"temp_directory": str(spill)}
    if memory_limit is not None:
        config["memory_limit"] = memory_limit
    try:
        return duckdb.connect(config=config), spill
    except duckdb.Error as exc:
        shutil.rmtree(spill, ignore_errors=True)
        raise LinkageError(f"memory limit {memory_limit!r} is not a size DuckDB reads: write "
                           f"it as 12GB or 800MB ({exc}).") from exc


def _source_names(inputs: Sequence[InputTable]) -> list[str]:
    names: list[str] = []
    for number, item in enumerate(inputs, start=1):
        given = item.source or PurePath(item.name).stem
        base = re.sub(r"[^A-Za-z0-9_-]+", "_", given) or f"source{number}"
        names.append(base if base not in names else f"{base}_{number}")
    return names


def run_match(inputs: Sequence[InputTable], options: MatchOptions,
              progress: Progress | None = None) -> MatchRun:
    """Match one table (dedupe) or two (link) and cluster the records into people."""
    say = progress or (lambda _message: None)
    if not 0 < options.threshold < 1:
        raise LinkageError(f"threshold {options.threshold} must be between 0 and 1 "
                           "(e.g. 0.9).")
    if not 1 <= len(inputs) <= 2:
        raise LinkageError("give one table to dedupe or two to link.")
    if options.engine not in ENGINES:
        raise LinkageError(f"unknown engine {options.engine!r}: use one of "
                           f"{', '.join(ENGINES)}.")
    if options.engine == "spark":
        require_spark(options.spark)
    link_type: LinkType = (
        "dedupe_only" if len(inputs) == 1
        else "link_and_dedupe" if options.also_dedupe else "link_only"
    )
    saved = load_model(options.model) if options.model is not None else None
    extras = list(dict.fromkeys([*options.extras, *(model_extras(saved) if saved else [])]))
    names = _source_names(inputs) if len(inputs) > 1 else [None]
    con, spill = open_connection(options.memory_limit)
    try:
        prepared, mappings = _prepare_all(con, inputs, names, extras, say,
                                          options.known_names)
        # A field must hold data in every file: one file's postcodes cannot link to nothing.
        present = set.intersection(*(
            present_columns(dict(p.filled), p.rows, options.training.min_fill) for p in prepared
        ))
        settings_input: Any = (
            with_link_type(saved, link_type) if saved is not None
            else build_settings(present, extras, link_type)
        )
        if options.new_from is not None:
            if saved is None or link_type != "dedupe_only":
                raise LinkageError("incremental matching needs a saved model and one input.")
            settings_input = only_new_pairs(settings_input, options.new_from)
        frozen = _frozen_frequencies(options, saved)
        if frozen is not None:
            assert saved is not None
            stale = stale_message(load_frequencies(con, prepared[0].table, saved, frozen))
            if stale:
                say(stale)
        linker = _linker(con, prepared, settings_input, frozen is not None)
        if saved is None:
            train(linker, present, options.training, [p.rows for p in prepared], say)
            filled = u_from_value_counts(linker, con, [p.table for p in prepared])
            if filled:
                say(f"u from value counts (no random pair shared one): {'; '.join(filled)}")
            if options.save_frequencies is not None:
                save_frequencies(linker, con, linker.misc.save_model_to_json(),
                                 options.save_frequencies)
        untrained = untrained_levels(linker.misc.save_model_to_json())
        if untrained:
            say(f"{len(untrained)} comparison levels had too few pairs to train and use "
                f"Splink's defaults: {'; '.join(untrained[:4])}"
                + (" ..." if len(untrained) > 4 else ""))
        if options.save_model is not None:
            say(f"saving the model to {options.save_model}")
            save_model(linker, options.save_model)
        settings = linker.misc.save_model_to_json()
        # Every blocked pair is kept: clustering weighs the evidence against links too.
        if options.engine == "spark":
            table = predict_on_spark(con, [p.table for p in prepared], settings,
                                     options.spark, say)
        else:
            say("scoring blocked pairs")
            table = linker.inference.predict(warning_mode="never").physical_name
        only: set[str] | None = None
        if options.new_from is not None:
            assert saved is not None  # checked with new_from above
            table, region = _rescore_region(con, prepared, with_link_type(saved, link_type),
                                            table, options, say)
            # Only the region and the new records are clustered; every other known person
            # stays as it is (`_with_known_people`).
            only = region | {str(k) for (k,) in con.execute(
                f"SELECT unique_id FROM {quote(prepared[0].table)} WHERE unique_id >= ?",
                [options.new_from]).fetchall()}
        pairs_scored = int(str(one_row(con, f'SELECT count(*) FROM "{table}"')[0]))
        say(f"clustering at match probability {options.threshold}")
        rules = ClusterRules(options.threshold, options.max_cluster_size,
                             options.min_average_weight, options.separate_twins,
                             options.must_link, options.cannot_link, None, options.tie_order,
                             guardrails=tuple(guardrail_rules.chosen(
                                 present, rules=options.guardrails,
                                 without=options.without_guardrails,
                                 separate_twins=options.separate_twins)))
        records, clusters = cluster_predictions(con, table, prepared,
                                                link_type != "dedupe_only", rules, only=only)
        if only is not None:
            clusters = _with_known_people(clusters, {
                key: person for key, person in (options.anchors or {}).items()
                if key not in only})
    except BaseException as exc:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
        # Splink chains the DuckDB error it wraps (`raise SplinkException(...) from e`).
        if isinstance(exc, duckdb.OutOfMemoryException) or isinstance(
                exc.__cause__, duckdb.OutOfMemoryException):
            raise LinkageError(_out_of_memory(options.memory_limit)) from exc
        if isinstance(exc, SplinkException):
            raise LinkageError(f"matching failed: {exc}") from exc
        raise
    return MatchRun(con=con, predictions=table, clusters=clusters, records=records,
                    settings=settings, prepared=prepared, mappings=mappings,
                    pairs_scored=pairs_scored, trained=saved is None,
                    frequencies=frozen, clustered=frozenset(only) if only is not None else None,
                    spill=spill)


def _out_of_memory(limit: str | None) -> str:
    """What to do when DuckDB could not hold a step of the run, even spilling to disk (a
    grouping or join it cannot spill needed more than its limit)."""
    if limit is None:
        return ("matching ran out of memory: DuckDB's default limit (80% of this machine's "
                "memory) was not enough for one step. Match on a machine with more memory, "
                "or score the pairs on a Spark cluster (--engine spark; docs/matching.md).")
    return (f"matching ran out of memory: DuckDB was held to {limit} (--memory-limit or the "
            "match_memory_limit setting) and one step needed more than it could spill. "
            "Raise the limit, leaving the clustering room beside it (about 0.8 GB a million "
            "records), or score the pairs on a Spark cluster (--engine spark).")


def _with_known_people(clusters: Clusters, known: Mapping[str, str]) -> Clusters:
    """`clusters` with each known person left out of clustering as one cluster, named by its
    smallest record id (as every cluster is)."""
    first: dict[str, str] = {}
    for key, person in known.items():
        if person not in first or key < first[person]:
            first[person] = key
    return replace(clusters, cluster_of={
        **clusters.cluster_of, **{key: first[person] for key, person in known.items()}})


def _frozen_frequencies(options: MatchOptions, saved: dict[str, Any] | None) -> Path | None:
    """The saved term frequencies to score with, if a saved model is applied with them."""
    if saved is None or options.frequencies is None or not options.frequencies.is_file():
        return None
    if options.engine != "duckdb":
        raise LinkageError("term frequencies saved with the model are read on the duckdb "
                           "engine only: leave out the frequencies or use --engine duckdb.")
    return options.frequencies


def _linker(con: duckdb.DuckDBPyConnection, prepared: Sequence[PreparedTable],
            settings: Any, counted: bool) -> Any:
    """A Splink linker over the prepared tables that scores with the frequency lookup tables
    in `con`; `counted`: they are there already (`frequencies.load_frequencies` read a saved
    model's, or an earlier linker of this run counted them), else they are counted now."""
    db_api = DuckDBAPI(connection=con)
    linker = make_linker(db_api, [p.table for p in prepared], settings)
    model = settings if isinstance(settings, dict) else linker.misc.save_model_to_json()
    if not counted:
        count_frequencies(con, [p.table for p in prepared], model)
    use_frequencies(linker, db_api, model)
    return linker


def _region(con: duckdb.DuckDBPyConnection, scored: str, table: str,
            options: MatchOptions) -> set[str]:
    """The known records an incremental run must cluster again to get what a full run gets.

    A full run's people are decided component by component (the records the links join,
    `resolve`), so the known records to decide again are those in the components that can
    differ from the last run's. They start from the known records
    - linked to a new one;
    - that blocking pairs differently now that the new records are counted (a key no longer
      rare, `blocking.rare_keys_lost_sql`; a group of identical records a new one joins,
      `prepare.COPIES_MIN_GROUP`);
    - given in `options.reconsider` (people who lost a record since);
    and, with the new records, follow the earlier links, the known people (all their
    records) and reviewers' same-person decisions until nothing more is reached. Every other
    component is unchanged.
    """
    assert options.new_from is not None
    anchors = options.anchors or {}
    must = options.must_link
    con.register("__jdu_known_links", options.known_links if options.known_links is not None
                 else pa.table({"l": pa.array([], pa.string()), "r": pa.array([], pa.string())}))
    # Each known record's unit: its person ("P:" and the person's id).
    con.register("__jdu_unit", pa.table({
        "k": pa.array(list(anchors), pa.string()),
        "unit": pa.array(["P:" + p for p in anchors.values()], pa.string())}))
    con.register("__jdu_must", pa.table({"l": pa.array([a for a, _ in must], pa.string()),
                                         "r": pa.array([b for _, b in must], pa.string())}))
    try:
        # The walk is over units, not records: a known person ("P:" and its id) is one unit
        # holding all its records, and a record of no known person is a unit of its own.
        # Reaching a record reaches its person and so every record of it; walking people
        # instead leaves only the links between two units (a few thousand at a million
        # records) rather than every link and every record's tie to its person (millions).
        con.execute("""
            CREATE OR REPLACE TEMP TABLE __jdu_edges AS
            WITH pairs AS (
                SELECT CAST(l AS VARCHAR) AS l, CAST(r AS VARCHAR) AS r FROM __jdu_known_links
                UNION ALL SELECT l, r FROM __jdu_must),
            units AS (
                SELECT coalesce(ul.unit, p.l) AS a, coalesce(ur.unit, p.r) AS b FROM pairs AS p
                LEFT JOIN __jdu_unit AS ul ON ul.k = p.l
                LEFT JOIN __jdu_unit AS ur ON ur.k = p.r)
            SELECT DISTINCT a, b FROM (SELECT a, b FROM units UNION ALL SELECT b, a FROM units)
            WHERE a <> b""")
        new_from = {"new_from": options.new_from}
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE __jdu_reached AS
            SELECT DISTINCT CAST(k AS VARCHAR) AS k FROM (
                SELECT unique_id_l AS k FROM "{scored}" WHERE match_probability >= $threshold
                UNION ALL
                SELECT unique_id_r FROM "{scored}" WHERE match_probability >= $threshold)
            """, {"threshold": options.threshold})
        con.execute(f"INSERT INTO __jdu_reached {rare_keys_lost_sql(quote(table))}", new_from)
        con.execute(f"""
            INSERT INTO __jdu_reached
            WITH joined AS (SELECT DISTINCT copy_of FROM {quote(table)}
                            WHERE unique_id >= $new_from AND copy_of IS NOT NULL)
            SELECT unique_id FROM {quote(table)}
            WHERE unique_id < $new_from
              AND (copy_of IN (SELECT copy_of FROM joined)
                   OR unique_id IN (SELECT copy_of FROM joined))""", new_from)
        con.register("__jdu_reconsider", pa.table({
            "k": pa.array(list(options.reconsider), pa.string())}))
        try:
            con.execute("INSERT INTO __jdu_reached SELECT k FROM __jdu_reconsider")
        finally:
            con.unregister("__jdu_reconsider")
        # From records to their units.
        con.execute("""CREATE OR REPLACE TEMP TABLE __jdu_reached AS
            SELECT DISTINCT coalesce(u.unit, g.k) AS k FROM __jdu_reached AS g
            LEFT JOIN __jdu_unit AS u ON u.k = g.k""")
        con.execute("CREATE OR REPLACE TEMP TABLE __jdu_frontier AS SELECT k FROM __jdu_reached")
        while True:
            con.execute("""
                CREATE OR REPLACE TEMP TABLE __jdu_next AS
                SELECT DISTINCT e.b AS k FROM __jdu_edges AS e
                JOIN __jdu_frontier AS f ON e.a = f.k
                ANTI JOIN __jdu_reached AS g ON g.k = e.b""")
            if int(str(one_row(con, "SELECT count(*) FROM __jdu_next")[0])) == 0:
                break
            con.execute("INSERT INTO __jdu_reached SELECT k FROM __jdu_next")
            con.execute("CREATE OR REPLACE TEMP TABLE __jdu_frontier AS SELECT k FROM __jdu_next")
        # Back from units to records: every record of a person reached, and the records
        # of no known person reached themselves.
        return {str(k) for (k,) in con.execute("""
            SELECT u.k FROM __jdu_unit AS u SEMI JOIN __jdu_reached AS g ON g.k = u.unit
            WHERE u.k < $new_from
            UNION
            SELECT k FROM __jdu_reached WHERE NOT starts_with(k, 'P:') AND k < $new_from""",
            new_from).fetchall()}
    finally:
        for name in ("__jdu_known_links", "__jdu_unit", "__jdu_must"):
            con.unregister(name)
        for name in ("__jdu_edges", "__jdu_reached", "__jdu_frontier", "__jdu_next"):
            con.execute(f"DROP TABLE IF EXISTS {name}")


def _rescore_region(con: duckdb.DuckDBPyConnection, prepared: Sequence[PreparedTable],
                    model: dict[str, Any], scored: str, options: MatchOptions,
                    say: Progress) -> tuple[str, set[str]]:
    """The new pairs in `scored` and the pairs between the known records of `_region`,
    scored in DuckDB with the same model (a few thousand records: no engine is needed), as
    one table; and the region."""
    assert options.new_from is not None
    region = _region(con, scored, prepared[0].table, options)
    if not region:
        return scored, region
    say(f"scoring again the pairs of {len(region):,} known records in the people new "
        "records link to")
    con.register("__jdu_region_keys", pa.table({"k": pa.array(sorted(region), pa.string())}))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE __jdu_region AS "
                    "SELECT k FROM __jdu_region_keys")
    finally:
        con.unregister("__jdu_region_keys")
    # The run's first linker left the frequency lookup tables in `con`.
    linker = _linker(con, prepared, only_region_pairs(model, "__jdu_region", options.new_from),
                     counted=True)
    again = linker.inference.predict(warning_mode="never").physical_name
    con.execute(f"""CREATE OR REPLACE TABLE __jdu_scored AS
        SELECT * FROM "{scored}" UNION ALL BY NAME SELECT * FROM "{again}" """)
    con.execute("DROP TABLE IF EXISTS __jdu_region")
    return "__jdu_scored", region


def _prepare_all(con: duckdb.DuckDBPyConnection, inputs: Sequence[InputTable],
                 names: Sequence[str | None], extras: Sequence[str],
                 say: Progress, known_names: pa.Table | None = None
                 ) -> tuple[list[PreparedTable], list[ColumnMapping]]:
    prepared: list[PreparedTable] = []
    mappings: list[ColumnMapping] = []
    for number, (item, name) in enumerate(zip(inputs, names, strict=True)):
        table = (item.table if isinstance(item.table, pa.Table)
                 else item.table.to_arrow_table())
        if table.num_rows == 0:
            raise SourceError("no records in the file (only a header row?): nothing to match. "
                              "Give a file with records.", file=item.name)
        raw = f"raw_{number}"
        con.register(raw, table)
        try:
            columns = [c for c in table.column_names if c != item.lines]
            mapping = resolve_mapping(columns, item.columns, extras, file=item.name)
            say(f"standardising {item.name}: {mapping.describe()}"
                + (" (--columns overrides a guess)" if mapping.guessed else ""))
            _check_ids(con, raw, mapping.fields["id"], item.lines, item.name)
            prepared.append(prepare_records(con, raw, mapping, f"prepared_{number}",
                                            source_name=name, file=item.name,
                                            known_names=known_names))
            _say_unread_dates(con, raw, mapping, prepared[-1].table, item.name, say)
        finally:
            con.unregister(raw)
        mappings.append(mapping)
    return prepared, mappings


def _say_unread_dates(con: duckdb.DuckDBPyConnection, raw: str, mapping: ColumnMapping,
                      prepared: str, name: str, say: Progress) -> None:
    """Say how many dates of birth were in no format the matcher reads (`prepare._dob_sql`):
    they are left out of the comparison, not guessed, and the user should know."""
    column = mapping.fields.get("dob")
    if column is None:
        return
    given = f"nullif(trim(CAST(r.{quote(column)} AS VARCHAR)), '')"
    unread, examples = one_row(con, f"""
        SELECT count(*), list(DISTINCT {given})[1:3]
        FROM {quote(raw)} AS r JOIN {quote(prepared)} AS p
          ON p.unique_id = nullif(trim(CAST(r.{quote(mapping.fields['id'])} AS VARCHAR)), '')
        WHERE {given} IS NOT NULL AND p.dob IS NULL""")
    if unread:
        shown = ", ".join(repr(str(e)) for e in examples) if isinstance(examples, list) else ""
        say(f"note: {int(str(unread)):,} dates of birth in {name} are in no format joinedup "
            f"reads (e.g. {shown}) and are left out of the comparison; write them as "
            "YYYY-MM-DD or DD/MM/YYYY (a two-digit year's century is not guessed)")


def _check_ids(con: duckdb.DuckDBPyConnection, raw: str, column: str, lines: str | None,
               name: str) -> None:
    """Every record has an id and no id is repeated; the message names the lines at fault."""
    line = f"CAST({quote(lines)} AS BIGINT)" if lines else "NULL::BIGINT"
    value = f"nullif(trim(CAST({quote(column)} AS VARCHAR)), '')"
    missing, first = one_row(
        con, f"SELECT count(*), list({line} ORDER BY {line})[1:5] FROM {quote(raw)} "
             f"WHERE {value} IS NULL")
    if missing:
        at = _at_lines(first)
        raise SourceError(
            f"{missing} records have no id{at}: every record needs one. Fill in column "
            f"'{column}' there, remove those rows, or map another column with "
            "--columns id=COLUMN.",
            file=name, field="id", row=_first(first))
    repeated = con.execute(
        f"SELECT {value}, list({line} ORDER BY {line})[1:5], count(*) OVER () "
        f"FROM {quote(raw)} GROUP BY 1 HAVING count(*) > 1 ORDER BY min({line}), 1 LIMIT 1"
    ).fetchall()
    if repeated:
        example, where, count = repeated[0]
        raise SourceError(
            f"{count} ids are repeated (e.g. '{example}'{_at_lines(where)}): ids must be unique "
            "within a file. Map a unique column with --columns id=COLUMN, or remove the "
            "repeated rows.",
            file=name, field="id", row=_first(where))


def _at_lines(found: object) -> str:
    lines = [int(x) for x in found or [] if x is not None] if isinstance(found, list) else []
    if not lines:
        return ""
    return f" at line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}"


def _first(found: object) -> int | None:
    return int(found[0]) if isinstance(found, list) and found and found[0] is not None else None


def write_output(run: MatchRun, out: Path) -> None:
    """Write record_id, cluster_id, match_probability (+ source) as CSV."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        table = run.output_table()
        run.con.register("__joinedup_output", table)
        # DuckDB quotes a value only when it must; the path is bound, not pasted. Ids that a
        # spreadsheet would run as a formula are written as text (`model.spreadsheet`).
        columns = [(name, "VARCHAR" if pa.types.is_string(kind) else "OTHER")
                   for name, kind in zip(table.column_names, table.schema.types, strict=True)]
        run.con.execute(f"COPY ({safe_select_sql(columns, '__joinedup_output')}) TO ? "
                        "(FORMAT csv, HEADER)", [str(out)])
        run.con.unregister("__joinedup_output")
    except (OSError, duckdb.Error) as exc:
        raise LinkageError(f"cannot write {out}: {exc}") from exc
