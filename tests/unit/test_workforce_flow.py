"""The Markov flow model on a small, hand-counted episode history."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from joinedup.workforce.flow import FlowModel, Spell, estimate_flow, monthly_states

CLASSES = ("early_help", "child_in_need", "child_protection", "looked_after")


def _states() -> np.ndarray:
    spells = [
        Spell("a", "early_help", date(2024, 1, 5), date(2024, 2, 20)),
        Spell("a", "child_in_need", date(2024, 3, 1), None),
        Spell("b", "child_in_need", date(2024, 1, 1), date(2024, 4, 30)),
        Spell("b", "child_protection", date(2024, 2, 10), date(2024, 3, 15)),
        Spell("c", "looked_after", date(2023, 6, 1), None),
    ]
    return monthly_states(spells, date(2024, 1, 1), date(2024, 4, 1)).states


def test_most_intensive_class_wins_each_month() -> None:
    """b is in need January-April, on a plan in February and March: CIN, CP, CP, CIN."""
    states = _states()
    assert states.tolist() == [[0, 0, 1, 1], [1, 2, 2, 1], [3, 3, 3, 3]]


def test_transition_probabilities_are_counted_moves() -> None:
    """Moves (from → to): a: EH→EH, EH→CIN, CIN→CIN; b: CIN→CP, CP→CP, CP→CIN;
    c: LA→LA ×3. From EH: 1 stay, 1 to CIN → 0.5 / 0.5. From CIN: 1 stay, 1 to CP → 0.5 / 0.5.
    From CP: 1 stay, 1 to CIN. From LA: 3 of 3 stay."""
    states = monthly_states([
        Spell("a", "early_help", date(2024, 1, 5), date(2024, 2, 20)),
        Spell("a", "child_in_need", date(2024, 3, 1), None),
        Spell("b", "child_in_need", date(2024, 1, 1), date(2024, 4, 30)),
        Spell("b", "child_protection", date(2024, 2, 10), date(2024, 3, 15)),
        Spell("c", "looked_after", date(2023, 6, 1), None),
    ], date(2024, 1, 1), date(2024, 4, 1))
    model = estimate_flow(states)
    assert model.matrix[0].tolist() == [0.5, 0.5, 0, 0, 0]
    assert model.matrix[1].tolist() == [0, 0.5, 0.5, 0, 0]
    assert model.matrix[2].tolist() == [0, 0.5, 0.5, 0, 0]
    assert model.matrix[3].tolist() == [0, 0, 0, 1, 0]
    assert model.observed.tolist() == [2, 2, 2, 3]
    assert np.isnan(states.arrivals()[0]).all()
    assert states.open_counts()[0].tolist() == [1, 1, 0, 1]


def test_arrivals_come_from_no_class() -> None:
    states = monthly_states([Spell("x", "child_in_need", date(2024, 3, 3), None),
                             Spell("y", "early_help", date(2024, 1, 1), date(2024, 1, 31))],
                            date(2024, 1, 1), date(2024, 4, 1))
    arrivals = states.arrivals()
    # x arrives in child in need in March; y leaves early help after January.
    assert arrivals[2].tolist() == [0, 1, 0, 0]
    assert np.nansum(arrivals) == 1
    assert states.transition_counts()[0, 4] == 1  # early help -> closed


def test_projection_by_hand() -> None:
    """Two classes. P = [[0.8, 0.1 | 0.1], [0, 0.9 | 0.1]]; open (100, 50); 10 new a month into
    class 0. Month 1: class 0 = 100 × 0.8 + 10 = 90; class 1 = 100 × 0.1 + 50 × 0.9 = 55.
    New in class 1 = 10 moved in (100 × 0.1); new in class 0 = the 10 arrivals."""
    model = FlowModel(("a", "b"), np.array([[0.8, 0.1, 0.1], [0.0, 0.9, 0.1]]),
                      np.array([1, 1]))
    open_, new = model.project(np.array([100.0, 50.0]), np.array([[10.0, 0.0]] * 2))
    assert open_[0].tolist() == pytest.approx([90.0, 55.0])
    assert new[0].tolist() == pytest.approx([10.0, 10.0])
    # Month 2: 90 × 0.8 + 10 = 82; 90 × 0.1 + 55 × 0.9 = 58.5.
    assert open_[1].tolist() == pytest.approx([82.0, 58.5])
    # Steady state: a = 10 / 0.2 = 50; b = 50 × 0.1 / 0.1 = 50.
    assert model.steady_state(np.array([10.0, 0.0])).tolist() == pytest.approx([50.0, 50.0])
    assert model.mean_months().tolist() == pytest.approx([5.0, 10.0])


def test_unobserved_class_closes_and_says_so() -> None:
    states = monthly_states([Spell("x", "early_help", date(2024, 1, 1), None)],
                            date(2024, 1, 1), date(2024, 3, 1))
    model = estimate_flow(states)
    assert model.matrix[3, 4] == 1.0
    assert any("looked_after" in n for n in model.notes)


def test_batch_projection_matches_single_runs() -> None:
    model = FlowModel(("a", "b"), np.array([[0.8, 0.1, 0.1], [0.0, 0.9, 0.1]]),
                      np.array([1, 1]))
    arrivals = np.array([[[10.0, 0.0]] * 3, [[20.0, 5.0]] * 3])  # runs × months × classes
    open_, _ = model.project(np.array([100.0, 50.0]), arrivals)
    single, _ = model.project(np.array([100.0, 50.0]), arrivals[1])
    np.testing.assert_allclose(open_[1], single)
