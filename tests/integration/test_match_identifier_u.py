"""An identifier's exact level that random sampling never met gets u from the value counts."""

from __future__ import annotations

import duckdb
import pyarrow as pa
from splink import DuckDBAPI
from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

from joinedup.linkage.model import build_settings, make_linker, u_from_value_counts


def _level(linker: object, comparison: str, label: str) -> object:
    for item in linker._settings_obj.comparisons:  # type: ignore[attr-defined]
        if item.output_column_name == comparison:
            for level in item.comparison_levels:
                if level.label_for_charts == label:
                    return level
    raise AssertionError(f"no level {comparison}: {label}")


def test_unobserved_identifier_u_comes_from_how_often_values_are_shared() -> None:
    con = duckdb.connect()
    # Four records hold an NHS number, two of them the same one: 2 ordered pairs of 12 share.
    con.register("rows", pa.table({
        "unique_id": ["1", "2", "3", "4", "5"],
        "nhs_number": ["4010232137", "4010232137", "9434765919", "9434765870", None],
        "upn": ["A1", "B2", "C3", "D4", "E5"],
    }))
    con.execute("CREATE TABLE p AS SELECT * FROM rows")
    linker = make_linker(DuckDBAPI(connection=con), ["p"],
                         build_settings({"nhs_number", "upn"}, [], "dedupe_only"))
    nhs = _level(linker, "nhs_number", "same number")
    upn = _level(linker, "upn", "same number")
    nhs.u_probability = LEVEL_NOT_OBSERVED_TEXT  # type: ignore[attr-defined]
    upn.u_probability = LEVEL_NOT_OBSERVED_TEXT  # type: ignore[attr-defined]
    assert nhs.u_probability == 1e-6  # type: ignore[attr-defined]  # Splink's stand-in

    filled = u_from_value_counts(linker, con, ["p"])

    assert filled == ["nhs_number: same number"]
    assert nhs.u_probability == 2 / 12  # type: ignore[attr-defined]
    # No two UPNs agree, so the level cannot occur and is left as it was.
    assert upn._u_probability == LEVEL_NOT_OBSERVED_TEXT  # type: ignore[attr-defined]


def test_a_sampled_u_is_kept() -> None:
    con = duckdb.connect()
    con.register("rows", pa.table({"unique_id": ["1", "2"], "nhs_number": ["1", "1"]}))
    con.execute("CREATE TABLE p AS SELECT * FROM rows")
    linker = make_linker(DuckDBAPI(connection=con), ["p"],
                         build_settings({"nhs_number"}, [], "dedupe_only"))
    level = _level(linker, "nhs_number", "same number")
    level.u_probability = 0.25  # type: ignore[attr-defined]
    assert u_from_value_counts(linker, con, ["p"]) == []
    assert level.u_probability == 0.25  # type: ignore[attr-defined]
