"""The SPD review end to end on a small synthetic borough with an electoral register:
generate, ingest, link, list; measured against the planted truth (which the product never
reads: only this test does)."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from joinedup.cli import cli
from joinedup.views.precision import precision_at
from joinedup.views.spd import spd_reviews
from joinedup.warehouse.snapshots import open_current

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from joinedup.synth import generate_borough

    configured = os.environ.get("JOINEDUP_TEST_REFERENCE_DATA")
    reference = Path(configured) if configured else None

    with_er = tmp_path_factory.mktemp("spd_borough")
    without = tmp_path_factory.mktemp("spd_borough_plain")
    generate_borough(out=with_er, people=2_000, seed=7, reference_data=reference,
                     electoral_register=True)
    generate_borough(out=without, people=2_000, seed=7, reference_data=reference)
    return with_er, without


def test_the_register_leaves_every_other_extract_unchanged(borough: tuple[Path, Path]) -> None:
    with_er, without = borough
    for path in sorted(without.rglob("*")):
        rel = path.relative_to(without)
        if path.is_file() and rel.parts[0] not in ("ground_truth",) and path.name not in (
                "sources.yaml", "manifest.json"):
            assert (with_er / rel).read_bytes() == path.read_bytes(), rel
    assert (with_er / "electoral_register" / "register.csv").is_file()
    assert not (without / "electoral_register").exists()


def test_spd_review_against_planted_truth(borough: tuple[Path, Path], home: Path) -> None:
    with_er, _ = borough
    runner = CliRunner()
    for args in (["ingest", str(with_er / "sources.yaml")], ["link"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    truth = pq.read_table(with_er / "ground_truth" / "spd_review.parquet").to_pylist()
    with open_current() as con:
        quarantined = con.execute(
            "SELECT count(*) FROM quarantine WHERE source = 'electoral_register'").fetchone()
        reviews = spd_reviews(con)
    assert quarantined == (0,)
    by_account = {r.account_no: r for r in reviews}
    # Every live discounted account is reviewed, and no other.
    assert set(by_account) == {t["account_no"] for t in truth}
    # The adult count: the holder plus the adults placed there agree with the truth for most
    # accounts, and nearly every account with a second adult shows one.
    exact = sum(by_account[t["account_no"]].adults == t["adults"] for t in truth)
    assert exact >= 0.75 * len(truth)
    wrong = {t["account_no"] for t in truth if t["incorrect"]}
    assert len(wrong) >= 10
    seen = sum(by_account[a].adults >= 2 for a in wrong)
    assert seen >= 0.8 * len(wrong)
    # The top of the list is mostly real: far above the share of wrong discounts.
    ranked = [r.account_no for r in reviews]
    (top,) = precision_at(ranked, wrong, [20])
    base_rate = len(wrong) / len(truth)
    assert top.precision >= 0.45 and top.precision > 3 * base_rate
    assert [r.rank for r in reviews] == list(range(1, len(reviews) + 1))
    assert all(a.score >= b.score for a, b in itertools.pairwise(reviews))

    listed = json.loads(runner.invoke(cli, ["views", "spd", "list", "--json",
                                            "--limit", "5"]).output)
    assert [r["account_no"] for r in listed["reviews"]] == ranked[:5]
    shown = runner.invoke(cli, ["views", "spd", "show", ranked[0], "--json"])
    assert json.loads(shown.output)["others"], shown.output
    missing = runner.invoke(cli, ["views", "spd", "show", "nope"])
    assert missing.exit_code == 2 and "views spd list" in missing.output


def test_an_unlinked_snapshot_says_what_to_do(borough: tuple[Path, Path], home: Path) -> None:
    with_er, _ = borough
    assert CliRunner().invoke(cli, ["ingest", str(with_er / "sources.yaml")]).exit_code == 0
    result = CliRunner().invoke(cli, ["views", "spd", "list"])
    assert result.exit_code == 2 and "joinedup link" in result.output
    with open_current() as con:
        assert isinstance(con, duckdb.DuckDBPyConnection)
