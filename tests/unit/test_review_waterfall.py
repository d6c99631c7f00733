"""The waterfall's table rows and chart geometry, and the number formats, hand-checked."""

from __future__ import annotations

import pytest

from joinedup.linkage.explain import MatchExplanation
from joinedup.linkage.scoring import ComparisonStep
from joinedup.web.review import waterfall as wf
from joinedup.web.review.templatetags.matching import percent, signed


def _step(name: str, weight: float, tf: float | None = None, level: int = 1,
          a: object = "x", b: object = "x") -> ComparisonStep:
    return ComparisonStep(name=name, description=name.replace("_", " "), value_a=a, value_b=b,
                          level=level, label="exact" if level > 0 else "",
                          m_probability=0.9 if level >= 0 else None,
                          u_probability=0.1 if level >= 0 else None,
                          match_weight=weight, tf_adjustment=tf)


def _explanation() -> MatchExplanation:
    steps = (_step("first_name", 10.0, -8.0, a=["ADA"], b=("ADA",)),
             _step("surname", -5.0, level=0, a="ADULT", b="ADAMS"),
             _step("postcode", 0.0, level=-1, a=None, b="SK1 1AA"))
    return MatchExplanation("a:1", "b:2", 0.0001, -13.0, steps, -16.0,
                            2 ** -16 / (1 + 2 ** -16), True, "JP1", "JP2", "model.json")


def test_table_rows_run_from_the_prior_to_the_final_weight() -> None:
    result = wf.waterfall(_explanation())
    assert [(s.label, s.value_a, s.value_b, s.level, s.total, s.running)
            for s in result.steps] == [
        ("First name", "ADA", "ADA", "exact", 2.0, -11.0),
        ("Surname", "ADULT", "ADAMS", "All other comparisons", -5.0, -16.0),
        ("Postcode", "—", "SK1 1AA", "One or both records have no value", 0.0, -16.0)]


def test_chart_bars_span_each_step() -> None:
    chart = wf.waterfall(_explanation()).chart
    # Axis from -16 (ticks of 2 from -16 to 0) over 470 units starting at x=150.
    assert [t.text for t in chart.ticks] == ["-16", "-14", "-12", "-10", "-8", "-6", "-4",
                                             "-2", "0"]
    scale = wf.PLOT_WIDTH / 16
    prior, first, surname, postcode, final = chart.bars
    assert prior.x == pytest.approx(150 + 3 * scale, abs=0.1)      # -13 to 0
    assert prior.width == pytest.approx(13 * scale, abs=0.2)
    assert first.x == pytest.approx(150 + 3 * scale, abs=0.1)      # -13 to -11
    assert first.width == pytest.approx(2 * scale, abs=0.2) and first.colour == wf.FOR_COLOUR
    assert surname.x == pytest.approx(150, abs=0.1)                  # -16 to -11
    assert surname.colour == wf.AGAINST_COLOUR and surname.text == "-5.00"
    assert postcode.width == 1.0                                     # nothing: a hairline
    assert final.colour == wf.ENDS_COLOUR and final.text == "-16.00"
    assert chart.zero_x == pytest.approx(620, abs=0.1)
    assert chart.height == wf.TOP + 5 * wf.ROW_HEIGHT + 10
    assert "-13.00" in chart.description and "-16.00" in chart.description


def test_labels_stay_inside_the_chart() -> None:
    chart = wf.waterfall(_explanation()).chart
    for bar in chart.bars:
        assert (bar.anchor == "start" and bar.text_x + 50 < wf.WIDTH) or (
            bar.anchor == "end" and bar.text_x > wf.LABEL_WIDTH - 10)


@pytest.mark.parametrize(("value", "text"), [
    (0.999987, "99.9987%"), (0.995, "99.5%"), (1.0, "100%"), (0.5, "50.0%"),
    (0.00012, "0.012%"), (0.0, "0%"), (None, "—")])
def test_percent(value: float | None, text: str) -> None:
    assert percent(value) == text


def test_signed() -> None:
    assert (signed(3.254), signed(-1.5), signed(0.0), signed(None)) == (
        "+3.25", "-1.50", "+0.00", "—")
