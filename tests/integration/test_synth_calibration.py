"""A mid-sized borough measured the DfE way lands near Stockport's own figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from joinedup.synth import generate_borough

# Pooled over the last four reporting years. Looser for the small, clustered counts (child
# protection and care involve a few dozen sibling groups at this size).
TOLERANCE = {
    "referrals_per_10k": 0.12, "cin_at31_per_10k": 0.2, "cpp_at31_per_10k": 0.4,
    "cla_at31_per_10k": 0.35, "cla_starts_per_10k": 0.35,
}
POINTS = {"rereferral_pct": 5.0, "nfa_pct": 3.0, "not_in_need_pct": 6.0}


@pytest.mark.slow
def test_rates_match_stockport(tmp_path: Path, reference_data: Path) -> None:
    generate_borough(tmp_path / "b", people=30_000, seed=11, reference_data=reference_data)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["statistics"] == "real"
    report = manifest["calibration"]["measured_vs_target"]
    years = [k for k in report if k.isdigit()]
    assert len(years) == 4
    for name, tolerance in TOLERANCE.items():
        measured = sum(report[y][name]["measured"] for y in years)
        target = sum(report[y][name]["target"] for y in years)
        assert abs(measured - target) <= tolerance * target, (name, measured, target)
    for name, points in POINTS.items():
        measured = sum(report[y][name]["measured"] for y in years) / len(years)
        target = sum(report[y][name]["target"] for y in years) / len(years)
        assert abs(measured - target) <= points, (name, measured, target)
    factors = next(v for k, v in report.items() if k.startswith("factors_"))
    for code, pair in factors.items():
        assert abs(pair["measured"] - pair["target"]) <= 12, (code, pair)
    caseload = report["workforce"]["caseload_per_fte"]
    assert abs(caseload["measured"] - caseload["target"]) <= 0.25 * caseload["target"]


def test_fallback_rates_without_reference_data() -> None:
    from joinedup.synth.calibration import load_calibration

    calibration = load_calibration(None)
    assert calibration.kind == "synthetic"
    target = calibration.for_year(2026)
    assert 400 < target.referrals_per_10k < 700
    assert target.factor_prob["3B"] > 0.2


def test_real_rates_follow_the_years(reference_data: Path) -> None:
    from joinedup.synth.calibration import load_calibration

    calibration = load_calibration(reference_data)
    assert calibration.kind == "real"
    assert round(calibration.for_year(2022).referrals_per_10k) == 610
    assert round(calibration.for_year(2024).cla_at31_per_10k) == 77
    assert calibration.for_year(2030) == calibration.for_year(2024).__class__(
        **{**calibration.for_year(2024).__dict__, "year": 2030})
    assert calibration.workforce.caseload_per_fte == pytest.approx(19.2)
