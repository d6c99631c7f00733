"""England and Wales bank holidays, checked against the dates GOV.UK published."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.marts.holidays import bank_holidays, easter_sunday


@pytest.mark.parametrize(("year", "expected"), [
    # Boxing Day on a Saturday; the early May holiday moved to VE Day.
    (2020, ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"]),
    # Christmas on a Saturday: both days move to Monday and Tuesday.
    (2021, ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"]),
    # New Year on a Saturday, the Platinum Jubilee, the state funeral, Christmas on a Sunday.
    (2022, ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26",
            "12-27"]),
    # The coronation.
    (2023, ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"]),
    (2024, ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"]),
    (2026, ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"]),
])
def test_bank_holidays_match_govuk(year: int, expected: list[str]) -> None:
    assert [day.strftime("%m-%d") for day in bank_holidays(year)] == expected


def test_easter() -> None:
    assert [easter_sunday(y) for y in (2019, 2025, 2038)] == [
        date(2019, 4, 21), date(2025, 4, 20), date(2038, 4, 25)]
