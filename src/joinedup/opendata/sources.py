"""Where datasets' rows come from: builders over the public reference data (DfE, ONS, ONS
geography) and aggregation of a mart from the warehouse snapshot.

Every source returns rows as dictionaries keyed by the dataset's column names. A source that
cannot be read raises ``SourceUnavailable``; the build then keeps the last good version.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joinedup.errors import DisclosureError, OpenDataError
from joinedup.opendata.spec import DatasetSpec, Source
from joinedup.reference.dfe import find_file, parse_number

Row = dict[str, Any]


class SourceUnavailable(OpenDataError):
    """A dataset's source cannot be read this run (missing reference data, no mart)."""


@dataclass(frozen=True)
class MartTable:
    """What a mart reader returns: rows, and whether the mart is about single people."""

    columns: tuple[str, ...]
    rows: list[Row]
    record_level: bool
    snapshot: str
    area_names: Mapping[str, str] = field(default_factory=dict)  # ward or LSOA code -> name


MartReader = Callable[[str], MartTable]


@dataclass(frozen=True)
class BuildContext:
    reference_dir: Path | None
    read_mart: MartReader | None
    snapshot: str | None = None


def rows_for(spec: DatasetSpec, ctx: BuildContext) -> list[Row]:
    """The dataset's rows, before disclosure control."""
    if spec.source.mart is not None:
        return aggregate_mart(spec.source, ctx)
    builder = BUILDERS.get(spec.source.builder or "")
    if builder is None:
        raise OpenDataError(f"dataset {spec.name!r}: no builder called {spec.source.builder!r}; "
                            f"the builders are {', '.join(sorted(BUILDERS))}.")
    return builder(ctx)


def aggregate_mart(source: Source, ctx: BuildContext) -> list[Row]:
    """Sum ``source.sum`` over ``source.group_by`` of the mart's rows."""
    if ctx.read_mart is None or source.mart is None:
        raise SourceUnavailable("no warehouse snapshot with marts: run `joinedup ingest` "
                                "(which builds the marts) and build again.")
    table = ctx.read_mart(source.mart)
    if table.record_level:
        raise DisclosureError(f"the mart {source.mart!r} holds one row per person: open data "
                              "publishes aggregates only. Use an aggregate mart.")
    missing = [c for c in (*source.group_by, *source.sum) if c not in table.columns]
    if missing:
        raise SourceUnavailable(f"the mart {source.mart!r} has no column "
                                f"{', '.join(missing)}; its columns are "
                                f"{', '.join(table.columns)}.")
    if not table.rows:
        raise SourceUnavailable(f"the mart {source.mart!r} has no rows in this snapshot"
                                + (f": {source.when_empty}" if source.when_empty else "."))
    totals: dict[tuple[Any, ...], list[int]] = {}
    for row in table.rows:
        month = row.get("month")
        if source.month_of_year is not None and getattr(month, "month", None) \
                != source.month_of_year:
            continue
        key = tuple(_plain(row[c]) for c in source.group_by)
        sums = totals.setdefault(key, [0] * len(source.sum))
        for i, column in enumerate(source.sum):
            sums[i] += int(row[column] or 0)
    rows = [dict(zip(source.group_by, key, strict=True)) | dict(zip(source.sum, sums, strict=True))
            for key, sums in sorted(totals.items(), key=lambda kv: tuple(map(str, kv[0])))]
    for code_column, name_column in source.names.items():
        for row in rows:
            code = str(row.get(code_column))
            row[name_column] = ("Area not known" if code == "unknown"
                                else table.area_names.get(code, code))
    return rows


def _plain(value: Any) -> Any:
    """Dates become ISO text, missing areas 'unknown': the published form of a key."""
    if value is None:
        return "unknown"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# --- Reference data (real, published by DfE and ONS) -------------------------------------

def _dfe_file(ctx: BuildContext, prefix: str) -> Path:
    if ctx.reference_dir is None:
        raise SourceUnavailable("no reference data: set JOINEDUP_REFERENCE_DATA to the folder "
                                "holding dfe/ and geo/.")
    dfe_dir = ctx.reference_dir / "dfe"
    if not dfe_dir.is_dir():
        raise SourceUnavailable(f"{dfe_dir} does not exist: point JOINEDUP_REFERENCE_DATA at the "
                                "reference data folder.")
    return find_file(dfe_dir, prefix)


LEVELS = {"Local authority": "Council", "Regional": "Region", "National": "England"}
ENGLAND = "E92000001"


def _la_rows(path: Path, levels: tuple[str, ...] = ("Local authority",),
             **equal: str) -> Iterator[Mapping[str, str]]:
    """The file's rows at the given geographic levels (councils by default)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("geographic_level") not in levels:
                    continue
                if all(row.get(k) == v for k, v in equal.items()):
                    yield row
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceUnavailable(f"{path}: cannot read ({exc}); replace it with the official "
                                "download.") from exc


def _area(row: Mapping[str, str]) -> tuple[str, str, str]:
    """(code, name, region) of a council's, a region's or England's row."""
    level = row.get("geographic_level")
    if level == "National":
        return row.get("country_code") or ENGLAND, row.get("country_name") or "England", ""
    if level == "Regional":
        name = row.get("region_name", "").strip()
        return row.get("region_code", ""), name, name
    return row["new_la_code"], row["la_name"].strip(), row.get("region_name", "").strip()


def _key(row: Mapping[str, str]) -> tuple[int, str]:
    return int(row["time_period"][:4]), _area(row)[0]


def _base(row: Mapping[str, str]) -> Row:
    year = int(row["time_period"][:4])
    code, name, region = _area(row)
    return {"year": year, "la_code": code, "la_name": name, "region": region}


def dfe_workforce(ctx: BuildContext) -> list[Row]:
    columns = {"fte": "inpost_fte", "starters_fte": "starters_fte", "leavers_fte": "leavers_fte",
               "turnover_pct": "turnover_rate_fte", "agency_pct": "agency_rate_fte",
               "vacancy_pct": "vacancy_rate_fte", "caseload": "caseload_fte"}
    return sorted(
        (_base(r) | {k: parse_number(r.get(v)) for k, v in columns.items()}
         for r in _la_rows(_dfe_file(ctx, "csww_indicators"))),
        key=lambda r: (r["year"], r["la_code"]))


def dfe_demand(ctx: BuildContext) -> list[Row]:
    merged: dict[tuple[int, str], Row] = {}

    levels = tuple(LEVELS)

    def add(path: Path, values: Mapping[str, str], **equal: str) -> None:
        for r in _la_rows(path, levels, **equal):
            row = merged.setdefault(_key(r), _base(r) | {
                "geographic_level": LEVELS[r["geographic_level"]]})
            row.update({k: parse_number(r.get(v)) for k, v in values.items()})

    add(_dfe_file(ctx, "c1_children_in_need_referrals"),
        {"referrals": "referral_count", "rereferral_pct": "rereferral_percent"})
    add(_dfe_file(ctx, "b1_children_in_need"), {"children_in_need": "At31_episodes"},
        category="Children in Need")
    add(_dfe_file(ctx, "cla_number_and_rate"),
        {"looked_after": "children_count", "looked_after_per_10k": "rate_per_10000"},
        population_type="Children looked after on 31 March each year")
    add(_dfe_file(ctx, "ons_mid-year_population"), {"children_population": "population_estimate"},
        age_group="Children aged 0 to 17 years")
    measures = ("referrals", "rereferral_pct", "children_in_need", "looked_after",
                "looked_after_per_10k", "children_population")
    for row in merged.values():
        for m in measures:
            row.setdefault(m, None)
        cin, pop = row["children_in_need"], row["children_population"]
        row["children_in_need_per_10k"] = (round(cin / pop * 10000, 1)
                                           if cin is not None and pop else None)
    order = {name: i for i, name in enumerate(("England", "Region", "Council"))}
    return sorted(merged.values(),
                  key=lambda r: (r["year"], order[r["geographic_level"]], r["la_code"]))


def stockport_areas(ctx: BuildContext) -> list[Row]:
    if ctx.reference_dir is None:
        raise SourceUnavailable("no reference data: set JOINEDUP_REFERENCE_DATA to the folder "
                                "holding geo/.")
    path = ctx.reference_dir / "geo" / "gm_lsoa21_to_ward22_lookup.csv"
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [r for r in csv.DictReader(handle) if r.get("lad22nm") == "Stockport"]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceUnavailable(f"{path}: cannot read ({exc}).") from exc
    return sorted(({"lsoa_code": r["lsoa21cd"], "lsoa_name": r["lsoa21nm"],
                    "ward_code": r["wd22cd"], "ward_name": r["wd22nm"]} for r in rows),
                  key=lambda r: r["lsoa_code"])


BUILDERS: dict[str, Callable[[BuildContext], list[Row]]] = {
    "dfe_workforce": dfe_workforce,
    "dfe_demand": dfe_demand,
    "stockport_areas": stockport_areas,
}


def columns_of(rows: Sequence[Row]) -> set[str]:
    return {k for r in rows for k in r}
