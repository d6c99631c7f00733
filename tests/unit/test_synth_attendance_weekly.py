"""The weekly attendance extract's school calendar and sessions on roll."""

from __future__ import annotations

import datetime as dt

import numpy as np

from joinedup.synth.attendance_weekly import easter, school_days, weeks_on_roll
from joinedup.synth.education import day


def test_easter_dates() -> None:
    assert [easter(y) for y in (2024, 2025, 2026, 2027)] == [
        dt.date(2024, 3, 31), dt.date(2025, 4, 20), dt.date(2026, 4, 5), dt.date(2027, 3, 28)]


def test_the_school_year_has_its_terms_half_terms_and_holidays() -> None:
    days = school_days(2025)
    assert days[0] == dt.date(2025, 9, 3) and days[-1] == dt.date(2026, 7, 21)
    assert 190 <= len(days) <= 195 and all(d.weekday() < 5 for d in days)
    closed = [dt.date(2025, 10, 27), dt.date(2025, 12, 25), dt.date(2026, 2, 16),
              dt.date(2026, 4, 6), dt.date(2026, 5, 4), dt.date(2026, 5, 26)]
    assert not set(closed) & set(days)
    assert {dt.date(2025, 10, 24), dt.date(2026, 1, 5), dt.date(2026, 4, 13)} <= set(days)


def test_sessions_are_two_a_day_on_roll_in_complete_weeks_only() -> None:
    days = school_days(2026)
    entry = np.array([day(dt.date(2026, 9, 1)), day(dt.date(2026, 9, 9))], dtype=np.int64)
    leave = np.array([day(dt.date(2030, 1, 1)), day(dt.date(2026, 9, 16))], dtype=np.int64)
    weeks = weeks_on_roll(entry, leave, days, dt.date(2026, 10, 28))
    mondays = [dt.date(1970, 1, 1) + dt.timedelta(days=int(m)) for m in weeks.mondays]
    assert mondays[0] == dt.date(2026, 8, 31) and mondays[-1] == dt.date(2026, 10, 19)
    assert len(mondays) == 8  # half-term (w/c 26 October) has no sessions; nor a part week
    assert weeks.possible[0].tolist() == [4] + [10] * 7  # opens on Thursday 3 September
    # Joins on Wednesday 9 September and leaves on Wednesday 16 September (not counted).
    assert weeks.possible[1].tolist() == [0, 6, 4, 0, 0, 0, 0, 0]
