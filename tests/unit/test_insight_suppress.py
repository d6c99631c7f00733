"""Dashboard figures for roles without record-level access: small counts hidden with
secondary suppression (the disclosure module's), small-denominator ratios hidden."""

from __future__ import annotations

from joinedup.insight.query import DENOMINATOR, Column, HeadlineResult, TableResult
from joinedup.insight.suppress import HIDDEN, suppress_areas, suppress_headline, suppress_table


def _table(counts: list[float], dens: list[float]) -> TableResult:
    rows = [{"school": f"S{i}", "pupils": c, "rate": 50.0, "rate" + DENOMINATOR: d}
            for i, (c, d) in enumerate(zip(counts, dens, strict=True))]
    return TableResult("t", (Column("school", "School", "text"),
                             Column("pupils", "Pupils", "count"),
                             Column("rate", "Rate", "percent")), rows)


def test_small_counts_and_a_complement_are_hidden() -> None:
    out = suppress_table(_table([10.0, 3.0, 12.0, 0.0], [10, 10, 10, 10]), 5)
    pupils = [r["pupils"] for r in out.rows]
    assert pupils[1] == HIDDEN  # 3 is under 5
    assert pupils[3] == 0.0  # zeros identify no one and stay
    assert pupils.count(HIDDEN) == 2  # one more, so the total cannot give the 3 away


def test_ratios_over_few_people_are_hidden_and_the_input_is_not_changed() -> None:
    table = _table([10.0, 10.0], [4.0, 5.0])
    out = suppress_table(table, 5)
    assert [r["rate"] for r in out.rows] == [HIDDEN, 50.0]
    assert [r["rate"] for r in table.rows] == [50.0, 50.0]  # cached results stay whole


def test_headlines() -> None:
    count = HeadlineResult("n", "count", "2024", 3.0, "2023", 8.0, None, None)
    assert suppress_headline(count, 5).hidden
    rate = HeadlineResult("r", "percent", "2024", 50.0, "2023", 40.0, "red", 20.0, 4.0)
    assert suppress_headline(rate, 5).value is None
    big = HeadlineResult("r", "percent", "2024", 50.0, "2023", 40.0, "red", 20.0, 400.0)
    assert suppress_headline(big, 5) is big


def test_map_areas() -> None:
    assert suppress_areas({"a": 10.0, "b": 2.0, "c": 9.0}, True, {}, 5) >= {"b"}
    assert len(suppress_areas({"a": 10.0, "b": 2.0, "c": 9.0}, True, {}, 5)) == 2
    assert suppress_areas({"a": 50.0, "b": 10.0}, False, {"a": 3.0, "b": 30.0}, 5) == {"a"}
