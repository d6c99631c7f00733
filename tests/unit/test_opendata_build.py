"""Datasets declared in YAML, protected, built into the store; a failed source keeps serving."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from joinedup.errors import DisclosureError, OpenDataError
from joinedup.opendata.build import build_all
from joinedup.opendata.protect import ALL_AREAS, protect_rows
from joinedup.opendata.sources import BuildContext, MartTable, SourceUnavailable
from joinedup.opendata.spec import DatasetSpec, load_spec, load_specs
from joinedup.opendata.store import Store

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

SEND = {
    "name": "send-test", "title": "t", "description": "d", "topic": "SEND", "publisher": "p",
    "source": {"mart": "send", "group_by": ["calendar_year", "ward_code"],
               "sum": ["requests", "plans_issued", "within_20_weeks"]},
    "source_title": "mart", "method": "m", "synthetic": True,
    "geography": {"level": "ward", "column": "ward_code"},
    "disclosure": {"by": ["calendar_year"], "area": "ward_code",
                   "tables": [{"parts": ["requests"]},
                              {"parts": ["within_20_weeks"], "total": "plans_issued"}],
                   "rates": {"pct": {"numerator": "within_20_weeks",
                                     "denominator": "plans_issued"}}},
    "columns": [{"name": n, "title": n, "role": r} for n, r in [
        ("calendar_year", "period"), ("ward_code", "geography"), ("requests", "measure"),
        ("plans_issued", "measure"), ("within_20_weeks", "measure"), ("pct", "measure")]],
}


def mart_rows(year: int = 2025) -> list[dict[str, object]]:
    # Two months per ward so the build must add them up.
    wards = {"W1": (20, 12, 10), "W2": (30, 8, 3), "W3": (40, 20, 20), "W4": (2, 0, 0)}
    rows = []
    for ward, (req, plans, within) in wards.items():
        for month in (1, 2):
            rows.append({"month": dt.date(year, month, 1), "calendar_year": year,
                         "ward_code": ward, "lsoa_code": "L", "requests": req // 2 + month - 1,
                         "plans_issued": plans // 2, "within_20_weeks": within // 2,
                         "days_to_issue_sum": 0})
    return rows


def reader(rows: list[dict[str, object]], record_level: bool = False):
    def read(name: str) -> MartTable:
        return MartTable(tuple(rows[0]), rows, record_level, "SNAP1")
    return read


def test_protected_rows_hide_small_counts_and_their_complements():
    spec = DatasetSpec.model_validate(SEND)
    ctx = BuildContext(None, reader(mart_rows()))
    from joinedup.opendata.sources import rows_for
    rows = protect_rows(spec, rows_for(spec, ctx))
    by_ward = {r["ward_code"]: r for r in rows}
    assert set(by_ward) == {"W1", "W2", "W3", "W4", ALL_AREAS}
    assert by_ward["W4"]["requests"] is None  # 1 + 2 = 3: under 5
    hidden = [w for w in by_ward if by_ward[w]["requests"] is None]
    assert len(hidden) >= 2 and by_ward[ALL_AREAS]["requests"] == 96
    # W2: 8 plans, 2 within -> within hidden, and 6 late is also a small count
    assert by_ward["W2"]["within_20_weeks"] is None and by_ward["W2"]["pct"] is None
    assert by_ward["W3"]["pct"] == 100.0 or by_ward["W3"]["within_20_weeks"] is None


def test_a_failed_source_keeps_the_last_good_version_and_says_so(tmp_path: Path):
    spec = DatasetSpec.model_validate(SEND)
    store = Store(tmp_path)
    [first] = build_all([spec], BuildContext(None, reader(mart_rows()), "SNAP1"), store, T0)
    assert first.ok and store.published(spec.name).snapshot == "SNAP1"

    def broken(name: str) -> MartTable:
        raise SourceUnavailable("the mart 'send' is not in this snapshot")

    later = T0 + dt.timedelta(days=1)
    [second] = build_all([spec], BuildContext(None, broken), store, later)
    assert not second.ok and second.version == first.version and not second.refused
    assert store.published(spec.name).version == first.version
    status = store.status(spec.name)
    assert not status.ok and "not in this snapshot" in status.message and status.at == later
    kinds = [c.kind for c in store.changelog(spec.name)]
    assert kinds == ["failed", "published"]
    [third] = build_all([spec], BuildContext(None, reader(mart_rows(2026))), store, later)
    assert third.version != first.version and store.status(spec.name).ok
    assert [c.kind for c in store.changelog(spec.name)] == ["published", "failed", "published"]


def test_rebuilding_the_same_data_logs_no_change(tmp_path: Path):
    spec = DatasetSpec.model_validate(SEND)
    store = Store(tmp_path)
    build_all([spec], BuildContext(None, reader(mart_rows())), store, T0)
    build_all([spec], BuildContext(None, reader(mart_rows())), store, T0 + dt.timedelta(1))
    assert len(store.changelog(spec.name)) == 1


def test_a_record_level_mart_is_refused_at_build_time(tmp_path: Path):
    spec = DatasetSpec.model_validate(SEND)
    [out] = build_all([spec], BuildContext(None, reader(mart_rows(), record_level=True)),
                      Store(tmp_path), T0)
    assert out.refused and "one row per person" in out.message


def test_a_record_level_column_is_refused_when_declared(tmp_path: Path):
    bad = dict(SEND, name="bad")
    bad["columns"] = [*SEND["columns"], {"name": "date_of_birth", "title": "DOB"}]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(DisclosureError, match="record-level fields \\(date_of_birth\\)"):
        load_spec(path)


def test_a_record_level_field_from_the_source_is_refused(tmp_path: Path):
    spec = DatasetSpec.model_validate(SEND)
    rows = [dict(r, nhs_number="9434765919") for r in mart_rows()]
    with pytest.raises(DisclosureError, match="nhs_number"):
        protect_rows(spec, rows)


def test_a_measure_outside_every_table_is_refused():
    loose = dict(SEND)
    loose["disclosure"] = dict(SEND["disclosure"], tables=[{"parts": ["requests"]}], rates={})
    spec = DatasetSpec.model_validate(loose)
    with pytest.raises(DisclosureError, match="plans_issued, within_20_weeks"):
        protect_rows(spec, [])


def test_warehouse_counts_must_declare_disclosure(tmp_path: Path):
    bare = dict(SEND, disclosure={"threshold": 5})
    path = tmp_path / "send-test.yaml"
    path.write_text(yaml.safe_dump(bare))
    with pytest.raises(OpenDataError, match=r"disclosure\.area and disclosure\.tables"):
        load_spec(path)


def test_the_built_in_datasets_load_and_are_labelled():
    specs = load_specs()
    assert {s.synthetic for s in specs.values()} == {True, False}
    for spec in specs.values():
        assert spec.licence == "Open Government Licence v3.0"
        if spec.synthetic:
            assert "synthetic" in spec.title.lower() and not spec.disclosure.already_published


def test_real_reference_datasets_build(tmp_path: Path, reference_data: Path):
    specs = load_specs()
    wanted = [specs[n] for n in ("childrens-social-work-workforce",
                                 "childrens-social-care-demand", "stockport-areas")]
    outcomes = build_all(wanted, BuildContext(reference_data, None), Store(tmp_path), T0)
    assert all(o.ok for o in outcomes), outcomes
    demand = Store(tmp_path).published("childrens-social-care-demand")
    stockport = [r for r in demand.rows if r["la_code"] == "E08000007" and r["year"] == 2024]
    assert stockport and stockport[0]["referrals"] == 3447
    assert len(Store(tmp_path).published("stockport-areas").rows) == 191
