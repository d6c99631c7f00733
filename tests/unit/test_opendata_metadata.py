"""Period labels as the dates DCAT-AP and schema.org want (typed, ISO 8601)."""

from __future__ import annotations

import pytest

from joinedup.opendata.metadata import _coverage, period_bounds


@pytest.mark.parametrize(("label", "bounds"), [
    ("2024", ("2024", "2024", "xsd:gYear")),
    ("2024-25", ("2024-04-01", "2025-03-31", "xsd:date")),       # financial year
    ("2024/25", ("2024-09-01", "2025-08-31", "xsd:date")),       # academic year
    ("1999-00", ("1999-04-01", "2000-03-31", "xsd:date")),
    ("2026-11-30", ("2026-11-30", "2026-11-30", "xsd:date")),
    ("2024-03", None),                                            # a month, not a year pair
    ("2024/26", None), ("Q1 2024", None), ("", None),
])
def test_period_labels_become_dates(label: str, bounds: tuple[str, str, str] | None) -> None:
    assert period_bounds(label) == bounds


def test_coverage_spans_first_to_last_and_mixes_years_and_days() -> None:
    assert _coverage(["2012", "2024"]) == ("2012", "2024", "xsd:gYear")
    assert _coverage(["2021-22", "2025-26"]) == ("2021-04-01", "2026-03-31", "xsd:date")
    assert _coverage(["2023", "2024-10-31"]) == ("2023-01-01", "2024-10-31", "xsd:date")
    assert _coverage(["2024-10-31", "2025"]) == ("2024-10-31", "2025-12-31", "xsd:date")
    assert _coverage(["2024", "Q1 2025"]) is None
