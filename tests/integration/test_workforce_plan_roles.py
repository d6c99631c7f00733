"""`joinedup workforce plan` with the four practitioner roles: demand from a CSV of counts
(with the slow needs' open cases), supply from a supply CSV with a bad row, two councils and
their region total, two scenarios, side by side in the command's table and the report."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import joinedup.workforce.plan as plan_module
from joinedup.cli import cli
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.series import Series

ROLES = ("social_worker", "early_help_worker", "family_support_worker", "youth_worker")
LABELS = ("Social worker", "Early help practitioner", "Family support worker", "Youth worker")


def flat(series: Series, horizon: int) -> Forecast:
    """Last value carried forward: the forecaster is tested on its own."""
    v = series.values[-1]
    return Forecast(series, "naive", (v,) * horizon, (v * 0.9,) * horizon, (v * 1.1,) * horizon,
                    0.8, {}, None, ())


@pytest.fixture
def fast_forecast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_module, "forecast", flat)


def _counts(path: Path) -> Path:
    lines = ["area,period,need,count,parent"]
    for area, scale in (("Northtown", 1.0), ("Southvale", 0.5)):
        for year in ("2021-22", "2022-23", "2023-24"):
            for need, value in (("referral", 1200), ("open_cin", 900), ("open_cp", 100),
                                ("open_looked_after", 200), ("early_help", 800),
                                ("open_early_help", 400), ("open_family_help", 100),
                                ("open_youth_work", 60)):
                lines.append(f"{area},{year},{need},{value * scale:g},Twin Towns")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SUPPLY = """area,role,in_post_fte,establishment_fte,vacancy_fte,agency_fte,turnover
Northtown,social_worker,100,115,,10,0.16
Northtown,early_help_worker,15,18,,1,0.12
Northtown,family_support_worker,8,10,,0,0.15
Northtown,youth_worker,4,6,,1,0.2
Southvale,youth_worker,2,3,,0,0.2
Southvale,youth_worker,9,,,,
Southvale,family_support_worker,lots,,,,
"""


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_plan_shows_the_four_roles_for_councils_and_region(tmp_path: Path, home: Path,
                                                           fast_forecast: None) -> None:
    regions = tmp_path / "regions.yaml"
    regions.write_text("regions:\n  - name: Twin Towns\n    councils: [Northtown, Southvale]\n")
    supply = tmp_path / "supply.csv"
    supply.write_text(SUPPLY, encoding="utf-8")
    shift = tmp_path / "shift.yaml"
    shift.write_text("name: Shift\nlevers:\n  shift_to_early_help: 0.2\n", encoding="utf-8")
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, [
        "workforce", "plan", "--from", "csv", "--counts", str(_counts(tmp_path / "c.csv")),
        "--region", "Twin Towns", "--supply", str(supply), "--scenario", str(shift),
        "--out", str(out)], env={"JOINEDUP_WORKFORCE_REGIONS": str(regions)})
    assert result.exit_code == 0, result.output
    # The bad rows are quarantined, named by row and field, and the plan still runs.
    assert "supply.csv: quarantined row 7, field role: a second row for Southvale" in (
        result.output)
    assert "supply.csv: quarantined row 8, field in_post_fte: 'lots' is not a number" in (
        result.output)
    for label in LABELS:
        assert label in result.output, result.output

    rows = _read(out / "roles.csv")
    for area in ("Northtown", "Southvale", "Twin Towns"):
        for scenario in ("baseline", "Shift"):
            got = [r["role"] for r in rows if r["area"] == area and r["scenario"] == scenario]
            assert got == list(ROLES), (area, scenario)
    base = {(r["area"], r["role"]): r for r in rows if r["scenario"] == "baseline"}
    north = base[("Northtown", "youth_worker")]
    assert float(north["establishment_fte"]) == 6 and float(north["in_post_fte"]) == 4
    assert float(north["vacancy_fte"]) == 2 and float(north["turnover"]) == pytest.approx(0.2)
    assert float(north["caseload_standard"]) == 15
    # Youth work: 60 of 400 open early help cases at Northtown (15%), half that at Southvale.
    assert float(north["open_cases_at_start"]) == pytest.approx(60.0)
    # The region is the sum of its councils, role by role.
    for role in ROLES:
        total = base[("Twin Towns", role)]
        parts = [base[(a, role)] for a in ("Northtown", "Southvale")]
        assert float(total["required_fte_last_quarter"]) == pytest.approx(
            sum(float(p["required_fte_last_quarter"]) for p in parts), rel=1e-3)
    assert float(base[("Twin Towns", "youth_worker")]["in_post_fte"]) == 6
    # A fifth of crisis demand shifted into early help: every early help role needs more.
    shifted = {(r["area"], r["role"]): r for r in rows if r["scenario"] == "Shift"}
    for role in ROLES[1:]:
        assert float(shifted[("Twin Towns", role)]["required_fte_last_quarter"]) > float(
            base[("Twin Towns", role)]["required_fte_last_quarter"]), role
    notes = {r["message"] for r in _read(out / "data_quality.csv")}
    assert "supply file supply.csv: 5 role rows accepted, 2 quarantined" in notes
    book = load_workbook(out / "workforce_plan.xlsx", read_only=True)
    assert book.sheetnames[0] == "roles"
