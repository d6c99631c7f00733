"""Demand: need classes and clocks, series filling, reconciliation, population, blending,
and the data-quality flags, all on hand-checked numbers."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.errors import ConfigError
from joinedup.workforce.demand import complete_months
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.longterm import blend_weights, rate_per_10k, seasonal_profile
from joinedup.workforce.needs import WORKING_DAYS_PER_MONTH, load_needs, parse_needs
from joinedup.workforce.population import flat_population, project_population
from joinedup.workforce.quality import check_series
from joinedup.workforce.reconcile import (
    ReconcileError,
    complete_tree,
    hierarchy,
    incoherence,
    reconcile,
)
from joinedup.workforce.series import Series, fill_gaps, label, period_start, reporting_year_start

# ---- need classes --------------------------------------------------------------------------


def test_packaged_needs_hold_the_statutory_clocks() -> None:
    needs = load_needs()
    referral = needs["referral"]
    assert referral.fast and referral.clocks[0].within == 1
    assert referral.clocks[0].day_type == "working"
    assert needs["assessment"].clocks[0].within == 45
    assert needs["section47"].clocks[0].within == 15
    assert {n.code for n in needs.by_speed("slow")} >= {"early_help", "family_help",
                                                        "youth_work", "community_support"}
    assert all(not n.clocks for n in needs.by_speed("slow"))


def test_clock_frequency_per_month_by_hand() -> None:
    needs = load_needs()
    visit = needs["looked_after"].clocks[-1]  # every 42 calendar days
    assert visit.per_month() == pytest.approx((365.25 / 12) / 42)
    cp_visit = needs["cp_plan"].clocks[-1]  # every 10 working days
    assert cp_visit.per_month() == pytest.approx(WORKING_DAYS_PER_MONTH / 10)
    assert needs["referral"].clocks[0].per_month() == 0.0


def test_classify_sends_youth_team_episodes_to_youth_work() -> None:
    needs = load_needs()
    assert needs.classify("early_help_episode", "Youth Service") == "youth_work"
    assert needs.classify("early_help_episode", "Early Help North") == "early_help"
    assert needs.classify("early_help_episode", None) == "early_help"
    assert needs.classify("enrolment", None) is None


@pytest.mark.parametrize(("text", "message"), [
    ("needs: [1, 2]", "top-level 'needs:'"),
    ("needs:\n  x: {speed: quick}", "need 'x': speed must be one of fast, slow"),
    ("needs:\n  x: {speed: fast, clocks: [{name: c, within: -3}]}", "clock 'c': within"),
    ("needs:\n  x: {speed: fast, team_pattern: '('}", "team_pattern is not a valid"),
    ("needs: {x: {speed: fast, event_types: referral}}", "event_types must be a list"),
])
def test_bad_need_files_name_the_class_and_field(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        parse_needs(text, "mine.yaml")
    with pytest.raises(ConfigError, match="unknown need class"):
        load_needs()["nope"]


# ---- series --------------------------------------------------------------------------------


def test_period_conventions() -> None:
    assert reporting_year_start(2024) == date(2023, 4, 1)
    assert label(date(2023, 4, 1), "year") == "2023-24"
    assert label(date(2024, 3, 1), "month") == "2024-03"
    assert period_start(date(2024, 3, 31), "year") == date(2023, 4, 1)
    assert period_start(date(2024, 4, 1), "year") == date(2024, 4, 1)
    s = Series("A", "referral", "month", date(2023, 11, 1), (1.0, 2.0, 3.0))
    assert s.periods() == [date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1)]
    assert s.future_periods(1) == [date(2024, 2, 1)]


def test_fill_gaps_interpolates_or_zero_fills_and_says_which() -> None:
    counts: dict[date, float | None] = {date(2024, 1, 1): 10.0, date(2024, 4, 1): 16.0}
    filled = fill_gaps("A", "referral", "month", counts, zero_missing=False)
    assert filled.series.values == (10.0, 12.0, 14.0, 16.0)
    assert "2024-02, 2024-03" in filled.notes[0] and "interpolation" in filled.notes[0]
    zero = fill_gaps("A", "referral", "month", counts, zero_missing=True)
    assert zero.series.values == (10.0, 0.0, 0.0, 16.0)
    assert "taken as 0" in zero.notes[0]


def test_complete_months_drops_partial_ends() -> None:
    cover = complete_months(date(2018, 11, 1), date(2026, 10, 30))
    assert cover is not None and (cover.first, cover.last) == (date(2018, 11, 1),
                                                               date(2026, 10, 1))
    cover = complete_months(date(2019, 4, 2), date(2026, 10, 20))
    assert cover is not None and (cover.first, cover.last) == (date(2019, 5, 1),
                                                               date(2026, 9, 1))


# ---- reconciliation ------------------------------------------------------------------------

PARENTS = {"Team A": "Council", "Team B": "Council"}


def _fc(area: str, mean: list[float], history: tuple[float, ...] = (1.0,)) -> Forecast:
    series = Series(area, "referral", "month", date(2024, 1, 1), history)
    m = tuple(mean)
    return Forecast(series, "naive", m, tuple(v - 1 for v in m), tuple(v + 1 for v in m), 0.8)


def _base() -> dict[str, Forecast]:
    return {"Council": _fc("Council", [36.0]), "Team A": _fc("Team A", [10.0]),
            "Team B": _fc("Team B", [20.0])}


def test_ols_and_structural_reconciliation_by_hand() -> None:
    # S = [[1,1],[1,0],[0,1]], yhat = [36,10,20].
    # OLS: (S'S)^-1 S'yhat = 1/3 [[2,-1],[-1,2]] [46,56] = [12, 22] -> council 34.
    ols = reconcile(_base(), PARENTS, "ols")
    assert [ols[a].mean[0] for a in ("Team A", "Team B", "Council")] == pytest.approx(
        [12, 22, 34])
    # WLS with W = diag(2,1,1): 1/2 [[1.5,-.5],[-.5,1.5]] [28,38] = [11.5, 21.5] -> 33.
    wls = reconcile(_base(), PARENTS, "wls_struct")
    assert [wls[a].mean[0] for a in ("Team A", "Team B", "Council")] == pytest.approx(
        [11.5, 21.5, 33])
    # Each area keeps its interval width around the new mean.
    assert wls["Team A"].upper[0] - wls["Team A"].lower[0] == pytest.approx(2.0)
    assert incoherence(_base(), PARENTS) == pytest.approx(6.0)
    assert incoherence(wls, PARENTS) == pytest.approx(0.0)


def test_bottom_up_and_top_down() -> None:
    base = _base()
    assert reconcile(base, PARENTS, "bottom_up")["Council"].mean == (30.0,)
    base["Council"] = _fc("Council", [36.0], history=(5.0, 7.0))
    base["Team A"] = _fc("Team A", [10.0], history=(1.0, 3.0))  # 4 of 12 recent events
    base["Team B"] = _fc("Team B", [20.0], history=(4.0, 4.0))  # 8 of 12
    down = reconcile(base, PARENTS, "top_down")
    assert down["Team A"].mean[0] == pytest.approx(12.0)
    assert down["Team B"].mean[0] == pytest.approx(24.0)


def test_three_level_tree_adds_up_and_fills_missing_parents() -> None:
    parents = {"T1": "Stockport", "T2": "Stockport", "T3": "Wirral", "Stockport": "Region",
               "Wirral": "Region"}
    forecasts = {name: _fc(name, [value, value + 1]) for name, value in
                 (("T1", 5.0), ("T2", 7.0), ("T3", 9.0), ("Stockport", 14.0),
                  ("Region", 25.0))}
    out = reconcile(forecasts, parents)
    assert set(out) == {"T1", "T2", "T3", "Stockport", "Wirral", "Region"}
    assert incoherence(out, parents) == pytest.approx(0.0, abs=1e-9)
    tree = hierarchy(forecasts, parents)
    assert tree.nodes[0] == "Region" and tree.bottoms == ("T1", "T2", "T3")


def test_negative_reconciled_team_is_floored_and_totals_stay_coherent() -> None:
    base = {"Council": _fc("Council", [0.0]), "Team A": _fc("Team A", [0.0]),
            "Team B": _fc("Team B", [9.0])}
    out = reconcile(base, PARENTS, "ols")
    assert min(f.mean[0] for f in out.values()) >= 0
    assert incoherence(out, PARENTS) == pytest.approx(0.0)
    assert "set to 0" in out["Team A"].notes[-1]


def test_reconcile_rejects_mismatched_horizons_and_loops() -> None:
    base = _base()
    base["Team A"] = _fc("Team A", [1.0, 2.0])
    with pytest.raises(ReconcileError, match="same future periods"):
        reconcile(base, PARENTS)
    with pytest.raises(ReconcileError, match="loop"):
        hierarchy(["A"], {"A": "B", "B": "A"})


def test_complete_tree_sums_children_on_their_common_periods() -> None:
    a = Series("Team A", "referral", "month", date(2024, 1, 1), (1.0, 2.0, 3.0))
    b = Series("Team B", "referral", "month", date(2024, 2, 1), (10.0, 20.0, 30.0))
    tree = {s.area: s for s in complete_tree([a, b], PARENTS)}
    assert tree["Council"].start == date(2024, 2, 1)
    assert tree["Council"].values == (12.0, 23.0)
    assert tree["Team A"].values == (2.0, 3.0)


# ---- population, rates and blending --------------------------------------------------------


def test_population_projection_is_a_labelled_straight_line() -> None:
    estimates = Series("X", "child_population", "year", date(2019, 4, 1),
                       (1000.0, 1010.0, 1020.0, 1030.0, 1040.0))
    pop = project_population(estimates, 3)
    assert pop.by_year[date(2024, 4, 1)] == pytest.approx(1050.0)
    assert pop.by_year[date(2026, 4, 1)] == pytest.approx(1070.0)
    assert pop.at(date(2025, 2, 1)) == pytest.approx(1050.0)  # Feb 2025 is in 2024-25
    assert pop.projected(date(2024, 4, 1)) and not pop.projected(date(2023, 4, 1))
    assert "not an ONS projection" in pop.label
    assert "synthetic" in flat_population("X", 500, date(2020, 1, 1)).label


def test_rate_seasonal_profile_and_blend_weights_by_hand() -> None:
    pop = flat_population("X", 20_000, date(2020, 4, 1))
    s = Series("X", "referral", "year", date(2020, 4, 1), (100.0, 120.0, 140.0))
    assert rate_per_10k(s, pop, years=2) == pytest.approx(65.0)  # (120+140)/2 per 20,000
    months = Series("X", "referral", "month", date(2022, 1, 1), tuple([10.0] * 11 + [20.0]) * 2)
    profile = seasonal_profile(months)
    assert profile[11] == pytest.approx(20 / (130 / 12))
    assert profile.mean() == pytest.approx(1.0)
    assert list(blend_weights(4, 1)) == pytest.approx([1.0, 0.5, 0.0, 0.0])
    w = blend_weights(30, 12)
    assert w[11] == 1.0 and w[12] == pytest.approx(12 / 13) and w[24] == 0.0


# ---- data quality --------------------------------------------------------------------------


def test_quality_flags_a_halving_a_spike_and_a_zero_without_changing_data() -> None:
    caseload = Series("Sefton", "caseload", "year", date(2016, 4, 1),
                      (21.7, 25.0, 22.1, 20.4, 21.3, 18.9, 9.4, 15.1))
    findings = check_series(caseload)
    halving = [f for f in findings if f.kind == "jump" and f.period == date(2022, 4, 1)]
    assert halving and "halved" in halving[0].message and "2022-23" in halving[0].message
    assert caseload.values[6] == 9.4

    referrals = Series("Liverpool", "referral", "year", date(2020, 4, 1),
                       (6227.0, 5661.0, 4158.0, 8050.0))
    kinds = {(f.kind, f.period) for f in check_series(referrals)}
    assert ("spike", date(2022, 4, 1)) in kinds

    zero = Series("X", "referral", "month", date(2024, 1, 1), (30.0, 0.0, 31.0))
    assert [f.kind for f in check_series(zero)] == ["zero"]
    steady = Series("X", "referral", "year", date(2020, 4, 1), (100.0, 105.0, 98.0, 110.0))
    assert check_series(steady) == []
    small = Series("X", "missing", "month", date(2024, 1, 1), (1.0, 4.0, 1.0))
    assert check_series(small) == []  # below the small-number floor


def test_parent_without_forecast_is_its_childrens_sum() -> None:
    parents = {"T1": "Council", "T2": "Council"}
    t1 = Forecast(Series("T1", "referral", "month", date(2024, 1, 1), (1.0, 2.0, 3.0)),
                  "naive", (3.0,), (2.0,), (4.0,), 0.8)
    t2 = Forecast(Series("T2", "referral", "month", date(2024, 2, 1), (5.0, 6.0)),
                  "naive", (6.0,), (5.0,), (7.0,), 0.8)
    out = reconcile({"T1": t1, "T2": t2}, parents)
    council = out["Council"]
    assert council.mean == (9.0,) and council.model == "sum of children"
    assert council.series.values == (7.0, 9.0) and council.series.start == date(2024, 2, 1)
    assert (council.lower, council.upper) == ((7.0,), (11.0,))
