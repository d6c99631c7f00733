"""family_groups: which of a set of people the family network joins (context_world.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
from context_world import build_world

from joinedup.context.groups import family_groups


def test_people_joined_through_the_set_share_a_key(tmp_path: Path) -> None:
    con = duckdb.connect(str(build_world(tmp_path / "world.duckdb")), read_only=True)
    try:
        # Amy (1) has a mother (5), a brother (6) and lived with Gus (7); Bob (2) is no kin.
        assert family_groups(con, ["JP00000006", "JP00000005", "JP00000001", "JP00000002",
                                   "JP00000007"]) == {
            "JP00000001": "JP00000001", "JP00000005": "JP00000001",
            "JP00000006": "JP00000001", "JP00000007": "JP00000001",
            "JP00000002": "JP00000002"}
        # Without Amy in the set, her mother and brother are not joined by anyone in it.
        assert family_groups(con, ["JP00000005", "JP00000006"]) == {
            "JP00000005": "JP00000005", "JP00000006": "JP00000006"}
        assert family_groups(con, []) == {}
        assert family_groups(con, ["JP00000003"]) == {"JP00000003": "JP00000003"}
    finally:
        con.close()


def test_a_snapshot_without_family_tables_joins_nobody(tmp_path: Path) -> None:
    con = duckdb.connect(str(build_world(tmp_path / "w.duckdb", family=False)), read_only=True)
    try:
        assert family_groups(con, ["JP00000001", "JP00000005"]) == {
            "JP00000001": "JP00000001", "JP00000005": "JP00000005"}
    finally:
        con.close()
