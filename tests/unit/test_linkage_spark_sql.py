"""The model's DuckDB SQL rewritten for Spark (no Spark needed): every level joinedup builds
is carried, functions Spark lacks or computes differently are replaced, and SQL the rewrite
does not know is refused by name."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from joinedup.cli import cli
from joinedup.linkage import LinkageError
from joinedup.linkage.fields import EXTRA_PREFIX
from joinedup.linkage.model import build_settings
from joinedup.linkage.prepare import PREPARED_COLUMNS
from joinedup.linkage.spark_engine import SparkOptions, _duckdb_function, start_session
from joinedup.linkage.spark_sql import DUCKDB_FUNCTIONS, spark_settings, to_spark

EVERY_COLUMN = {*PREPARED_COLUMNS, "forename_surname", EXTRA_PREFIX + "birth_place"}


@pytest.mark.parametrize("present", [
    EVERY_COLUMN,  # address and UPRN within the location comparison
    EVERY_COLUMN - {"postcode"},  # address and UPRN compared on their own
])
def test_every_level_and_rule_joinedup_builds_is_carried_to_spark(present: set[str]) -> None:
    settings = build_settings(present, ["birth_place"]).create_settings_dict("duckdb")
    spark = spark_settings(settings)
    conditions = [level["sql_condition"] for c in spark["comparisons"]
                  for level in c["comparison_levels"]]
    rules = [rule["blocking_rule"] for rule in spark["blocking_rules_to_generate_predictions"]]
    text = " ".join(conditions + rules).lower()
    for duckdb_only in (r"jaro_winkler_similarity\(", r"list_", r"hamming\(",
                        r"damerau_levenshtein\("):
        assert not re.search(r"(?<!jdu_)" + duckdb_only, text), duckdb_only
    assert "&&" not in text and "'g'" not in text
    assert "jdu_jaro_winkler_similarity(" in text and "jdu_hamming(" in text
    assert spark["sql_dialect"] == "spark"
    assert {rule["sql_dialect"] for rule in spark["blocking_rules_to_generate_predictions"]} \
        == {"spark"}
    # The model itself is left as saved.
    assert "jaro_winkler_similarity(" in str(settings["comparisons"]) and "JDU" not in str(
        settings["comparisons"])


@pytest.mark.parametrize(("duckdb", "spark"), [
    ('jaro_winkler_similarity("surname_l", "surname_r") >= 0.92',
     "JDU_JARO_WINKLER_SIMILARITY(`surname_l`, `surname_r`) >= 0.92"),
    ('damerau_levenshtein("postcode_l", "postcode_r") <= 1',
     "JDU_DAMERAU_LEVENSHTEIN(`postcode_l`, `postcode_r`) <= 1"),
    ("hamming(dob_l, dob_r) <= 2", "JDU_HAMMING(dob_l, dob_r) <= 2"),
    ('array_length(list_intersect("given_names_l", "given_names_r")) >= 1',
     "SIZE(ARRAY_INTERSECT(ARRAY_COMPACT(`given_names_l`), ARRAY_COMPACT(`given_names_r`)))"
     " >= 1"),
    ("list_has_any(surname_tokens_l, name_tokens_r)",
     "SIZE(ARRAY_INTERSECT(ARRAY_COMPACT(surname_tokens_l), ARRAY_COMPACT(name_tokens_r))) > 0"),
    ("list_contains(name_tokens_r, first_name_l)",
     "ARRAY_CONTAINS(ARRAY_COMPACT(name_tokens_r), first_name_l)"),
    ("regexp_replace(address_l, '[^0-9]+', ' ', 'g') = regexp_replace(address_r, '[^0-9]+', "
     "' ', 'g')",
     "REGEXP_REPLACE(address_l, '[^0-9]+', ' ') = REGEXP_REPLACE(address_r, '[^0-9]+', ' ')"),
    # Nested: the arguments of a replaced function are rewritten too.
    ("jaro_winkler_similarity(lower(a_l), substr(a_r, 1, 3)) > 0.5 "
     "AND hamming(a_l, a_r) < least(length(a_l), 2)",
     "JDU_JARO_WINKLER_SIMILARITY(LOWER(a_l), SUBSTRING(a_r, 1, 3)) > 0.5 "
     "AND JDU_HAMMING(a_l, a_r) < LEAST(LENGTH(a_l), 2)"),
    ('(l."surname" = r."surname") AND (NOT l.copy_unpaired AND r.unique_id >= \'R5\')',
     "(l.`surname` = r.`surname`) AND (NOT l.copy_unpaired AND r.unique_id >= 'R5')"),
])
def test_functions_are_rewritten(duckdb: str, spark: str) -> None:
    assert to_spark(duckdb) == spark


@pytest.mark.parametrize(("sql", "named"), [
    ("levenshtein(a_l, a_r) <= 1", "levenshtein"),
    ("jaccard(a_l, a_r) > 0.5", "jaccard"),
    ("list_transform(a_l, x -> upper(x)) = a_r", "transform"),
    ("hamming(a_l) = 0", "hamming takes two"),
    ("regexp_replace(a_l, '[0-9]', '') = a_r", "'g' flag"),
])
def test_sql_it_does_not_know_is_refused_by_name(sql: str, named: str) -> None:
    with pytest.raises(LinkageError, match="Spark") as raised:
        to_spark(sql)
    assert named in str(raised.value)


def test_a_model_saved_for_another_engine_is_refused() -> None:
    with pytest.raises(LinkageError, match="saved for spark"):
        spark_settings({"sql_dialect": "spark", "comparisons": []})


def test_missing_pyspark_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(LinkageError, match=r"pip install 'joinedup\[spark\]'"):
        start_session(SparkOptions())


def test_missing_java_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyspark")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(LinkageError, match="openjdk-17-jre-headless"):
        start_session(SparkOptions())


def _people_csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text("id,first_name,surname,dob\n1,Ann,Lee,2001-02-03\n2,Anne,Lee,2001-02-03\n"
                    "3,Bob,Khan,1990-01-01\n", encoding="utf-8")
    return path


def test_the_command_refuses_a_spark_setting_that_is_not_key_value(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [
        "match", "dedupe", str(_people_csv(tmp_path)), "--out", str(tmp_path / "out.csv"),
        "--engine", "spark", "--spark-conf", "spark.executor.memory"])
    assert result.exit_code == 2
    assert "KEY=VALUE" in result.output


def test_the_command_without_pyspark_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    result = CliRunner().invoke(cli, [
        "match", "dedupe", str(_people_csv(tmp_path)), "--out", str(tmp_path / "out.csv"),
        "--engine", "spark"])
    assert isinstance(result.exception, LinkageError)
    assert "joinedup[spark]" in str(result.exception)
    assert not (tmp_path / "out.csv").exists()


def test_the_spark_functions_compute_duckdbs_values_and_keep_nulls() -> None:
    """The body of each `jdu_*` UDF, called as Spark calls it (a batch of pairs): DuckDB's
    own values, and NULL (never NaN, which Spark orders above every number) for NULL."""
    pd = pytest.importorskip("pandas")
    left = pd.Series(["albert", "martha", None, "ab", "sk1 1aa"], dtype=object)
    right = pd.Series(["walter", "marhta", "x", "ba", "sk1 1ab"], dtype=object)
    con = duckdb.connect()
    for name in DUCKDB_FUNCTIONS:
        got = _duckdb_function(name)(left, right)
        assert got.isna().tolist() == [False, False, True, False, False], name
        assert not any(isinstance(v, float) and math.isnan(v) for v in got.tolist()), name
        for a, b, value in zip(left, right, got, strict=True):
            if a is not None and not (name == "hamming" and len(a) != len(b)):
                expected = con.execute(f"SELECT CAST({name}(?, ?) AS DOUBLE)", [a, b]).fetchone()
                assert expected is not None and value == expected[0], (name, a, b)
    jaro_winkler = _duckdb_function("jaro_winkler_similarity")(left, right)
    assert round(float(jaro_winkler[0]), 3) == 0.822  # Splink's Spark UDF says 0.789
