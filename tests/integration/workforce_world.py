"""A tiny workforce plan for the web tests: three years of made-up monthly counts for one
area, planned with a flat forecaster (the mean of the last year) so a plan takes a second or
two rather than the model search's tens of seconds."""

from __future__ import annotations

from joinedup.config import get_settings
from joinedup.web.workforce import runs
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.series import Series

AREA = "Tiny Town"


def counts_csv() -> bytes:
    """Referrals 40 to 51 a month (cycling), 120 children in need and 30 on a plan."""
    lines = ["area,period,need,count"]
    for i in range(36):
        month = f"{2022 + i // 12}-{i % 12 + 1:02d}"
        lines += [f"{AREA},{month},referral,{40 + i % 12}",
                  f"{AREA},{month},open_cin,120", f"{AREA},{month},open_cp,30"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def flat(series: Series, horizon: int) -> Forecast:
    """The mean of the last twelve periods, with a ±20% interval."""
    last = series.values[-12:]
    v = sum(last) / max(len(last), 1)
    return Forecast(series, "naive", (v,) * horizon, (v * 0.8,) * horizon,
                    (v * 1.2,) * horizon, 0.8, {}, None, ())


def tiny_plan() -> str:
    """The tiny plan's key, making it (about a second) unless this home has it already."""
    before = runs.FORECASTER
    runs.FORECASTER = flat
    try:
        return runs.make_plan(runs.PlanRequest("counts", "tiny.csv", (), counts_csv()),
                              get_settings())
    finally:
        runs.FORECASTER = before
