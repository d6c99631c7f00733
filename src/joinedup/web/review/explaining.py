"""The match explanation for a pair of records, or why there is none, for both pages."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from joinedup.config import Settings
from joinedup.errors import JoinedUpError
from joinedup.linkage import explain
from joinedup.web.review.waterfall import Waterfall, waterfall

UNAVAILABLE = ("The explanation cannot be shown: the matching model or the snapshot's matching "
               "tables are not available. Ask your administrator to run joinedup link.")


@dataclass(frozen=True, slots=True)
class Explained:
    waterfall: Waterfall | None
    problem: str
    same_person: bool | None


def explained(con: duckdb.DuckDBPyConnection, settings: Settings, record_a: str,
              record_b: str) -> Explained:
    """The waterfall for two records (SOURCE:RECORD ids, never shown in a URL)."""
    try:
        result = explain.explain_pair(con, settings, record_a, record_b)
    except JoinedUpError:
        # The message names files and record ids; the page says what to do instead.
        return Explained(None, UNAVAILABLE, None)
    return Explained(waterfall(result), "", result.same_person)
