"""`joinedup workforce vcse-template`, `vcse-check` and `plan --vcse`: a VCSE return from the
command line, bad cells named, and the plan's vcse.csv."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from test_workforce_plan import _counts, _read, fast_forecast  # noqa: F401  (a fixture)

from joinedup.cli import cli


@pytest.mark.usefixtures("fast_forecast")
def test_template_check_and_plan(tmp_path: Path, home: Path) -> None:
    template = tmp_path / "return.xlsx"
    result = CliRunner().invoke(cli, ["workforce", "vcse-template", "--organisation",
                                      "Northtown Family Trust", "--area", "Northtown",
                                      "--out", str(template)])
    assert result.exit_code == 0, result.output
    book = load_workbook(template)
    for month in range(1, 4):
        book["Monthly returns"].append([f"2024-{month:02d}", "Northtown", "parenting", 30, 250])
    book.save(tmp_path / "good.xlsx")
    book["Monthly returns"].append(["2024-04", "Northtown", "parenting", "thirty", 250])
    book.save(tmp_path / "bad.xlsx")

    bad = CliRunner().invoke(cli, ["workforce", "vcse-check", str(tmp_path / "bad.xlsx")])
    assert bad.exit_code != 0
    assert "file bad.xlsx, row 5, field families_supported: 'thirty' is not a number" in (
        bad.output)
    good = CliRunner().invoke(cli, ["workforce", "vcse-check", str(tmp_path / "good.xlsx")])
    assert good.exit_code == 0 and "3 rows accepted for Northtown Family Trust" in good.output

    out = tmp_path / "report"
    result = CliRunner().invoke(cli, [
        "workforce", "plan", "--from", "csv", "--counts", str(_counts(tmp_path / "c.csv")),
        "--area", "Northtown", "--vcse", str(tmp_path / "good.xlsx"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    [row] = _read(out / "vcse.csv")
    assert row["organisation"] == "Northtown Family Trust"
    assert float(row["families_a_month"]) == pytest.approx(30.0)
    assert float(row["coverage_last_12_months"]) == pytest.approx(0.25)
    roles = {r["role"] for r in _read(out / "plan_by_year.csv")}
    # VCSE families are early help demand: all three early help roles share it.
    assert roles == {"social_worker", "early_help_worker", "family_support_worker",
                     "youth_worker"}
    with (out / "data_quality.csv").open(encoding="utf-8") as handle:
        assert any("VCSE organisation" in r["message"] for r in csv.DictReader(handle))
