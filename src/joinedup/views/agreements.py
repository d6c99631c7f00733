"""Partners' data sharing agreements, as the public may read them.

A partner's extract (the housing association's rent accounts behind the one view of debt)
comes under a data sharing agreement recorded with its source in ``sources.yaml`` and loaded
into the warehouse's ``source_agreement`` table. Who shares what with whom, why and under
what law is public information: `published_agreements` turns the recorded rows into plain
data (strings, dates as ISO text) for a page such as the transparency page, without any
personal data, which the table never holds anyway.

Pure: `agreements_in(con)` is the one read, through the named query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb

from joinedup.errors import JoinedUpError
from joinedup.views import queries

# Field order of a published agreement; the same keys in every dict returned.
PUBLISHED_FIELDS = ("source", "organisation", "reference", "signed", "review_by", "purpose",
                    "legal_basis", "status")
STATUS_IN_FORCE = "in force"
STATUS_REVIEW_DUE = "review overdue"


class BadAgreement(JoinedUpError):
    def __init__(self, source: str, missing: str) -> None:
        super().__init__(
            f"the data sharing agreement recorded for source {source!r} has no {missing}: "
            "complete its `agreement:` in sources.yaml (organisation, reference, signed, "
            "review_by, purpose, legal_basis) and run `joinedup ingest` again.")
        self.source = source


def published_agreements(rows: Iterable[Mapping[str, Any]], *,
                         on: dt.date) -> list[dict[str, str]]:
    """Each recorded agreement as a dict of text with the keys `PUBLISHED_FIELDS`, ordered by
    organisation then reference; `status` is "in force", or "review overdue" once `on` is
    past its review date. Raises `BadAgreement` for a row missing a field."""
    out = []
    for row in rows:
        source = str(row.get("source") or "")
        for key in PUBLISHED_FIELDS[:-1]:
            if row.get(key) in (None, ""):
                raise BadAgreement(source or "(unnamed)", key)
        signed, review_by = _date(row["signed"], source), _date(row["review_by"], source)
        out.append({
            "source": source, "organisation": str(row["organisation"]),
            "reference": str(row["reference"]), "signed": signed.isoformat(),
            "review_by": review_by.isoformat(), "purpose": str(row["purpose"]),
            "legal_basis": str(row["legal_basis"]),
            "status": STATUS_REVIEW_DUE if on > review_by else STATUS_IN_FORCE,
        })
    return sorted(out, key=lambda a: (a["organisation"], a["reference"], a["source"]))


def agreements_in(con: duckdb.DuckDBPyConnection,
                  on: dt.date | None = None) -> list[dict[str, str]]:
    """The published agreements of a snapshot (none before any partner's extract is loaded),
    with their status on `on` (default: today)."""
    return published_agreements(queries.source_agreements(con), on=on or dt.date.today())


def _date(value: Any, source: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise BadAgreement(source, "valid date (YYYY-MM-DD)") from exc
