"""`joinedup workforce plan` from a small CSV of counts, and its report folder."""

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

YEARS = ("2019-20", "2020-21", "2021-22", "2022-23", "2023-24")


def flat(series: Series, horizon: int) -> Forecast:
    """Last value carried forward, ±10%: the statistical forecaster is tested on its own (and
    takes seconds a series); here the arithmetic after it is what is checked."""
    v = series.values[-1]
    return Forecast(series, "naive", (v,) * horizon, (v * 0.9,) * horizon, (v * 1.1,) * horizon,
                    0.8, {}, None, ())


@pytest.fixture
def fast_forecast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_module, "forecast", flat)


def _counts(path: Path) -> Path:
    rows = []
    for area, scale in (("Northtown", 1.0), ("Southvale", 0.5)):
        for year in YEARS:
            for need, value in (("referral", 1200), ("open_cin", 900), ("open_cp", 100),
                                ("open_looked_after", 200), ("social_worker_fte", 100),
                                ("social_worker_agency_fte", 10), ("social_worker_leavers", 15),
                                ("social_worker_starters", 14)):
                rows.append({"area": area, "period": year, "need": need,
                             "count": value * scale, "parent": "Twin Towns"})
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["area", "period", "need", "count", "parent"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_plan_from_a_csv_of_counts(tmp_path: Path, home: Path, fast_forecast: None) -> None:
    regions = tmp_path / "regions.yaml"
    regions.write_text("regions:\n  - name: Twin Towns\n    councils: [Northtown]\n"
                       "    comparison: [Southvale]\n")
    counts = _counts(tmp_path / "counts.csv")
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, [
        "workforce", "plan", "--from", "csv", "--counts", str(counts), "--region", "Twin Towns",
        "--scenario", "retention", "--out", str(out)], env={
        "JOINEDUP_WORKFORCE_REGIONS": str(regions)})
    assert result.exit_code == 0, result.output
    assert "Twin Towns (region)" in result.output
    assert "Southvale (comparison)" in result.output
    for name in ("plan_by_year.csv", "gap_by_quarter.csv", "scenarios.csv", "supply_by_quarter.csv",
                 "workload_by_quarter.csv", "fast_needs.csv", "demand.csv", "data_quality.csv",
                 "workforce_plan.xlsx", "charts.html", "assumptions/retention.yaml"):
        assert (out / name).is_file(), name
    years = _read(out / "plan_by_year.csv")
    north = [r for r in years if r["area"] == "Northtown" and r["scenario"] == "baseline"]
    region = [r for r in years if r["area"] == "Twin Towns" and r["scenario"] == "baseline"]
    assert len(north) == 5 and len(region) == 5
    # The region is its own council only: Southvale (the comparator) is not added in.
    assert float(region[-1]["required_fte"]) == pytest.approx(float(north[-1]["required_fte"]),
                                                              rel=1e-3)
    # Hand check (see test_workforce_scenarios): 54.7 case-holding FTE by hours. The share
    # holding cases is not in the counts, so England's 2024 share 0.509 applies: 54.7 / 0.509
    # = 107.4, plus the front door and out-of-hours rotas (Erlang C).
    fast = [r for r in _read(out / "fast_needs.csv") if r["area"] == "Northtown"
            and r["scenario"] == "baseline"]
    rota = sum(float(r["fte"]) for r in fast if r["month"] == fast[0]["month"])
    case_holding = (1200 / 12 / (52 / 12) * 6 + 1440) / 28.86
    assert float(north[0]["required_fte"]) == pytest.approx(case_holding / 0.509 + rota,
                                                            rel=1e-3)
    book = load_workbook(out / "workforce_plan.xlsx", read_only=True)
    assert {"plan_by_year", "gap_by_quarter", "scenarios", "data_quality"} <= set(
        book.sheetnames)
    html = (out / "charts.html").read_text(encoding="utf-8")
    assert "<script src=" not in html
    assert "Plotly" in html
    side = _read(out / "scenarios.csv")
    assert "Retention: gap P50" in side[0]


def test_counts_file_errors_are_clear(tmp_path: Path, home: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("area,period,need,count\nX,2023-24,referral,-4\n")
    result = CliRunner().invoke(cli, ["workforce", "plan", "--counts", str(bad),
                                      "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "negative" in result.output
    result = CliRunner().invoke(cli, ["workforce", "plan", "--from", "csv"])
    assert result.exit_code == 2
    assert "--counts FILE" in result.output


def test_bad_scenario_names_the_field(tmp_path: Path, home: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: Bad\nassumptions:\n  staffing:\n    shrinkage: 1.2\n")
    counts = _counts(tmp_path / "counts.csv")
    result = CliRunner().invoke(cli, ["workforce", "plan", "--counts", str(counts),
                                      "--scenario", str(scenario)])
    assert result.exit_code == 2
    assert "staffing.shrinkage" in result.output


def test_region_plan_without_reference_data_says_what_to_set(home: Path) -> None:
    result = CliRunner().invoke(cli, ["workforce", "plan", "--region",
                                      "Cheshire and Merseyside"])
    assert result.exit_code == 2
    assert "JOINEDUP_REFERENCE_DATA" in result.output


def test_regions_are_listed(home: Path) -> None:
    result = CliRunner().invoke(cli, ["workforce", "regions"])
    assert result.exit_code == 0
    assert "Cheshire and Merseyside" in result.output
    assert "Greater Manchester" in result.output
