"""Datasets declared in YAML, protected, built into the store; a failed source keeps serving."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def test_ons_children_aged_0_to_17_for_councils_regions_and_england(tmp_path: Path,
                                                                      reference_data: Path):
    spec = load_specs()["childrens-social-care-demand"]
    assert "ONS" in spec.title and "Office for National Statistics" in spec.attribution
    outcomes = build_all([spec], BuildContext(reference_data, None), Store(tmp_path), T0)
    assert all(o.ok for o in outcomes), outcomes
    rows = Store(tmp_path).published("childrens-social-care-demand").rows
    levels = {r["geographic_level"] for r in rows}
    assert levels == {"Council", "Region", "England"}
    years = {r["year"] for r in rows if r["children_population"] is not None}
    assert years == set(range(2012, 2025))
    england = {r["year"]: r for r in rows if r["la_code"] == "E92000001"}
    assert england[2024]["la_name"] == "England" and england[2024]["geographic_level"] == "England"
    assert england[2024]["children_population"] == 12183016
    councils = [r for r in rows if r["year"] == 2024 and r["geographic_level"] == "Council"]
    assert len(councils) >= 150 and all(r["la_code"].startswith("E0") or
                                        r["la_code"].startswith("E1") for r in councils)
    north_west = next(r for r in rows if r["year"] == 2024 and r["la_code"] == "E12000002")
    assert north_west["geographic_level"] == "Region" and north_west["la_name"] == "North West"
    stockport = next(r for r in councils if r["la_code"] == "E08000007")
    assert stockport["children_population"] == 64910 and stockport["region"] == "North West"


def residents_rows() -> list[dict[str, object]]:
    """mart_residents rows: one LSOA with every band at 5 or more, one with small counts, and
    an LSOA split over two wards (two mart rows the build adds up)."""
    on = dt.date(2026, 11, 30)
    bands = ("aged_0_4", "aged_5_10", "aged_11_15", "aged_16_17", "aged_18_64", "aged_65_plus",
             "age_not_known")
    counts = {("E01000001", "W1"): (10, 12, 9, 6, 80, 30, 0),
              ("E01000002", "W1"): (2, 7, 6, 1, 60, 25, 0),
              ("E01000003", "W1"): (5, 5, 5, 5, 20, 10, 1),
              ("E01000003", "W2"): (3, 3, 2, 1, 30, 4, 0)}
    return [{"snapshot_date": on, "lsoa_code": lsoa, "ward_code": ward,
             "residents": sum(c), **dict(zip(bands, c, strict=True))}
            for (lsoa, ward), c in counts.items()]


def test_residents_by_lsoa_are_protected_with_lsoa_and_all_lsoa_totals(tmp_path: Path):
    spec = load_specs()["residents-by-lsoa-and-age"]
    assert spec.synthetic and spec.geography is not None and spec.geography.level == "lsoa"
    assert any("ONS" in note and "small-area" in note for note in spec.quality_notes)
    outcomes = build_all([spec], BuildContext(None, reader(residents_rows())), Store(tmp_path),
                         T0)
    assert all(o.ok for o in outcomes), outcomes
    rows = {r["lsoa_code"]: r for r in Store(tmp_path).published(spec.name).rows}
    assert set(rows) == {"E01000001", "E01000002", "E01000003", ALL_AREAS}
    assert rows[ALL_AREAS]["lsoa_name"] == "All LSOAs"
    # The LSOA split over two wards is added up (51 + 43 = 94); totals are by LSOA and for
    # all LSOAs; small counts and what would give them away are hidden.
    assert rows["E01000001"]["residents"] == 147 and rows[ALL_AREAS]["residents"] == 342
    assert rows["E01000001"]["aged_18_64"] == 80 and rows[ALL_AREAS]["aged_18_64"] == 190
    assert rows["E01000002"]["aged_0_4"] is None and rows["E01000002"]["aged_16_17"] is None
    assert rows["E01000003"]["age_not_known"] is None
    hidden = [r["residents"] for r in rows.values() if r["lsoa_code"] != ALL_AREAS]
    assert hidden.count(None) != 1  # one hidden LSOA total would be a subtraction away
    measures = spec.measures
    for row in rows.values():
        assert row["snapshot_date"] == "2026-11-30"
        for m in measures:
            assert row[m] is None or row[m] == 0 or row[m] >= 5, (row["lsoa_code"], m)
        shown = [row[m] for m in measures[1:]]
        if None not in shown and row["residents"] is not None:
            assert sum(shown) == row["residents"]


def test_an_empty_residents_mart_says_to_run_the_link(tmp_path: Path):
    spec = load_specs()["residents-by-lsoa-and-age"]
    empty = MartTable(tuple(residents_rows()[0]), [], False, "SNAP1")
    outcome = build_all([spec], BuildContext(None, lambda _: empty), Store(tmp_path), T0)[0]
    assert not outcome.ok and not outcome.refused and "joinedup link" in outcome.message


RATES = "children-in-need-and-looked-after-rates-by-ward"


@st.composite
def ward_stocks(draw: st.DrawFn) -> list[dict[str, object]]:
    """The child_rates mart summed by ward: many small counts, CLA within CIN."""
    rows = []
    for i in range(draw(st.integers(2, 7))):
        children = draw(st.one_of(st.integers(0, 8), st.integers(9, 3000)))
        cin = draw(st.one_of(st.integers(0, 6), st.integers(0, 120)))
        cla = draw(st.integers(0, cin))
        rows.append({"financial_year": "2025-26", "ward_code": f"E0500000{i}",
                     "ward_name": f"Ward {i}", "children_in_need": cin,
                     "children_looked_after": cla, "children": children})
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ward_stocks(), rounding=st.sampled_from([None, 5]))
def test_a_rate_per_10000_reveals_no_hidden_count(rows: list[dict[str, object]],
                                                  rounding: int | None) -> None:
    """The shipped rates dataset: a rate is published only beside both of its counts and is
    exactly their quotient, so it says nothing the published counts do not (a rate beside a
    hidden count, or worked out from the true counts, would give the count away: rate x
    children / 10,000). With rounding the rate is of the rounded counts."""
    spec = load_specs()[RATES]
    if rounding is not None:
        spec = spec.model_copy(update={"disclosure": spec.disclosure.model_copy(
            update={"rounding": rounding})})
    published = protect_rows(spec, rows)
    truth = {r["ward_code"]: r for r in rows}
    for row in published:
        for name, rate in spec.disclosure.rates.items():
            num, den = row[rate.numerator], row[rate.denominator]
            assert num is None or num == 0 or num >= 5
            if num is None or den in (None, 0):
                assert row[name] is None, (row, name)
            else:
                assert row[name] == round(num / den * 10_000, 1)
        if rounding is None and row["ward_code"] in truth:
            for column in ("children_in_need", "children_looked_after", "children"):
                assert row[column] in (None, truth[row["ward_code"]][column])
