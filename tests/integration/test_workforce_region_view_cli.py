"""`joinedup workforce region-view`: the board-paper export (XLSX and PNG charts) for Cheshire
and Merseyside on the real DfE figures."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from PIL import Image

import joinedup.workforce.pooled_plan as pooled_plan
from joinedup.cli import cli
from joinedup.reference.benchmarks import child_population
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.region_export import CHARTS, WORKBOOK
from joinedup.workforce.series import Series

REGION = "Cheshire and Merseyside"
COUNCILS = ("Cheshire East", "Cheshire West and Chester", "Halton", "Knowsley", "Liverpool",
            "Sefton", "St Helens", "Warrington", "Wirral")
PNG = b"\x89PNG\r\n\x1a\n"


def flat(series: Series, horizon: int) -> Forecast:
    """Last year again (the statistical forecaster is benchmarked elsewhere)."""
    v = series.values[-1]
    return Forecast(series, "naive", (v,) * horizon, (v * 0.9,) * horizon, (v * 1.1,) * horizon,
                    0.8, {}, None, ())


def _sheet(path: Path, name: str) -> list[dict[str, object]]:
    rows = list(load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def _check_pngs(out: Path) -> None:
    for name in CHARTS:
        data = (out / name).read_bytes()
        assert data.startswith(PNG), name
        with Image.open(out / name) as image:
            image.verify()
            assert image.size[0] > 600 and image.size[1] > 300, name


def test_region_view_from_a_new_plan(reference_data: Path, home: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pooled_plan, "dfe_forecaster", lambda reference: flat)
    out = tmp_path / "board"
    result = CliRunner().invoke(cli, ["workforce", "region-view", "--region", REGION,
                                      "--out", str(out)],
                                env={"JOINEDUP_REFERENCE_DATA": str(reference_data)})
    assert result.exit_code == 0, result.output
    assert f"{REGION}: social worker workforce, region view" in result.output
    assert (out / WORKBOOK).is_file()
    _check_pngs(out)

    book = load_workbook(out / WORKBOOK, read_only=True)
    assert book.sheetnames == ["Summary", "Gap", "Workforce measures"]
    gap = {r["area"]: r for r in _sheet(out / WORKBOOK, "Gap")}
    assert set(gap) == {*COUNCILS, "Stockport", REGION}
    assert gap["Stockport"]["kind"] == "comparison (not in the region)"
    years = [k.removesuffix(" gap FTE") for k in gap[REGION] if str(k).endswith(" gap FTE")]
    assert len(years) == 5
    # The region is its nine councils (not Stockport), each figure rounded to 0.1 FTE.
    for year in years:
        total = sum(float(gap[c][f"{year} gap FTE"]) for c in COUNCILS)  # type: ignore[arg-type]
        assert float(gap[REGION][f"{year} gap FTE"]) == pytest.approx(total, abs=0.5)  # type: ignore[arg-type]
    measures = {r["area"]: r for r in _sheet(out / WORKBOOK, "Workforce measures")}
    # DfE's 2024 figures: England's caseload 15.4 per case-holding FTE, agency rate 16.2%.
    assert measures["Halton"]["Caseload (cases per case-holding FTE): England"] == 15.4
    assert measures["Halton"]["Agency rate (% of FTE): England"] == 16.2
    assert measures["Halton"]["statistical neighbours"] == 10
    summary = [r[0] for r in book["Summary"].iter_rows(values_only=True) if r and r[0]]
    assert any(str(line).startswith(f"Across {REGION}") for line in summary)


def test_region_view_from_a_plan_folder_checks_the_arithmetic(
        reference_data: Path, home: Path, tmp_path: Path) -> None:
    """Halton 10 FTE short in 2024-25 -> 10 / its children (ONS mid-2024) x 10,000."""
    plan = tmp_path / "plan"
    plan.mkdir()
    with (plan / "plan_by_year.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["scenario", "area", "role", "year", "gap_fte"])
        for council in (*COUNCILS, "Stockport"):
            gap = 10.0 if council == "Halton" else -1.0
            writer.writerow(["baseline", council, "social_worker", "2024-25", gap])
    out = tmp_path / "board"
    result = CliRunner().invoke(cli, ["workforce", "region-view", "--region", REGION,
                                      "--plan", str(plan), "--out", str(out)],
                                env={"JOINEDUP_REFERENCE_DATA": str(reference_data)})
    assert result.exit_code == 0, result.output
    assert "1 of the region's 9 councils is short" in result.output
    # 2 FTE over about 600,000 children: shown to two decimals, not as 0.0.
    assert re.search(rf"Across {REGION} the social worker gap opens in 2024-25, at 2\.0 FTE, "
                     r"0\.0[1-9] per 10,000 children\.", result.output)
    assert "Halton: the gap opens in 2024-25, at 10 FTE (" in result.output
    children = child_population(reference_data)["Halton"][2024]
    gap = {r["area"]: r for r in _sheet(out / WORKBOOK, "Gap")}
    assert gap["Halton"]["2024-25 gap per 10,000 children"] == pytest.approx(
        round(10 / children * 10_000, 2))
    assert gap["Halton"]["gap opens"] == "2024-25"
    assert gap["Wirral"]["gap opens"] == "not in the plan"
    assert float(gap[REGION]["2024-25 gap FTE"]) == pytest.approx(2.0)  # type: ignore[arg-type]
    _check_pngs(out)


def test_region_view_without_reference_data_says_what_to_do(home: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["workforce", "region-view", "--region", REGION,
                                      "--out", str(tmp_path / "board")])
    assert result.exit_code != 0
    assert "JOINEDUP_REFERENCE_DATA" in result.output
    unknown = CliRunner().invoke(cli, ["workforce", "region-view", "--region", "Atlantis",
                                       "--out", str(tmp_path / "board")])
    assert unknown.exit_code != 0 and "no region called 'Atlantis'" in unknown.output
