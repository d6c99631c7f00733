"""A plain CSV of counts: read, fill, flag bad rows by file/row/field, forecast and add up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from joinedup.errors import SourceError
from joinedup.workforce.counts import read_counts
from joinedup.workforce.forecast import forecast
from joinedup.workforce.reconcile import complete_tree, incoherence, reconcile

HEADER = "area,period,need,count,parent\n"


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "counts.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_reads_monthly_counts_fills_gaps_and_keeps_the_tree(tmp_path: Path) -> None:
    path = _write(tmp_path, "Team A,2024-01,referral,10,Council\n"
                            "Team A,2024-03-01,referral,14,Council\n"
                            "Team B,2024-01,referral,5,Council\n"
                            "Team B,2024-02,referral,,Council\n"
                            "Team B,2024-03,referral,7,Council\n")
    history = read_counts(path)
    assert history.get("Team A", "referral").values == (10.0, 12.0, 14.0)  # type: ignore[union-attr]
    assert history.get("Team B", "referral").values == (5.0, 6.0, 7.0)  # type: ignore[union-attr]
    assert history.parents == {"Team A": "Council", "Team B": "Council"}
    assert len(history.notes) == 2 and all("interpolation" in n for n in history.notes)


def test_reads_annual_dfe_style_periods(tmp_path: Path) -> None:
    path = _write(tmp_path, "Stockport,2022-23,referral,3233\nStockport,202324,referral,3447\n",
                  header="Area,Period,Need,Count\n")
    series = read_counts(path).series[0]
    assert series.freq == "year" and series.start == date(2022, 4, 1)
    assert series.values == (3233.0, 3447.0)


@pytest.mark.parametrize(("body", "row", "field", "message"), [
    ("A,2024-13,referral,1\n", 2, "period", "not a month"),
    ("A,2024,referral,1\n", 2, "period", "reporting year"),
    ("A,2024-01,referral,-3\n", 2, "count", "negative"),
    ("A,2024-01,referral,lots\n", 2, "count", "not a number"),
    ("A,2024-01,referral,1\nA,2024-01,referral,2\n", 3, "period", "a second count"),
    ("A,2024-01,referral,1\nA,2023-24,referral,2\n", 3, "period", "separate files"),
    (",2024-01,referral,1\n", 2, "area", "area is empty"),
    ("A,2024-01,,1\n", 2, "need", "need is empty"),
])
def test_bad_rows_name_file_row_and_field(tmp_path: Path, body: str, row: int, field: str,
                                          message: str) -> None:
    path = _write(tmp_path, body, header="area,period,need,count\n")
    with pytest.raises(SourceError, match=message) as caught:
        read_counts(path)
    assert (caught.value.file, caught.value.row, caught.value.field) == (str(path), row, field)
    assert f"row {row}" in str(caught.value) and str(path) in str(caught.value)


def test_bad_headers_parents_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="missing column") as caught:
        read_counts(_write(tmp_path, "A,2024-01,1\n", header="area,period,count\n"))
    assert caught.value.field == "need"
    with pytest.raises(SourceError, match="one parent only"):
        read_counts(_write(tmp_path, "A,2024-01,r,1,X\nA,2024-02,r,1,Y\n"))
    with pytest.raises(SourceError, match="no rows"):
        read_counts(_write(tmp_path, ""))
    with pytest.raises(SourceError, match="cannot open"):
        read_counts(tmp_path / "missing.csv")


def test_csv_teams_forecast_and_reconcile_to_the_council(tmp_path: Path) -> None:
    rows = []
    for i in range(30):
        month = f"{2022 + (i // 12)}-{i % 12 + 1:02d}"
        rows.append(f"Team A,{month},referral,{20 + i % 5},Council\n")
        rows.append(f"Team B,{month},referral,{10 + (i * 7) % 4},Council\n")
    history = read_counts(_write(tmp_path, "".join(rows)))
    tree = complete_tree(history.for_need("referral"), history.parents)
    council = next(s for s in tree if s.area == "Council")
    assert council.values[0] == 20 + 10  # Team A 20, Team B 10 in the first month
    forecasts = {s.area: forecast(s, 3) for s in tree}
    coherent = reconcile(forecasts, history.parents)
    assert incoherence(coherent, history.parents) == pytest.approx(0.0, abs=1e-9)
    assert all(f.periods()[0] == date(2024, 7, 1) for f in coherent.values())
