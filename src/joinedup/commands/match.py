"""`joinedup match`: find the same person within one file of person records, or across two.

Files are read by the sources layer's readers (`joinedup.sources.table_file`), as ingest reads
them; linkage gets the tables. Rows that cannot be read are listed beside the output
(``<out>.rejected.csv``) and counted: read = matched + rejected.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.status import Status

from joinedup.config import get_settings
from joinedup.errors import SourceError
from joinedup.linkage import (
    DEFAULT_MAX_CLUSTER_SIZE,
    DEFAULT_THRESHOLD,
    FIELDS,
    InputTable,
    MatchOptions,
    MatchRun,
    TrainingOptions,
    guardrails,
    parse_columns,
    run_match,
    write_output,
)
from joinedup.linkage.pipeline import DEFAULT_MIN_AVERAGE_WEIGHT, ENGINES
from joinedup.linkage.spark_engine import SparkOptions
from joinedup.sources.files import Fixes
from joinedup.sources.table_file import LINE_COLUMN, FileTable, read_table_file, write_rejects

_FIELD_HELP = ", ".join(FIELDS)
MATCH_FIXES = Fixes(
    path="the path (relative to the folder joinedup runs in)",
    encoding="--encoding",
    format="the file's extension (.csv, .xlsx or .parquet)",
    delimiter="--delimiter",
    sheet="--sheet",
    drop="give a file with records",
)
"""How the readers' messages tell a `joinedup match` user to change a reading option."""


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file named on the command line, and how its columns map onto matching's fields."""

    path: Path
    columns: Mapping[str, str | None] = field(default_factory=dict)
    name: str | None = None
    """Source name for `link` (default: the file name without extension)."""

    def read(self, *, encoding: str = "auto", delimiter: str | None = None,
             sheet: str | None = None) -> tuple[InputTable, FileTable]:
        """Read the file as ingest does; the table for matching and what the read found."""
        read = read_table_file(self.path, str(self.path), encoding=encoding,
                               delimiter=delimiter, sheet=sheet, fixes=MATCH_FIXES)
        return InputTable(read.table, self.columns, name=read.shown, source=self.name,
                          lines=LINE_COLUMN), read


def rejects_path(out: Path) -> Path:
    """Where the rows that could not be read are listed: beside the output."""
    return out.with_name(f"{out.stem}.rejected.csv")


class _Steps:
    """Shows the current step with a spinner on stderr and ticks off finished ones."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.status: Status | None = None
        self.current: str | None = None
        self.started = 0.0

    def __call__(self, message: str) -> None:
        self._finish()
        self.current, self.started = message, time.perf_counter()
        if self.status is None:
            self.status = self.console.status(message)
            self.status.start()
        else:
            self.status.update(message)

    def _finish(self) -> None:
        if self.current is not None:
            seconds = time.perf_counter() - self.started
            self.console.print(f"[green]✓[/] {self.current} [dim]({seconds:.1f} s)[/]",
                               highlight=False, soft_wrap=True)
            self.current = None

    def close(self) -> None:
        self._finish()
        if self.status is not None:
            self.status.stop()


@contextmanager
def _reporting() -> Iterator[tuple[Console, _Steps]]:
    console = Console(stderr=True)
    steps = _Steps(console)
    try:
        yield console, steps
    finally:
        steps.close()


def _extras(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _common(function: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--out", "out", required=True, type=click.Path(path_type=Path),
                     help="CSV to write: record_id, cluster_id, match_probability. Rows "
                          "that cannot be read are listed beside it in OUT.rejected.csv."),
        click.option("--columns", default=None, metavar="FIELD=COLUMN,...",
                     help=f"Which column holds each field ({_FIELD_HELP}). Fields not given "
                          "use a column of the same name, or of a common name for them "
                          "(record_id, forename, date_of_birth, ...; the guesses are "
                          "printed); FIELD= leaves a field out."),
        click.option("--extra", "extras", multiple=True, metavar="COLUMN[,COLUMN]",
                     help="Other columns to compare (same, or one containing the other), "
                          "e.g. birth_place,occupation."),
        click.option("--model", type=click.Path(path_type=Path), default=None,
                     help="Apply a saved model instead of training one on the input."),
        click.option("--save-model", type=click.Path(path_type=Path), default=None,
                     help="Save the trained model (Splink JSON) for reuse."),
        click.option("--threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True),
                     default=DEFAULT_THRESHOLD, show_default=True,
                     help="Link pairs scored at or above this match probability."),
        click.option("--max-cluster-size", type=click.IntRange(min=2),
                     default=DEFAULT_MAX_CLUSTER_SIZE, show_default=True,
                     help="Refuse links that would make a bigger cluster; flag it instead."),
        click.option("--min-average-weight", type=float, default=DEFAULT_MIN_AVERAGE_WEIGHT,
                     show_default=True,
                     help="Join two clusters only if their scored pairs average at least "
                          "this match weight."),
        click.option("--separate-twins/--no-separate-twins", default=True, show_default=True,
                     help="Never link records with the same surname and date of birth but "
                          "clearly different forenames (likely twins)."),
        click.option("--guardrails", "guardrails_file", type=click.Path(path_type=Path),
                     default=None,
                     help="Rules of records never made one person (YAML, the form of "
                          "joinedup's own guardrails.yaml), instead of joinedup's."),
        click.option("--without-guardrail", "without", multiple=True, metavar="NAME",
                     help="Do not apply this guardrail (repeat for several)."),
        click.option("--seed", type=int, default=TrainingOptions().seed, show_default=True,
                     help="Random seed for training."),
        click.option("--encoding", default="auto", show_default=True,
                     help="Text encoding of CSV input: auto reads UTF-8 (with or without a "
                          "byte-order mark), UTF-16 and Windows-1252; or name one, e.g. "
                          "cp1252."),
        click.option("--delimiter", default=None, metavar="CHAR",
                     help="Field separator of CSV input (default: the commonest of , ; tab | "
                          "in the header line)."),
        click.option("--sheet", default=None,
                     help="Worksheet of XLSX input (default: the first)."),
        click.option("--engine", type=click.Choice(ENGINES), default="duckdb",
                     show_default=True,
                     help="Where blocked pairs are scored: duckdb in this process, or spark "
                          "(Splink's Spark backend; needs Java and the spark extra). Both "
                          "give the same clusters."),
        click.option("--spark-master", default=None, metavar="URL",
                     help="Spark master for --engine spark: local[N], spark://host:7077, ... "
                          "(default: the spark_master setting, local[2])."),
        click.option("--spark-staging", type=click.Path(path_type=Path), default=None,
                     help="Folder shared with the Spark executors for the Parquet files "
                          "exchanged (default: the spark_staging setting, else a temporary "
                          "folder)."),
        click.option("--spark-conf", "spark_conf", multiple=True, metavar="KEY=VALUE",
                     help="A Spark setting for --engine spark (repeat for several), e.g. "
                          "spark.executor.memory=8g."),
        click.option("--memory-limit", default=None, metavar="SIZE",
                     help="Memory DuckDB may hold while matching, e.g. 12GB; beyond it it "
                          "spills to a private temporary folder (default: the "
                          "match_memory_limit setting, else 80% of the machine's memory)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _spark(kwargs: dict[str, Any]) -> SparkOptions:
    settings = get_settings()
    config = []
    for item in kwargs["spark_conf"]:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE, e.g. "
                                     "spark.executor.memory=8g.", param_hint="--spark-conf")
        config.append((key.strip(), value.strip()))
    return SparkOptions(master=kwargs["spark_master"] or settings.spark_master,
                        staging=kwargs["spark_staging"] or settings.spark_staging,
                        config=tuple(config))


def _options(kwargs: dict[str, Any], *, also_dedupe: bool = False) -> MatchOptions:
    return MatchOptions(
        memory_limit=kwargs["memory_limit"] or get_settings().match_memory_limit,
        engine=kwargs["engine"],
        spark=_spark(kwargs),
        threshold=kwargs["threshold"],
        max_cluster_size=kwargs["max_cluster_size"],
        min_average_weight=kwargs["min_average_weight"],
        separate_twins=kwargs["separate_twins"],
        guardrails=(guardrails.load(kwargs["guardrails_file"])
                    if kwargs["guardrails_file"] is not None else None),
        without_guardrails=tuple(kwargs["without"]),
        extras=_extras(kwargs["extras"]),
        model=kwargs["model"],
        save_model=kwargs["save_model"],
        also_dedupe=also_dedupe,
        training=TrainingOptions(seed=kwargs["seed"]),
    )


def _read(files: Sequence[InputFile], out: Path, kwargs: dict[str, Any], console: Console,
          steps: _Steps) -> tuple[list[InputTable], list[FileTable]]:
    """Read every file; list rejected rows beside the output (an old list is removed)."""
    tables: list[InputTable] = []
    reads: list[FileTable] = []
    for item in files:
        steps(f"reading {item.path}")
        table, read = item.read(encoding=kwargs["encoding"], delimiter=kwargs["delimiter"],
                                sheet=kwargs["sheet"])
        tables.append(table)
        reads.append(read)
        if read.note:
            console.print(f"[cyan]note:[/] {read.shown}: {read.note}.", highlight=False,
                          soft_wrap=True)
    listed = rejects_path(out)
    listed.unlink(missing_ok=True)
    if any(read.rejects for read in reads):
        listed.parent.mkdir(parents=True, exist_ok=True)
        write_rejects(listed, reads)
    for read in reads:
        if read.rejects:
            first = read.rejects[0]
            console.print(
                f"[yellow]{read.shown}: {read.rows_rejected:,} of {read.rows_read:,} rows could "
                f"not be read and are left out[/] (line {first.row}: {first.reason}); all are "
                f"listed in {listed}.", highlight=False, soft_wrap=True)
            if read.table.num_rows == 0:
                raise SourceError(
                    f"none of its {read.rows_read:,} rows could be read (line {first.row}: "
                    f"{first.reason}). Fix the file; every row is listed in {listed}.",
                    file=read.shown, row=first.row)
    return tables, reads


def _finish(run: MatchRun, out: Path, reads: Sequence[FileTable], console: Console,
            steps: _Steps) -> None:
    try:
        steps(f"writing {out}")
        write_output(run, out)
        steps.close()
        for read in reads:
            rejected = (f"{read.rows_rejected:,} rejected (listed in {rejects_path(out)})"
                        if read.rejects else "0 rejected")
            console.print(f"{read.shown}: {read.rows_read:,} rows read = "
                          f"{read.table.num_rows:,} matched + {rejected}.", highlight=False,
                          soft_wrap=True)
        clusters = run.clusters
        linked = sum(1 for size in clusters.sizes().values() if size > 1)
        console.print(
            f"{len(run.records):,} records -> {clusters.count:,} people "
            f"({linked:,} with more than one record); {run.pairs_scored:,} pairs scored; "
            f"model {'trained on this input' if run.trained else 'loaded'}.",
            highlight=False,
        )
        if clusters.flagged:
            shown = ", ".join(sorted(clusters.flagged)[:10])
            console.print(
                f"[yellow]{len(clusters.flagged)} clusters reached the size cap and were not "
                f"merged further; review them:[/] {shown}"
                + (" ..." if len(clusters.flagged) > 10 else ""),
                highlight=False,
            )
    finally:
        run.close()


@click.group("match")
def command() -> None:
    """Find the same person within a file of person records, or across two files.

    Any CSV, XLSX or Parquet works, read as `joinedup ingest` reads it: the encoding is
    detected (UTF-8, UTF-16, Windows-1252) and rows that cannot be read are left out and
    listed in OUT's .rejected.csv. Columns with common names (record_id, forename,
    date_of_birth, ...) are recognised and what was guessed is shown; --columns says which
    column holds each field. Without --model, a model is trained on the input
    (unsupervised) and can be saved with --save-model. See docs/matching.md.
    """


@command.command("dedupe")
@click.argument("source", type=click.Path(path_type=Path))
@_common
def dedupe(source: Path, out: Path, columns: str | None, **kwargs: Any) -> None:
    """Cluster the records of SOURCE that are the same person."""
    files = [InputFile(source, parse_columns(columns))]
    with _reporting() as (console, steps):
        tables, reads = _read(files, out, kwargs, console, steps)
        run = run_match(tables, _options(kwargs), steps)
        _finish(run, out, reads, console, steps)


@command.command("link")
@click.argument("first", type=click.Path(path_type=Path))
@click.argument("second", type=click.Path(path_type=Path))
@click.option("--columns-b", default=None, metavar="FIELD=COLUMN,...",
              help="Column mapping for the second file when it differs from --columns.")
@click.option("--also-dedupe", is_flag=True,
              help="Also link records within each file (link and dedupe).")
@_common
def link(first: Path, second: Path, out: Path, columns: str | None, columns_b: str | None,
         also_dedupe: bool, **kwargs: Any) -> None:
    """Link the records of FIRST and SECOND that are the same person (adds a source column)."""
    mapping_a = parse_columns(columns)
    mapping_b = parse_columns(columns_b) if columns_b is not None else mapping_a
    files = [InputFile(first, mapping_a), InputFile(second, mapping_b)]
    with _reporting() as (console, steps):
        tables, reads = _read(files, out, kwargs, console, steps)
        run = run_match(tables, _options(kwargs, also_dedupe=also_dedupe), steps)
        _finish(run, out, reads, console, steps)
