"""Copies of a much-repeated record (`prepare._copies_sql`): found exactly, so that only
records identical in every compared column are treated as one record's copies."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from joinedup.linkage.fields import resolve_mapping
from joinedup.linkage.prepare import COPIES_MIN_GROUP, prepare_records

COLUMNS = ["id", "first_name", "surname", "dob", "postcode"]


def _copies(rows: list[tuple[str, str, str, str, str]]) -> dict[str, tuple[str | None, bool]]:
    con = duckdb.connect()
    con.register("raw", pa.table({name: [row[i] for row in rows]
                                  for i, name in enumerate(COLUMNS)}))
    prepare_records(con, "raw", resolve_mapping(COLUMNS, {}), "prepared")
    return {str(key): (None if first is None else str(first), bool(unpaired))
            for key, first, unpaired in con.execute(
                "SELECT unique_id, copy_of, copy_unpaired FROM prepared").fetchall()}


def test_only_a_group_of_identical_records_over_the_threshold_is_copies() -> None:
    size = COPIES_MIN_GROUP + 1
    rows = [(f"a{n:03d}", "John", "Smith", "1980-01-01", "SK1 1AA") for n in range(size)]
    # As many records, one of which differs in one field: no group is big enough.
    rows += [(f"b{n:03d}", "Jane", "Doe", "1990-02-02", "SK2 2BB") for n in range(size - 1)]
    rows.append(("b999", "Jane", "Doe", "1990-02-03", "SK2 2BB"))
    # Just at the threshold: not copies.
    rows += [(f"c{n:03d}", "Ann", "Lee", "2001-03-03", "SK3 3CC")
             for n in range(COPIES_MIN_GROUP)]
    copies = _copies(rows)
    assert copies["a000"] == (None, False)
    assert copies["a001"] == ("a000", False)  # the first two are paired as any records
    assert all(copies[f"a{n:03d}"] == ("a000", True) for n in range(2, size))
    assert all(copies[key] == (None, False) for key in copies if not key.startswith("a"))
