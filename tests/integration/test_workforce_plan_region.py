"""The Cheshire and Merseyside region plan on the real DfE figures (reference data)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

import joinedup.workforce.plan as plan_module
from joinedup.cli import cli
from joinedup.reference.csww import load_workforce, resolve_la_name
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.series import Series

COUNCILS = ("Cheshire East", "Cheshire West and Chester", "Halton", "Knowsley", "Liverpool",
            "Sefton", "St Helens", "Warrington", "Wirral")


def flat(series: Series, horizon: int) -> Forecast:
    """The statistical forecaster takes seconds a series (it is benchmarked in
    bench/workforce.py); this test checks the plan built on the forecasts."""
    v = series.values[-1]
    return Forecast(series, "naive", (v,) * horizon, (v * 0.9,) * horizon, (v * 1.1,) * horizon,
                    0.8, {}, None, ())


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_cheshire_and_merseyside_region_plan(reference_data: Path, home: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_module, "forecast", flat)
    out = tmp_path / "plan"
    result = CliRunner().invoke(cli, ["workforce", "plan", "--region", "Cheshire and Merseyside",
                                      "--scenario", "early_help_first", "--out", str(out)],
                                env={"JOINEDUP_REFERENCE_DATA": str(reference_data)})
    assert result.exit_code == 0, result.output
    assert "Stockport (comparison)" in result.output
    for name in ("plan_by_year.csv", "gap_by_quarter.csv", "workforce_plan.xlsx", "charts.html",
                 "data_quality.csv", "demand.csv"):
        assert (out / name).is_file()

    years = _read(out / "plan_by_year.csv")
    base = {r["area"]: r for r in years if r["scenario"] == "baseline"
            and r["role"] == "social_worker" and r["year"] == "2024-25"}
    assert set(base) == {*COUNCILS, "Stockport", "Cheshire and Merseyside"}
    # The region adds its nine councils and not Stockport.
    total = sum(float(base[c]["required_fte"]) for c in COUNCILS)
    assert float(base["Cheshire and Merseyside"]["required_fte"]) == pytest.approx(total,
                                                                                   rel=1e-6)
    # Supply starts from the published FTE: within a year it stays near the 2024 in-post plus
    # agency FTE (less absence), about 2,000 FTE across the nine councils.
    published = 0.0
    for council in COUNCILS:
        latest = load_workforce(reference_data, resolve_la_name(reference_data, council))[2024]
        published += (latest.fte or 0) + (latest.agency_fte or 0)
    available = float(base["Cheshire and Merseyside"]["available_fte"])
    assert 1500 < published < 3000
    assert 0.8 * published < available < 1.3 * published
    # Required FTE per council is plausible: between half and twice its current workforce.
    for council in COUNCILS:
        latest = load_workforce(reference_data, resolve_la_name(reference_data, council))[2024]
        staff = (latest.fte or 0) + (latest.agency_fte or 0)
        assert 0.5 * staff < float(base[council]["required_fte"]) < 2.0 * staff, council
    # P10 <= P50 <= P90 everywhere.
    for row in years:
        assert float(row["gap_p10"]) <= float(row["gap_p50"]) <= float(row["gap_p90"])
    # Shifting demand to early help lowers the social workers needed.
    shifted = {r["area"]: r for r in years if r["scenario"] == "Early help first"
               and r["role"] == "social_worker" and r["year"] == "2024-25"}
    assert float(shifted["Cheshire and Merseyside"]["required_fte"]) < total
    # Liverpool's referrals doubled from 2023 to 2024 in the published figures: flagged.
    flags = [r["message"] for r in _read(out / "data_quality.csv")
             if r["kind"] == "data quality"]
    assert any(f.startswith("Liverpool: referrals went from 4158 in 2023 to 8050 in 2024")
               for f in flags)
