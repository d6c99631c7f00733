"""Counts always reconcile: rows read == loaded + quarantined, whatever the mix of rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.sources.load import create_model_tables, load_raw
from joinedup.sources.mapping import SourceConfig
from joinedup.sources.raw import arrow_source

SOURCE = SourceConfig.model_validate({
    "name": "mix", "system": "Mix", "service": "housing", "data_current_as_of": "2026-10-31",
    "files": [{"path": "mix.csv", "targets": [
        {"entity": "person", "fields": {"source_record_id": "Ref", "dob": "DOB",
                                        "nhs_number": "NHS", "postcode": "Postcode"}},
        {"entity": "event", "fields": {"event_id": "Ref", "source_record_id": "Ref",
                                       "service": {"value": "housing"},
                                       "event_type": "Type", "event_date": "When"}},
    ]}],
})
COLUMNS = ("Ref", "DOB", "NHS", "Postcode", "Type", "When")
GOOD = {"DOB": "2001-02-03", "NHS": "943 476 5919", "Postcode": "SK1 3XE",
        "Type": "tenancy_start", "When": "2024-05-06"}
DEFECTS = {
    "DOB": ["1850-01-01", "03/02/2001", "2099-01-01"],
    "NHS": ["9434765918", "12"],
    "Postcode": ["nowhere"],
    "Type": ["party", None],
    "When": ["", "yesterday"],
}

CON = duckdb.connect()
create_model_tables(CON)

defect = st.one_of(st.none(), st.tuples(st.sampled_from(sorted(DEFECTS)), st.integers(0, 2)))
key = st.one_of(st.just("new"), st.just("none"), st.integers(0, 40))  # int: reuse a key
row_spec = st.tuples(key, defect)


@settings(max_examples=60, deadline=None)
@given(specs=st.lists(row_spec, max_size=40))
def test_counts_reconcile(specs: list[tuple[object, object]]) -> None:
    rows: list[dict[str, str | None]] = []
    expected_good = 0
    seen: set[str] = set()
    for n, (key_kind, bad) in enumerate(specs):
        row: dict[str, str | None] = {"Ref": f"R{n}", **GOOD}
        if key_kind == "none":
            row["Ref"] = None
        elif isinstance(key_kind, int) and rows:
            row["Ref"] = rows[key_kind % len(rows)]["Ref"]
        if isinstance(bad, tuple):
            options = DEFECTS[str(bad[0])]
            row[str(bad[0])] = options[int(bad[1]) % len(options)]
        # The oracle: valid rows load unless an earlier valid row had the same key.
        if bad is None and row["Ref"] is not None and row["Ref"] not in seen:
            seen.add(row["Ref"])
            expected_good += 1
        rows.append(row)
    con = CON
    for table in ("person_record", "event", "quarantine"):
        con.execute(f"DELETE FROM {table}")
    raw = arrow_source(con, Path("mix"), COLUMNS, [n + 2 for n in range(len(rows))],
                       [[r[c] for r in rows] for c in COLUMNS], typed_dates=False)
    result = load_raw(con, SOURCE, SOURCE.files[0], raw, "mix.csv")
    assert result.rows_read == len(rows)
    assert result.rows_loaded + result.rows_quarantined == result.rows_read
    assert result.rows_loaded == expected_good
    counted = con.execute("SELECT count(DISTINCT row) FROM quarantine").fetchone()
    assert counted is not None and counted[0] == result.rows_quarantined
    for table in ("person_record", "event"):
        loaded = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert loaded is not None and loaded[0] == result.rows_loaded
