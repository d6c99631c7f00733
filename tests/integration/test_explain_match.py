"""`joinedup explain-match` on the small synthetic borough, ingested and linked."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from joinedup.cli import cli
from joinedup.config import get_settings
from joinedup.linkage.explain import MatchExplanation, explain_pair
from joinedup.linkage.model import LinkageError
from joinedup.warehouse.snapshots import open_current


def _pairs(truth: Path) -> tuple[tuple[str, str], tuple[str, str]]:
    """A true pair the link joined (across sources) and a pair of different people."""
    with open_current(settings=get_settings()) as con:
        con.execute("CREATE TEMP TABLE truth AS SELECT DISTINCT source, record_id AS "
                    "source_record_id, person_id AS true_id FROM read_parquet(?)",
                    [str(truth / "records.parquet")])
        same = con.execute("""
            SELECT a.source || ':' || a.source_record_id, b.source || ':' || b.source_record_id
            FROM person_link AS a JOIN truth AS ta USING (source, source_record_id)
            JOIN person_link AS b ON b.person_id = a.person_id AND b.source > a.source
            JOIN truth AS tb ON tb.source = b.source
                AND tb.source_record_id = b.source_record_id AND tb.true_id = ta.true_id
            ORDER BY 1, 2 LIMIT 1
        """).fetchall()[0]
        different = con.execute("""
            SELECT a.source || ':' || a.source_record_id, b.source || ':' || b.source_record_id
            FROM person_link AS a JOIN truth AS ta USING (source, source_record_id)
            JOIN person_link AS b ON b.person_id <> a.person_id AND b.source > a.source
            JOIN truth AS tb ON tb.source = b.source
                AND tb.source_record_id = b.source_record_id AND tb.true_id <> ta.true_id
            ORDER BY 1, 2 LIMIT 1
        """).fetchall()[0]
    return (str(same[0]), str(same[1])), (str(different[0]), str(different[1]))


def _check_sums(result: MatchExplanation) -> None:
    total = result.prior_weight + sum(step.total for step in result.comparisons)
    assert total == pytest.approx(result.match_weight, abs=1e-6)
    odds = 2.0 ** result.match_weight
    assert result.match_probability == pytest.approx(odds / (1 + odds), rel=1e-9, abs=1e-12)
    assert result.prior_weight == pytest.approx(
        math.log2(result.prior_probability / (1 - result.prior_probability)))
    for step in result.comparisons:
        if step.level < 0:
            assert step.match_weight == 0 and step.m_probability is None
        else:
            assert step.m_probability is not None and step.u_probability is not None
            assert step.match_weight == pytest.approx(
                math.log2(step.m_probability / step.u_probability), abs=1e-9)


def test_explain_match_waterfall(small_borough: Path, home: Path) -> None:
    runner = CliRunner()
    ingested = runner.invoke(cli, ["ingest", str(small_borough)])
    assert ingested.exit_code == 0, ingested.output

    # Before any link there is no model to explain with.
    unlinked = runner.invoke(cli, ["explain-match", "a:1", "b:2"])
    assert unlinked.exit_code == 2
    assert "joinedup link" in unlinked.output

    linked = runner.invoke(cli, ["link"])
    assert linked.exit_code == 0, linked.output
    (true_a, true_b), (other_a, other_b) = _pairs(small_borough / "ground_truth")

    settings = get_settings()
    with open_current(settings=settings) as con:
        true_pair = explain_pair(con, settings, true_a, true_b)
        non_match = explain_pair(con, settings, other_a, other_b)
        stored = con.execute(
            "SELECT match_weight FROM person_link_pair WHERE (source_l || ':' || "
            "source_record_id_l, source_r || ':' || source_record_id_r) IN ((?, ?), (?, ?))",
            [true_a, true_b, true_b, true_a]).fetchall()
    for result in (true_pair, non_match):
        _check_sums(result)
        assert {s.name for s in result.comparisons} >= {"first_name", "surname", "dob"}
    assert true_pair.match_weight > non_match.match_weight
    assert true_pair.match_probability > 0.5 > non_match.match_probability
    assert true_pair.same_person is True and true_pair.person_a is not None
    assert non_match.same_person is False
    # The pair was scored in the link run too: explain scores it the same way.
    assert len(stored) == 1
    assert true_pair.match_weight == pytest.approx(float(stored[0][0]), abs=1e-6)

    shown = runner.invoke(cli, ["explain-match", true_a, true_b, "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["match_weight"] == pytest.approx(true_pair.match_weight)
    assert data["person_a"] == data["person_b"] == true_pair.person_a
    assert [c["name"] for c in data["comparisons"]] == [s.name for s in true_pair.comparisons]

    table = runner.invoke(cli, ["explain-match", other_a, other_b])
    assert table.exit_code == 0, table.output
    assert "prior" in table.output and "date of birth" in table.output
    assert "different people" in table.output

    missing = runner.invoke(cli, ["explain-match", true_a, "nosuchsource:42"])
    assert missing.exit_code == 2
    assert "nosuchsource:42" in missing.output
    with open_current(settings=settings) as con, pytest.raises(LinkageError, match="SOURCE:"):
        explain_pair(con, settings, "no-colon", true_b)
