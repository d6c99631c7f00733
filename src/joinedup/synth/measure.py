"""Measure a generated borough the way DfE counts: rates per 10,000 children by reporting year.

Used by the docs' calibration table and the tests that hold the generator to its targets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from joinedup.synth.calibration import Calibration
from joinedup.synth.csc_truth import CscTruth
from joinedup.synth.population import NEVER, Borough
from joinedup.synth.timeline import YEAR, Timeline


def day(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


@dataclass(frozen=True)
class MeasuredYear:
    year: int
    children: int
    referrals_per_10k: float
    rereferral_pct: float
    nfa_pct: float
    not_in_need_pct: float
    cin_at31_per_10k: float
    cpp_at31_per_10k: float
    cla_at31_per_10k: float
    cla_starts_per_10k: float
    factor_share: dict[str, float]


def children_on(borough: Borough, timeline: Timeline, when: int) -> int:
    live = timeline.active(when)
    persons = timeline.person[live]
    age = (when - borough.people.dob[persons]) / YEAR
    return int(np.unique(persons[(age >= 0) & (age < 18)]).size)


def _open_on(start: NDArray[np.int64], end: NDArray[np.int64], when: int) -> NDArray[np.bool_]:
    return (start <= when) & (end > when)


def measure_year(borough: Borough, timeline: Timeline, truth: CscTruth, year: int,
                 ) -> MeasuredYear:
    """Figures for the reporting year 1 April ``year - 1`` to 31 March ``year``."""
    y0, y1 = day(dt.date(year - 1, 4, 1)), day(dt.date(year, 3, 31))
    children = children_on(borough, timeline, day(dt.date(year - 1, 6, 30)))
    per = 10_000 / max(children, 1)
    ref = np.asarray(truth.ep_referral, dtype=np.int64)
    child = np.asarray(truth.ep_child, dtype=np.int64)
    close = np.asarray(truth.ep_close, dtype=np.int64)
    path = np.asarray(truth.ep_path)
    in_year = (ref >= y0) & (ref <= y1)
    order = np.lexsort((ref, child))
    prev_gap = np.full(len(ref), 10**9, dtype=np.int64)
    same = child[order][1:] == child[order][:-1]
    gaps = ref[order][1:] - ref[order][:-1]
    prev_gap[order[1:][same]] = gaps[same]
    n_ref = int(in_year.sum())
    rerefer = int((in_year & (prev_gap <= 365)).sum())
    at31 = y1 + 1
    cin = int(_open_on(ref, close, at31).sum())
    cp_start = np.asarray(truth.cp_start, dtype=np.int64)
    cp_end = np.asarray(truth.cp_end, dtype=np.int64)
    cla = truth.cla
    assert cla is not None
    ps = np.asarray(cla.period_start, dtype=np.int64)
    pe = np.asarray(cla.period_end, dtype=np.int64)
    auth = np.asarray(truth.as_auth, dtype=np.int64)
    factors = np.asarray(truth.as_factors, dtype=object)[(auth >= y0) & (auth <= y1)]
    share: dict[str, float] = {}
    for text in factors:
        for code in str(text).split(","):
            if code:
                share[code] = share.get(code, 0.0) + 1.0
    total = max(len(factors), 1)
    return MeasuredYear(
        year=year,
        children=children,
        referrals_per_10k=n_ref * per,
        rereferral_pct=100 * rerefer / max(n_ref, 1),
        nfa_pct=100 * int((in_year & (path == "nfa")).sum()) / max(n_ref, 1),
        not_in_need_pct=100 * int((in_year & (path == "nin")).sum()) / max(n_ref, 1),
        cin_at31_per_10k=cin * per,
        cpp_at31_per_10k=int(_open_on(cp_start, cp_end, at31).sum()) * per,
        cla_at31_per_10k=int(_open_on(ps, pe, at31).sum()) * per,
        cla_starts_per_10k=int(((ps >= y0) & (ps <= y1)).sum()) * per,
        factor_share={k: v / total for k, v in sorted(share.items())},
    )


NEVER_INT = int(NEVER)


METRICS = ("referrals_per_10k", "rereferral_pct", "nfa_pct", "not_in_need_pct",
           "cin_at31_per_10k", "cpp_at31_per_10k", "cla_at31_per_10k", "cla_starts_per_10k")


def calibration_report(borough: Borough, timeline: Timeline, truth: CscTruth,
                       calibration: Calibration, years: range) -> dict[str, object]:
    """Measured against target, per reporting year, plus the factor mix of the last year."""
    report: dict[str, object] = {}
    last: MeasuredYear | None = None
    for year in years:
        measured = measure_year(borough, timeline, truth, year)
        target = calibration.for_year(year)
        report[str(year)] = {name: {"measured": round(float(getattr(measured, name)), 1),
                                    "target": round(float(getattr(target, name)), 1)}
                             for name in METRICS}
        last = measured
    if last is not None:
        target = calibration.for_year(last.year)
        top = sorted(target.factor_prob, key=lambda k: -target.factor_prob[k])[:10]
        report["factors_" + str(last.year)] = {
            code: {"measured": round(100 * last.factor_share.get(code, 0.0), 1),
                   "target": round(100 * target.factor_prob[code], 1)} for code in top}
    return report
