"""Partners' data sharing agreements as the public may read them: plain text, every field,
a status from the review date, and a message saying what to fix when a field is missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest

from joinedup.views.agreements import (
    PUBLISHED_FIELDS,
    BadAgreement,
    agreements_in,
    published_agreements,
)


def _row(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source": "ha_pennine_vale", "organisation": "Pennine Vale Housing Association",
        "reference": "DSA-2026-014", "signed": dt.date(2026, 4, 1),
        "review_by": dt.date(2027, 3, 31), "purpose": "A single affordable arrangement.",
        "legal_basis": "UK GDPR Article 6(1)(e)."}
    row.update(over)
    return row


def test_agreements_are_plain_text_with_a_status() -> None:
    [published] = published_agreements([_row()], on=dt.date(2026, 10, 30))
    assert tuple(published) == PUBLISHED_FIELDS
    assert all(isinstance(v, str) for v in published.values())
    assert published["signed"] == "2026-04-01" and published["review_by"] == "2027-03-31"
    assert published["status"] == "in force"
    [late] = published_agreements([_row()], on=dt.date(2027, 4, 1))
    assert late["status"] == "review overdue"
    assert published_agreements([_row(review_by="2027-03-31")], on=dt.date(2026, 1, 1))[0][
        "review_by"] == "2027-03-31"


def test_agreements_are_ordered_by_organisation() -> None:
    rows = [_row(source="b", organisation="Zeta Homes", reference="Z-1"),
            _row(source="a", organisation="Alpha Housing", reference="A-1")]
    assert [a["organisation"] for a in published_agreements(rows, on=dt.date(2026, 1, 1))] == [
        "Alpha Housing", "Zeta Homes"]


@pytest.mark.parametrize(("field", "value"), [("reference", None), ("legal_basis", ""),
                                              ("signed", "1 April")])
def test_an_incomplete_agreement_says_what_to_fix(field: str, value: Any) -> None:
    with pytest.raises(BadAgreement, match=r"sources\.yaml") as raised:
        published_agreements([_row(**{field: value})], on=dt.date(2026, 1, 1))
    assert "ha_pennine_vale" in str(raised.value)


def test_from_a_snapshot_with_and_without_agreements() -> None:
    from joinedup.sources.schema import AGREEMENT_COLUMNS

    con = duckdb.connect()
    assert agreements_in(con) == []
    con.execute("CREATE TABLE source_agreement (" + ", ".join(
        f'"{name}" {kind}' for name, kind in AGREEMENT_COLUMNS) + ")")
    row = _row()
    con.execute("INSERT INTO source_agreement VALUES (?, ?, ?, ?, ?, ?, ?)",
                [row[name] for name, _ in AGREEMENT_COLUMNS])
    [published] = agreements_in(con, on=dt.date(2026, 10, 30))
    assert published["reference"] == "DSA-2026-014" and published["status"] == "in force"
