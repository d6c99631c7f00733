"""Workload, FTE, statutory floors and caseload caps on hand-checked numbers."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from joinedup.errors import ConfigError
from joinedup.workforce.assumptions import (
    Caseload,
    CaseNorm,
    Staffing,
    default_assumptions,
    default_data,
    parse_assumptions,
)
from joinedup.workforce.workload import (
    blended_cap,
    cap_fte,
    check_caseloads,
    class_hours,
    fte_for_hours,
    role_needs,
    statutory_hours,
)


def test_fte_is_hours_over_productive_hours() -> None:
    """370 hours a week at 37 contracted hours and 20% shrinkage: 370 / (37 × 0.8) = 12.5."""
    assert float(fte_for_hours(370.0, Staffing(contract_hours=37, shrinkage=0.2))) == 12.5


def test_hours_are_new_times_startup_plus_open_times_weekly() -> None:
    """4 new a week × 10 h + 30 open × 1.5 h = 40 + 45 = 85 hours."""
    norm = CaseNorm(role="x", startup_hours=10, weekly_hours=1.5)
    assert float(class_hours(4.0, 30.0, norm)) == 85.0


def test_weekly_hours_never_below_the_statutory_visit_floor() -> None:
    """Visits every 2 weeks of 4 hours = 2 h a week, above the 1.5 h norm: 30 open × 2 = 60."""
    norm = CaseNorm(role="x", startup_hours=0, weekly_hours=1.5, visit_every_weeks=2,
                    visit_hours=4)
    assert norm.floor_weekly_hours == 2.0
    assert float(class_hours(0.0, 30.0, norm)) == 60.0
    assert float(statutory_hours(1.0, 30.0, norm)) == 60.0
    no_clock = CaseNorm(role="x", startup_hours=5, weekly_hours=1.5)
    assert float(statutory_hours(1.0, 30.0, no_clock)) == 0.0


def test_caps_blend_first_year_practitioners() -> None:
    """20% in their first year: 0.8 × 18 + 0.2 × 12 = 16.8 cases per FTE; 168 cases need 10."""
    caseload = Caseload(cap=18, first_year_cap=12)
    assert float(blended_cap(caseload, 0.2)) == pytest.approx(16.8)
    assert float(cap_fte(168.0, caseload, 0.2)) == pytest.approx(10.0)


def test_caseload_check_finds_cases_over_the_caps() -> None:
    """10 FTE, 2 in year one: capacity 8 × 18 + 2 × 12 = 168; 180 cases are 12 over."""
    check = check_caseloads(180, 10, 2, Caseload(cap=18, first_year_cap=12))
    assert check.capacity == 168
    assert check.over_cap_by == 12
    assert check.cases_per_fte == 18
    assert not check.within
    assert check_caseloads(150, 10, 2, Caseload()).within


def test_role_needs_take_the_larger_of_hours_and_caps() -> None:
    """Default norms, no first-year staff: 180 child protection cases at 2.4 h = 432 h a week;
    432 / (37 × 0.78) = 14.97 FTE by hours; the cap 18 needs 10. Hours bind. With only 1.0 h a
    week (scenario), the floor (3 h every 2 weeks = 1.5 h) gives 270 h = 9.36 FTE, and the cap's
    10 FTE binds."""
    a = default_assumptions()
    need = role_needs({}, {"child_protection": np.array([180.0])}, a, 0.0)["social_worker"]
    assert float(need.hours_fte[0]) == pytest.approx(432 / (37 * 0.78))
    assert float(need.cap_fte[0]) == pytest.approx(10.0)
    assert need.binding() == "hours"
    light = a.model_copy(update={"cases": {**a.cases, "child_protection": a.cases[
        "child_protection"].model_copy(update={"weekly_hours": 1.0})}})
    need = role_needs({}, {"child_protection": np.array([180.0])}, light, 0.0)["social_worker"]
    assert float(need.hours_fte[0]) == pytest.approx(270 / (37 * 0.78))
    assert float(need.fte[0]) == pytest.approx(10.0)
    assert need.binding() == "caseload cap"
    assert float(need.statutory_fte[0]) == pytest.approx(270 / (37 * 0.78))


def test_early_help_is_shared_by_three_roles_each_with_its_caseload_standard() -> None:
    """5 new and 50 open early help cases a week: 5 × 8 + 50 × 2 = 140 hours, shared 60% /
    25% / 15% (the assumed split). Early help practitioners: 84 h = 84 / 28.86 = 2.91 FTE by
    hours against 30 cases / 15 = 2 by caseload, so hours bind. Family support workers: 35 h =
    1.21 FTE by hours against 12.5 cases / 12 = 1.04. No statutory floor for any of them."""
    a = default_assumptions()
    needs = role_needs({"early_help": 5.0}, {"early_help": 50.0}, a, 0.0)
    practitioner = needs["early_help_worker"]
    assert float(practitioner.hours) == pytest.approx(84.0)
    assert float(practitioner.cap_fte) == pytest.approx(30 / 15)
    assert float(practitioner.fte) == pytest.approx(84 / (37 * 0.78))
    family = needs["family_support_worker"]
    assert float(family.hours) == pytest.approx(35.0)
    assert float(family.cap_fte) == pytest.approx(12.5 / 12)
    youth = needs["youth_worker"]
    assert float(youth.hours) == pytest.approx(21.0)
    assert float(youth.cap_fte) == pytest.approx(7.5 / 15)
    assert sum(float(n.hours) for n in needs.values() if n.role != "social_worker") == 140.0
    assert all(float(n.statutory_fte) == 0.0 for n in needs.values())


def test_a_role_caseload_standard_binds_when_it_is_lower_than_the_hours_allow() -> None:
    """Youth workers at a standard of 5 young people: 7.5 open / 5 = 1.5 FTE, more than the
    hours' 21 / 28.86 = 0.73, so the caseload standard binds."""
    a = default_assumptions()
    tight = a.model_copy(update={"roles": {**a.roles, "youth_worker": a.roles[
        "youth_worker"].model_copy(update={"caseload": 5.0})}})
    youth = role_needs({"early_help": 5.0}, {"early_help": 50.0}, tight, 0.0)["youth_worker"]
    assert float(youth.fte) == pytest.approx(1.5)
    assert youth.binding() == "caseload cap"


def test_a_split_from_the_data_replaces_the_assumed_one() -> None:
    a = default_assumptions()
    split = {"early_help": {"youth_worker": 0.5, "early_help_worker": 0.5}}
    needs = role_needs({}, {"early_help": 60.0}, a, 0.0, split=split)
    assert "family_support_worker" not in needs
    assert float(needs["youth_worker"].hours) == pytest.approx(60.0)


def test_a_split_that_does_not_add_up_is_refused_naming_the_field() -> None:
    data = copy.deepcopy(default_data())
    data["cases"]["early_help"]["split"] = {"early_help_worker": 0.5, "youth_worker": 0.2}
    with pytest.raises(ConfigError, match=r"cases\.early_help: .*add up to 0\.7"):
        parse_assumptions(data, "test")
