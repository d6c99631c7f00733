"""Erlang C against hand-worked examples."""

from __future__ import annotations

import math

import pytest

from joinedup.errors import ConfigError
from joinedup.workforce.erlang import agents_needed, erlang_c, service_level, size_fast_need


def test_ten_calls_an_hour_textbook_example() -> None:
    """10 calls an hour, 12 minutes each: A = 10 × 0.2 = 2 Erlangs. With N = 3 on shift:

    A^N/N! = 8/6 = 4/3; N/(N−A) = 3; numerator = 4/3 × 3 = 4.
    Σ_{k<3} A^k/k! = 1 + 2 + 2 = 5; C = 4 / (5 + 4) = 4/9 = 0.4444.
    Service level within 12 minutes (t/h = 1): 1 − 4/9 × e^{−(3−2)·1} = 1 − 0.4444 × 0.36788
    = 0.83650.
    """
    assert erlang_c(2.0, 3) == pytest.approx(4 / 9)
    assert service_level(2.0, 3, handling_hours=0.2, target_hours=0.2) == pytest.approx(
        1 - 4 / 9 * math.exp(-1), abs=1e-9)
    assert service_level(2.0, 3, 0.2, 0.2) == pytest.approx(0.83650, abs=1e-5)


def test_recursion_matches_the_factorial_formula() -> None:
    for traffic, agents in ((2.0, 3), (10.0, 12), (7.5, 9), (0.5, 1)):
        top = traffic ** agents / math.factorial(agents) * agents / (agents - traffic)
        bottom = sum(traffic ** k / math.factorial(k) for k in range(agents)) + top
        assert erlang_c(traffic, agents) == pytest.approx(top / bottom)


def test_overloaded_queue_always_waits() -> None:
    assert erlang_c(3.0, 3) == 1.0
    assert service_level(3.0, 2, 0.2, 1.0) == 0.0
    assert erlang_c(0.0, 1) == 0.0


def test_agents_needed_meets_the_level_with_the_fewest() -> None:
    """A = 2: N = 3 gives 83.6% within 12 minutes (above); N = 4: C = 4/23... so for an 80%
    target 3 suffice, and for 90% we need 4 (1 − C(2,4)·e^{−2} = 1 − 0.1739 × 0.1353 = 0.9765).
    """
    assert agents_needed(10, 0.2, 0.2, 0.80, 1.0) == (3, "service level")
    assert agents_needed(10, 0.2, 0.2, 0.90, 1.0) == (4, "service level")
    assert erlang_c(2.0, 4) == pytest.approx(4 / 23)


def test_occupancy_cap_can_bind() -> None:
    """A 24-hour target is met by N = 3 (A = 2), but occupancy 2/3 = 67% > 60% cap: N = 4."""
    assert agents_needed(10, 0.2, 24, 0.95, 0.6) == (4, "occupancy cap")


def test_rota_fte() -> None:
    """3 on shift for 37 hours a week, 28.86 productive hours per FTE: 3 × 37 / 28.86."""
    sizing = size_fast_need("duty", 370, handling_hours=0.2, target_hours=0.2,
                            target_level=0.8, occupancy_cap=1.0, open_hours_per_week=37,
                            productive_hours_per_fte=28.86)
    assert sizing.arrivals_per_hour == pytest.approx(10)
    assert sizing.agents == 3
    assert sizing.fte == pytest.approx(3 * 37 / 28.86)
    assert sizing.occupancy == pytest.approx(2 / 3)


@pytest.mark.parametrize(("args", "field"), [
    ((-1, 0.2, 1, 0.8, 0.9), "arrivals"), ((1, 0, 1, 0.8, 0.9), "handling"),
    ((1, 0.2, 1, 1.0, 0.9), "service level"), ((1, 0.2, 1, 0.8, 0), "occupancy")])
def test_bad_parameters_are_named(args: tuple[float, ...], field: str) -> None:
    with pytest.raises(ConfigError, match=field):
        agents_needed(*args)
