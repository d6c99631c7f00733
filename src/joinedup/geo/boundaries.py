"""Boundaries (GeoJSON) and area lookups from the reference data's geo/ folder.

Maps that draw these boundaries must show ``ATTRIBUTION``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from joinedup.errors import ReferenceDataError

ATTRIBUTION = "Contains National Statistics and OS data © Crown copyright and database right 2023"

LSOA_FILE = "stockport_lsoa_2021.geojson"
WARD_FILE = "stockport_wards_2023.geojson"
LOOKUP_FILE = "gm_lsoa21_to_ward22_lookup.csv"


@dataclass(frozen=True)
class Area:
    """A named area with its boundary (WGS84 longitude/latitude)."""

    code: str
    name: str
    geometry: BaseGeometry


def load_areas(path: Path, code_field: str = "area_code", name_field: str = "area_name",
               ) -> list[Area]:
    """Every feature of a GeoJSON FeatureCollection as an Area, sorted by code."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceDataError(
            f"{path}: cannot read boundaries ({exc}). Replace it with the GeoJSON download "
            "from the ONS Open Geography Portal."
        ) from exc
    areas: list[Area] = []
    for number, feature in enumerate(data.get("features", []), start=1):
        props = feature.get("properties") or {}
        code, name = props.get(code_field), props.get(name_field)
        if not code or not name or not feature.get("geometry"):
            raise ReferenceDataError(
                f"{path}: feature {number} lacks {code_field}, {name_field} or a geometry. "
                "Use the official boundary file."
            )
        geometry = shape(feature["geometry"])
        if not geometry.is_valid:
            geometry = shapely.make_valid(geometry)
        areas.append(Area(code=str(code), name=str(name), geometry=geometry))
    if not areas:
        raise ReferenceDataError(f"{path}: no features. Use the official boundary file.")
    return sorted(areas, key=lambda a: a.code)


def load_lsoa_ward_lookup(path: Path, lad_name: str | None = None,
                          ) -> dict[str, tuple[str, str]]:
    """LSOA 2021 code -> (ward code, ward name) from the best-fit lookup CSV."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise ReferenceDataError(f"{path}: cannot read the LSOA to ward lookup ({exc}).") from exc
    lookup: dict[str, tuple[str, str]] = {}
    for row in rows:
        if lad_name is not None and row.get("lad22nm") != lad_name:
            continue
        lookup[row["lsoa21cd"]] = (row["wd22cd"], row["wd22nm"])
    return lookup
