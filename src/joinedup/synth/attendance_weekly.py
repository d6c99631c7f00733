"""Weekly school attendance, as a school's management information system (or the DfE daily
attendance data share) sends it: one row per pupil per school per school week of the current
academic year, in sessions (a morning or an afternoon).

The pattern is set to what DfE publishes for England's state schools (pupil absence
statistics 2023/24): most pupils attend 94 to 96% of sessions, about one in five is
persistently absent (misses 10% or more), and one or two in a hundred severely (50% or more).
Each pupil's rate for the year follows the generator's absence propensity (so the pupils who
miss school in the termly extract miss it here too), and varies from week to week (illness
comes in spells). Holidays and half-terms have no sessions and so no rows. A few rows come
from a school whose codes do not add up, as a real share does; the loader quarantines them.

This extract draws from its own random stream: adding it leaves every other file
byte-identical.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from joinedup.synth import mapping_yaml as my
from joinedup.synth.education import Pupils, Schools, day
from joinedup.synth.identifiers import STOCKPORT_LA
from joinedup.synth.output import Output, fmt_dates
from joinedup.synth.records import PersonTable, World

REL = "education/attendance_weekly.csv"
DATE = "%Y-%m-%d"
MEDIAN_ABSENCE = 0.045
"""A typical pupil misses about 4.5% of sessions (attends 95.5%)."""
SPREAD = 1.0
"""Log-normal spread of pupils' rates: with the median above, about 21% of pupils have a
rate of 10% or more and under 1% of 50% or more, before week-to-week variation."""
FOLLOWS_PROPENSITY = 0.8
"""How closely a pupil's weekly rate follows their termly absence propensity (correlation of
the normal scores)."""
WEEK_SHAPE = 2.0
"""Gamma shape of the week-to-week variation around a pupil's rate (mean 1)."""
MISCOUNT_SHARE = 0.0005
"""Rows whose attendance codes do not add up to the sessions possible (quarantined)."""


def easter(year: int) -> dt.date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    return dt.date(year, month, (h + ell - 7 * m + 114) % 31 + 1)


def _monday_of(value: dt.date) -> dt.date:
    return value - dt.timedelta(days=value.weekday())


def _weekday_on_or_after(value: dt.date) -> dt.date:
    while value.weekday() >= 5:
        value += dt.timedelta(days=1)
    return value


def _weekday_on_or_before(value: dt.date) -> dt.date:
    while value.weekday() >= 5:
        value -= dt.timedelta(days=1)
    return value


def _monday_on_or_after(value: dt.date) -> dt.date:
    return value + dt.timedelta(days=(7 - value.weekday()) % 7)


def _friday_on_or_before(value: dt.date) -> dt.date:
    return value - dt.timedelta(days=(value.weekday() - 4) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
    return last - dt.timedelta(days=last.weekday())


def school_days(year: int) -> list[dt.date]:
    """The days schools are open in the academic year starting in September ``year``, on a
    typical English calendar: autumn from 3 September (or the weekday after) to the Friday
    before 21 December, half-term the week of the last Monday in October; spring from the
    first Monday after 3 January, half-term the week of the third Monday in February, the
    Easter holiday the fortnight from Holy Week's Monday; summer from the Monday after,
    half-term the week of the spring bank holiday, the early May bank holiday off, to 21 July
    (or the weekday before). Training days vary by school and are not modelled."""
    spring_year = year + 1
    e = easter(spring_year)
    terms = (
        (_weekday_on_or_after(dt.date(year, 9, 3)), _friday_on_or_before(dt.date(year, 12, 20))),
        (_monday_on_or_after(dt.date(spring_year, 1, 4)), e - dt.timedelta(days=9)),
        (e + dt.timedelta(days=8), _weekday_on_or_before(dt.date(spring_year, 7, 21))),
    )
    third_monday_feb = _monday_on_or_after(dt.date(spring_year, 2, 1)) + dt.timedelta(days=14)
    closed_weeks = {_last_monday(year, 10), third_monday_feb, _last_monday(spring_year, 5)}
    may_day = _monday_on_or_after(dt.date(spring_year, 5, 1))
    days: list[dt.date] = []
    for start, end in terms:
        current = start
        while current <= end:
            if current.weekday() < 5 and _monday_of(current) not in closed_weeks \
                    and current != may_day:
                days.append(current)
            current += dt.timedelta(days=1)
    return days


@dataclass(frozen=True, slots=True)
class Weeks:
    """Sessions possible per enrolment spell per week (0 when not on roll or closed)."""

    mondays: NDArray[np.int64]  # day numbers
    possible: NDArray[np.int64]  # spells x weeks


def weeks_on_roll(entry: NDArray[np.int64], leave: NDArray[np.int64],
                  days: list[dt.date], extract: dt.date) -> Weeks:
    """Two sessions a day for each open day a spell is on roll, summed by week; only weeks
    whose Friday is on or before ``extract`` (complete weeks)."""
    open_days = np.array([day(d) for d in days if _monday_of(d) + dt.timedelta(days=4)
                          <= extract], dtype=np.int64)
    if not len(open_days):
        return Weeks(np.empty(0, dtype=np.int64), np.zeros((len(entry), 0), dtype=np.int64))
    mondays_all = open_days - ((open_days + 3) % 7)  # 1970-01-01 was a Thursday
    mondays, week_of = np.unique(mondays_all, return_inverse=True)
    on_roll = (entry[:, None] <= open_days[None, :]) & (leave[:, None] > open_days[None, :])
    possible = np.zeros((len(entry), len(mondays)), dtype=np.int64)
    np.add.at(possible.T, week_of, 2 * on_roll.T.astype(np.int64))
    return Weeks(mondays, possible)


def _rates(pupils: Pupils, kids: NDArray[np.int64], rng: np.random.Generator,
           ) -> NDArray[np.float64]:
    """Each pupil's absence rate for the year: the rank of their propensity, blended with
    chance, through a log-normal with the median and spread above."""
    propensity = np.array([pupils.absence.get(int(c), 0.05) for c in kids])
    ranks = (np.argsort(np.argsort(propensity, kind="stable"), kind="stable") + 0.5) \
        / max(len(kids), 1)
    normal = NormalDist()
    z = np.array([normal.inv_cdf(float(u)) for u in ranks])
    z = FOLLOWS_PROPENSITY * z + np.sqrt(1 - FOLLOWS_PROPENSITY**2) * rng.standard_normal(
        len(kids))
    rates: NDArray[np.float64] = np.clip(np.exp(np.log(MEDIAN_ABSENCE) + SPREAD * z), 0.0, 0.97)
    return rates


def write_weekly_attendance(world: World, out: Output, schools: Schools, pupils: Pupils,
                            table: PersonTable, source: str, extract: dt.date,
                            rng: np.random.Generator) -> my.Mapping:
    """Write `education/attendance_weekly.csv` and return its mapping (one file entry)."""
    year = extract.year if extract.month >= 9 else extract.year - 1
    child = np.asarray(pupils.en_child, dtype=np.int64)
    entry = np.asarray(pupils.en_entry, dtype=np.int64)
    leave = np.asarray(pupils.en_leave, dtype=np.int64)
    school = np.asarray(pupils.en_school, dtype=np.int64)
    weeks = weeks_on_roll(entry, leave, school_days(year), extract)
    spell, week = np.nonzero(weeks.possible)
    order = np.lexsort((spell, week))
    spell, week = spell[order], week[order]
    possible = weeks.possible[spell, week]
    kids, kid_of = np.unique(child[spell], return_inverse=True)
    rate = _rates(pupils, kids, rng)[kid_of]
    weekly = np.clip(rate * rng.gamma(WEEK_SHAPE, 1 / WEEK_SHAPE, len(spell)), 0.0, 1.0)
    absent = rng.binomial(possible, weekly)
    risk = world.borough.people.risk[child[spell]]
    unauth_share = np.clip(0.2 + 0.15 * np.log(np.maximum(risk, 0.1)) + 0.3 * (rate > 0.1),
                           0.05, 0.9)
    unauth = rng.binomial(absent, unauth_share)
    present = possible - absent
    miscount = np.flatnonzero(rng.random(len(spell)) < MISCOUNT_SHARE)
    present[miscount] += 1
    for i in miscount:
        out.error(source, REL, int(i) + 2, "attendance_week.sessions_possible",
                  "sessions_mismatch", True)
    mondays = weeks.mondays[week]
    ids = table.record_for(child[spell], mondays)
    out.csv(source, REL, {
        "PupilID": ids, "UPN": world.upn[child[spell]],
        "SchoolURN": [schools.urn[s] for s in school[spell]],
        "LAESTAB": [STOCKPORT_LA + schools.estab[s] for s in school[spell]],
        "WeekCommencing": fmt_dates(mondays, DATE),
        "SessionsPossible": possible.tolist(), "SessionsPresent": present.tolist(),
        "SessionsAuthorisedAbsence": (absent - unauth).tolist(),
        "SessionsUnauthorisedAbsence": unauth.tolist(),
    }, persons=child[spell], record_ids=ids)
    return my.file(REL, [my.target(
        "attendance_week", source_record_id="PupilID", school="SchoolURN",
        week_start="WeekCommencing", sessions_possible="SessionsPossible",
        sessions_attended="SessionsPresent", authorised_absence="SessionsAuthorisedAbsence",
        unauthorised_absence="SessionsUnauthorisedAbsence")])
