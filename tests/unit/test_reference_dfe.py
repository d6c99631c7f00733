from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.errors import ReferenceDataError
from joinedup.reference import load_la_statistics, parse_number, read_la_rows

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
          "region_name,old_la_code,new_la_code,la_name,category,referral_count,"
          "rereferral_count,rereferral_percent,no_further_action_count,"
          "no_further_action_percent,not_in_need_count,not_in_need_percent\n")


@pytest.mark.parametrize("raw", ["c", "x", "z", "k", "u", "low", ":", "", "  ", "..", None])
def test_suppressed_values_are_none(raw: str | None) -> None:
    assert parse_number(raw) is None


@pytest.mark.parametrize(("raw", "value"), [("12", 12.0), ("1,204.5", 1204.5), (" 7 ", 7.0)])
def test_numbers_parse(raw: str, value: float) -> None:
    assert parse_number(raw) == value


def test_rows_for_one_authority_with_suppression(tmp_path: Path) -> None:
    path = tmp_path / "c1_children_in_need_referrals_2013_to_2024.csv"
    path.write_text(
        HEADER
        + "2024,Reporting year,National,E92000001,England,,,,,,R,621880,1,22.4,1,6.3,1,30.3\n"
        + "2024,Reporting year,Local authority,E92000001,England,E12000002,North West,356,"
          "E08000007,Stockport,R,3447,719,c,191,x,767,22.3\n"
        + "2023,Reporting year,Local authority,E92000001,England,E12000002,North West,356,"
          "E08000007,Stockport,R,3233,720,22.3,127,3.9,813,25.1\n",
        encoding="utf-8")
    rows = read_la_rows(path, "stockport")
    assert [r.year for r in rows] == [2023, 2024]
    assert rows[1].number("referral_count") == 3447
    assert rows[1].number("rereferral_percent") is None
    assert rows[1].number("no_further_action_percent") is None


def test_missing_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="JOINEDUP_REFERENCE_DATA"):
        load_la_statistics(tmp_path)


def test_stockport_figures(reference_data: Path) -> None:
    stats = load_la_statistics(reference_data, "Stockport")
    y2024 = stats.years[2024]
    assert y2024.referrals == 3447
    assert y2024.child_population == 64311  # mid-2023 estimate, DfE's denominator for 2024
    assert round(y2024.per_10k(y2024.cla_at31) or 0) == 77
    assert y2024.factor_counts["3B"] == 931
    assert y2024.caseload_fte == pytest.approx(19.2)
    # Suppressed cells load as None rather than failing.
    assert stats.years[2019].cpp_duration_pct["1-2y"] is None
    assert stats.value("cla_at31", 2015) is not None  # nearest year that has it
