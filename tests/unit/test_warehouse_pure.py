"""Pure parts of the warehouse: run ids, retention choice, count reconciliation."""

from __future__ import annotations

import datetime as dt

import pytest

from joinedup.errors import WarehouseError
from joinedup.warehouse.reconcile import count_problems
from joinedup.warehouse.runinfo import FileReport, SourceReport
from joinedup.warehouse.snapshots import RUN_ID_RE, new_run_id, run_id_time, snapshots_to_prune


def test_run_ids_have_the_documented_shape_and_sort_in_time_order() -> None:
    first = dt.datetime(2026, 11, 21, 19, 30, 12, 999_999, tzinfo=dt.UTC)
    later = [first + dt.timedelta(microseconds=1), first + dt.timedelta(days=40)]
    ids = [new_run_id(t, "ffffff" if i == 0 else "000000") for i, t in enumerate([first, *later])]
    assert ids[0] == "20261121T193012.999999Z-ffffff"
    assert all(RUN_ID_RE.match(i) for i in ids)
    assert sorted(ids) == ids  # the suffix never outranks the time
    assert run_id_time(ids[0]) == first


def test_run_ids_are_unique_and_utc() -> None:
    local = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert new_run_id(local).startswith("20260601T110000.000000Z-")
    assert len({new_run_id() for _ in range(50)}) == 50


IDS = [f"2026010{d}T000000.000000Z-aaaaaa" for d in range(1, 6)]


@pytest.mark.parametrize(
    ("current", "keep", "deleted"),
    [
        (IDS[4], 2, IDS[:3]),  # the usual case: keep the newest two
        (IDS[0], 2, IDS[1:4]),  # after a rollback: the old current stays, plus the newest
        (IDS[0], 1, IDS[1:]),
        (None, 3, IDS[:2]),
        (IDS[4], 5, []),
        (IDS[4], 9, []),
    ],
)
def test_pruning_keeps_n_and_never_the_current(
    current: str | None, keep: int, deleted: list[str]
) -> None:
    doomed = snapshots_to_prune(IDS, current, keep)
    assert doomed == deleted
    assert current not in doomed
    assert len(IDS) - len(doomed) == min(keep, len(IDS))


def test_pruning_refuses_to_keep_nothing() -> None:
    with pytest.raises(WarehouseError, match="at least 1"):
        snapshots_to_prune(IDS, IDS[0], 0)


def _source(*files: tuple[int, int, int]) -> SourceReport:
    return SourceReport("s", tuple(FileReport(f"f{i}.csv", *f, 0.1) for i, f in enumerate(files)))


def test_counts_that_add_up_pass() -> None:
    assert count_problems([_source((10, 7, 3), (0, 0, 0))]) == []


def test_a_file_whose_counts_do_not_add_up_is_named() -> None:
    problems = count_problems([_source((10, 7, 3), (5, 5, 1))])
    assert problems[0] == "s: f1.csv: read 5 rows but loaded 5 + quarantined 1"
    assert any(p.startswith("s: read 15 rows") for p in problems)


def test_negative_counts_are_problems() -> None:
    assert count_problems([_source((0, 1, -1))]) == ["s: f0.csv: negative row count"]
