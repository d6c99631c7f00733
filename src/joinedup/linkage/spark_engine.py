"""Scoring blocked pairs on Spark with a model trained (or loaded) on DuckDB.

`run_match(..., MatchOptions(engine="spark"))` prepares the records and trains the model in
DuckDB as usual, then hands the prepared tables to Spark as Parquet, scores the blocked pairs
there with Splink's Spark backend, and reads the scored pairs back into DuckDB, where they are
clustered exactly as the DuckDB engine's are. The prepared tables and the pairs go through
Parquet files in a staging folder (a temporary one by default) rather than through the
driver's memory, so the same code runs on a cluster, given a folder that this machine and
every executor can read and write (`SparkOptions.staging`).

The model's SQL is rewritten for Spark by `spark_sql`; the string similarities it cannot
express in Spark SQL are run by DuckDB itself inside vectorised (pandas) UDFs, so executors
need Python with duckdb, pyarrow and pandas (`pip install 'joinedup[spark]'` on each node),
and no jar.

pyspark is an optional dependency: this module imports it only when Spark is asked for, and
says what to install when it or Java is missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from joinedup.linkage.frequencies import lookup_table, tf_columns
from joinedup.linkage.model import LinkageError, Progress
from joinedup.linkage.spark_sql import DUCKDB_FUNCTIONS, spark_settings

INSTALL_PYSPARK = ("pip install 'joinedup[spark]' (pyspark), or run with --engine duckdb")
INSTALL_JAVA = ("Spark needs Java 17 or later: on Debian or Ubuntu `apt-get install "
                "openjdk-17-jre-headless` (or default-jre-headless), or set JAVA_HOME to a "
                "Java installation")
PREDICTIONS_TABLE = "__joinedup_spark_predictions"


@dataclass(frozen=True, slots=True)
class SparkOptions:
    """Where and how Spark runs. The defaults start Spark in this process on two cores."""

    master: str = "local[2]"
    """Spark master URL: local[N] in this process, spark://host:7077 for a standalone
    cluster, yarn, k8s://...; on Databricks pass the notebook's session as `session`."""
    driver_memory: str = "2g"
    """Memory of the driver JVM when joinedup starts it (local mode does all work there)."""
    shuffle_partitions: int = 8
    """spark.sql.shuffle.partitions for a session joinedup starts (Spark's 200 suits a
    cluster, not two cores)."""
    staging: Path | None = None
    """Folder for the Parquet files exchanged with Spark (a temporary folder, removed after,
    when None). On a cluster it must be readable and writable by this machine and every
    executor (a shared mount)."""
    break_lineage: str = "parquet"
    """How Splink cuts Spark's query plans between its steps: "parquet" (write each step's
    result to the staging folder and read it back: memory stays bounded at any size),
    "persist" (keep it cached: faster for small inputs), or "checkpoint", "delta_lake_table"
    (Databricks)."""
    config: tuple[tuple[str, str], ...] = ()
    """Further Spark settings for a session joinedup starts (key, value)."""
    session: Any = None
    """A SparkSession to use instead of starting one (it is left running)."""


def _pyspark() -> Any:
    try:
        import pyspark
        from pyspark.sql import SparkSession  # noqa: F401  (the session builder, below)
    except ImportError as exc:
        raise LinkageError(f"the Spark engine needs pyspark, which is not installed: "
                           f"{INSTALL_PYSPARK}.") from exc
    return pyspark


def java_available() -> bool:
    """Whether a local Spark can start a JVM: JAVA_HOME or `java` on the PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return True
    return shutil.which("java") is not None


def require_spark(options: SparkOptions) -> None:
    """Fail now, before the records are read and a model trained, if Spark cannot run:
    pyspark missing, or no Java (a session joinedup starts has its driver JVM on this
    machine, whatever the master)."""
    if options.session is not None:
        return
    _pyspark()
    if not java_available():
        raise LinkageError(f"no Java found to run Spark. {INSTALL_JAVA}.")


def start_session(options: SparkOptions) -> tuple[Any, bool]:
    """(SparkSession, whether joinedup started it and so stops it)."""
    if options.session is not None:
        return options.session, False
    require_spark(options)
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(options.master).appName("joinedup match")
        .config("spark.driver.memory", options.driver_memory)
        .config("spark.sql.shuffle.partitions", str(options.shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")  # joinedup reports its own steps
        # size(NULL) is NULL, as array_length(NULL) is in DuckDB (legacy Spark says -1).
        .config("spark.sql.legacy.sizeOfNull", "false")
    )
    if options.master.startswith("local"):
        # The Python workers of the UDFs must be an interpreter with duckdb: this one,
        # unless PYSPARK_PYTHON names another (pyspark reads only the environment for it).
        # On a cluster the executors' Python is configured there.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in options.config:
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # pyspark raises its own runtime errors for a JVM that fails
        raise LinkageError(f"Spark could not start ({options.master}): {exc}. "
                           f"{INSTALL_JAVA}; for a cluster, check the master URL.") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark, True


def _duckdb_function(sql_function: str) -> Callable[..., Any]:
    """A pandas UDF body computing DuckDB's `sql_function(a, b)` on a batch of pairs.

    It is defined here, not at module level, so that Spark pickles it by value: executors
    then need duckdb but not joinedup."""
    def call(left: Any, right: Any) -> Any:
        import duckdb as executor_duckdb
        import pandas as pd  # type: ignore[import-untyped]
        import pyarrow as pa  # type: ignore[import-untyped]

        pairs = pa.table({"a": pa.array(left, type=pa.string(), from_pandas=True),
                          "b": pa.array(right, type=pa.string(), from_pandas=True)})
        con = executor_duckdb.connect()
        try:
            con.register("pairs", pairs)
            result = con.sql(f"SELECT CAST({sql_function}(a, b) AS DOUBLE) FROM pairs")
            column = result.to_arrow_table().column(0)
        finally:
            con.close()
        # Nullable floats: a NULL must stay NULL, never NaN (Spark orders NaN above every
        # number, so NaN >= 0.92 would be true).
        return column.to_pandas(types_mapper=pd.ArrowDtype)
    return call


def register_functions(spark: Any) -> None:
    """Register the `jdu_*` functions the rewritten model calls (`spark_sql`)."""
    import pandas as pd  # type: ignore[import-untyped]
    from pyspark.sql.functions import pandas_udf  # type: ignore[attr-defined]

    for duckdb_name, spark_name in DUCKDB_FUNCTIONS.items():
        function = _duckdb_function(duckdb_name)
        # pyspark reads the kind of pandas UDF (series to series) from the type hints.
        function.__annotations__ = {"left": pd.Series, "right": pd.Series, "return": pd.Series}
        spark.udf.register(spark_name, pandas_udf(function, "double"))


@contextlib.contextmanager
def _staging(options: SparkOptions) -> Iterator[Path]:
    if options.staging is not None:
        folder = options.staging / f"joinedup-{os.getpid()}-{id(options):x}"
        folder.mkdir(parents=True, exist_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="joinedup-spark-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _to_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    con.execute(f'COPY "{table}" TO ? (FORMAT parquet)', [str(path)])


def predict_on_spark(con: duckdb.DuckDBPyConnection, tables: Sequence[str],
                     settings: dict[str, Any], options: SparkOptions,
                     progress: Progress | None = None) -> str:
    """Score the blocked pairs of the prepared DuckDB `tables` on Spark with the model
    `settings` (DuckDB SQL, as saved); returns the DuckDB table holding the scored pairs
    (the columns of Splink's predictions, as `linker.inference.predict` gives them)."""
    say = progress or (lambda _message: None)
    model = spark_settings(settings)  # fails on SQL it cannot carry before Spark starts
    _pyspark()
    from py4j.protocol import Py4JError  # type: ignore[import-untyped]
    from pyspark.errors import PySparkException
    from splink import Linker, SparkAPI
    from splink.internals.exceptions import SplinkException

    say(f"starting Spark ({options.master if options.session is None else 'given session'})")
    spark, owned = start_session(options)
    try:
        with _staging(options) as folder:
            register_functions(spark)
            if options.break_lineage in ("parquet", "delta_lake_files", "checkpoint"):
                # Splink writes its intermediate tables under the checkpoint folder.
                spark.sparkContext.setCheckpointDir((folder / "checkpoints").as_uri())
            api = SparkAPI(  # type: ignore[no-untyped-call]
                spark_session=spark, register_udfs_automatically=False,
                break_lineage_method=options.break_lineage)
            frames = []
            for number, table in enumerate(tables):
                path = folder / f"records_{number}.parquet"
                _to_parquet(con, table, path)
                frames.append(api.register(spark.read.parquet(path.as_uri())))
            say("scoring blocked pairs on Spark")
            try:
                linker = Linker(frames[0] if len(frames) == 1 else frames, model,
                                log_level=None)
                # The frequencies DuckDB counted (`frequencies.count_frequencies`, over
                # identities, not Splink's count of records), so both engines score alike.
                for column in tf_columns(settings):
                    path = folder / f"tf_{column}.parquet"
                    _to_parquet(con, lookup_table(column), path)
                    linker.table_management.register_term_frequency_lookup(
                        api.register(spark.read.parquet(path.as_uri())), column)
                predictions = linker.inference.predict(warning_mode="never")
                out = folder / "predictions"
                predictions.as_spark_dataframe().write.mode("overwrite").parquet(out.as_uri())
            except (SplinkException, PySparkException, Py4JError) as exc:
                # Spark's messages run to pages of JVM stack; the first lines say what failed.
                summary = " ".join(str(exc).strip().splitlines()[:3])
                raise LinkageError(f"scoring on Spark failed: {summary}. Check that the "
                                   "executors can read and write the staging folder and "
                                   "have duckdb, pyarrow and pandas.") from exc
            say("reading the scored pairs back into DuckDB")
            con.execute(f'CREATE OR REPLACE TABLE "{PREDICTIONS_TABLE}" AS '
                        "SELECT * FROM read_parquet(?)", [str(out / "*.parquet")])
    finally:
        if owned:
            spark.stop()
    return PREDICTIONS_TABLE
