"""The Spark engine gives the DuckDB engine's clusters: the same few hundred synthetic records
(twins, juniors, namesakes, nicknames, typos, moves; `engine_world`) through both engines with
one fixed model.

Needs pyspark (the `spark` extra) and Java 17+. Without them it skips, saying so, except under
CI=true, where it must run (.ci/run installs Debian's JRE).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from engine_world import engine_records

from joinedup.linkage import InputTable, MatchOptions, run_match
from joinedup.linkage.spark_engine import SparkOptions, java_available, start_session

# A JVM that compiles less and collects simply starts and warms up in half the time; the
# job is a few thousand pairs.
QUICK_JVM = (("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"),)


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if not java_available():
        return "no Java (apt-get install openjdk-17-jre-headless, or set JAVA_HOME)"
    return None


@pytest.fixture(scope="module", autouse=True)
def _needs_spark() -> None:
    missing = _spark_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the Spark equivalence test: {missing}")
        pytest.skip(f"Spark engine not testable here: {missing}")


@dataclass(frozen=True)
class Outcome:
    pairs: dict[tuple[str, str], tuple[float, float]]
    cluster_of: dict[str, str]
    held_apart: set[frozenset[str]]
    output: list[dict[str, object]]


def _inputs(link: bool) -> list[InputTable]:
    table = engine_records().drop_columns(["truth"])
    if not link:
        return [InputTable(table, name="world")]
    # Two systems: every third record in one, the rest in the other.
    ids = table.column("id").to_pylist()
    first = [n for n, record in enumerate(ids) if int(record[1:]) % 3 == 0]
    second = [n for n, record in enumerate(ids) if int(record[1:]) % 3 != 0]
    return [InputTable(table.take(first), name="care.csv"),
            InputTable(table.take(second), name="schools.csv")]


def _run(options: MatchOptions, link: bool = False) -> Outcome:
    run = run_match(_inputs(link), options)
    side = "source_dataset_{0} || ':' || " if link else ""
    try:
        pairs = {(str(a), str(b)): (float(p), float(w)) for a, b, p, w in run.con.execute(
            f"SELECT {side.format('l')}unique_id_l, {side.format('r')}unique_id_r, "
            f'match_probability, match_weight FROM "{run.predictions}"').fetchall()}
        return Outcome(pairs, dict(run.clusters.cluster_of),
                       {frozenset((a, b)) for a, b, _ in run.clusters.held_apart},
                       run.output_table().to_pylist())
    finally:
        run.close()


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model, trained on DuckDB, applied by both engines."""
    path = tmp_path_factory.mktemp("model") / "model.json"
    table = engine_records().drop_columns(["truth"])
    run_match([InputTable(table, name="world")], MatchOptions(save_model=path)).close()
    return path


@pytest.fixture(scope="module")
def spark_session() -> Iterator[Any]:
    """One local Spark for the module (starting one is most of the time)."""
    spark, _ = start_session(SparkOptions(shuffle_partitions=2, config=QUICK_JVM))
    yield spark
    spark.stop()


def _both(model: Path, spark: Any, staging: Path, link: bool = False) -> tuple[Outcome, Outcome]:
    options = {"also_dedupe": True} if link else {}
    duckdb_run = _run(MatchOptions(model=model, **options), link)
    spark_run = _run(MatchOptions(model=model, engine="spark", spark=SparkOptions(
        session=spark, staging=staging), **options), link)
    assert not any(staging.iterdir()), "the staging folder is cleared after the run"
    return duckdb_run, spark_run


@pytest.fixture(scope="module")
def outcomes(model: Path, spark_session: Any, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[Outcome, Outcome]:
    return _both(model, spark_session, tmp_path_factory.mktemp("spark-staging"))


def test_spark_scores_the_same_pairs_with_the_same_weights(
        outcomes: tuple[Outcome, Outcome]) -> None:
    on_duckdb, on_spark = outcomes
    assert len(on_duckdb.pairs) > 1_000
    assert set(on_spark.pairs) == set(on_duckdb.pairs)
    for pair, (probability, weight) in on_duckdb.pairs.items():
        assert on_spark.pairs[pair][1] == pytest.approx(weight, abs=1e-9), pair
        assert on_spark.pairs[pair][0] == pytest.approx(probability, abs=1e-12), pair


def test_spark_gives_identical_clusters(outcomes: tuple[Outcome, Outcome]) -> None:
    on_duckdb, on_spark = outcomes
    assert on_spark.cluster_of == on_duckdb.cluster_of
    assert on_spark.held_apart == on_duckdb.held_apart
    assert on_spark.output == on_duckdb.output


def test_the_set_tests_what_matters(outcomes: tuple[Outcome, Outcome]) -> None:
    """The comparison is worth making: people with several records are found, and twins and
    juniors kept apart, so a difference in scoring would show in the clusters."""
    on_duckdb, _ = outcomes
    truth = dict(zip(*(engine_records().column(c).to_pylist() for c in ("id", "truth")),
                     strict=True))
    sizes: dict[str, int] = {}
    for cluster in on_duckdb.cluster_of.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    assert sum(1 for size in sizes.values() if size > 1) > 50
    assert on_duckdb.held_apart, "some links were refused (guardrails, evidence)"
    # The records of the twins and juniors (two people, one surname, one address) mostly
    # stay apart: few clusters mix people.
    mixed = {c for c in sizes if len({truth[r] for r, k in on_duckdb.cluster_of.items()
                                      if k == c}) > 1}
    assert len(mixed) < 0.1 * len(sizes)


def test_linking_two_files_on_spark_gives_the_same_links(
        model: Path, spark_session: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """link_and_dedupe: pairs carry each record's source, on both engines alike."""
    on_duckdb, on_spark = _both(model, spark_session, tmp_path_factory.mktemp("link"), link=True)
    assert {a.split(":")[0] for a, _ in on_duckdb.pairs} == {"care", "schools"}
    assert set(on_spark.pairs) == set(on_duckdb.pairs)
    assert on_spark.cluster_of == on_duckdb.cluster_of
    assert on_spark.output == on_duckdb.output
