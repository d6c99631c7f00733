"""Maps: ward and LSOA boundaries from the reference data (ONS, super-generalised), each LSOA
with the ward it lies in, and a choropleth's colour classes. The web app serves the result
itself, so a map needs no tile server and fetches nothing from elsewhere.

Maps drawn from these boundaries must show `ATTRIBUTION`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import mapping

from joinedup.geo import ATTRIBUTION, load_areas, locate
from joinedup.geo.boundaries import LSOA_FILE, WARD_FILE

__all__ = ["ATTRIBUTION", "COLOURS", "Boundaries", "boundaries", "classify"]

# Five sequential blues (ColorBrewer Blues), light to dark; "no figure" is grey.
COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_VALUE = "#b1b4b6"


@dataclass(frozen=True, slots=True)
class Boundaries:
    wards: dict[str, Any]
    """GeoJSON FeatureCollection: properties code, name."""
    lsoas: dict[str, Any]
    """GeoJSON FeatureCollection: properties code, name, ward (the ward it lies in)."""
    ward_names: dict[str, str]
    lsoa_ward: dict[str, str]


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


@cache
def _load(geo_dir: str) -> Boundaries:
    folder = Path(geo_dir)
    wards = load_areas(folder / WARD_FILE)
    lsoas = load_areas(folder / LSOA_FILE)
    # An LSOA's ward: the ward holding a point inside it (2021 LSOAs nest in 2023 wards only
    # approximately; the best-fit lookup in the reference data is for 2022 wards).
    points = np.array([[p.x, p.y] for p in (a.geometry.representative_point() for a in lsoas)])
    inside = locate(points, [w.geometry for w in wards])
    lsoa_ward = {a.code: wards[int(i)].code for a, i in zip(lsoas, inside, strict=True)
                 if i >= 0}
    return Boundaries(
        wards=_collection([{"type": "Feature", "properties": {"code": w.code, "name": w.name},
                            "geometry": mapping(w.geometry)} for w in wards]),
        lsoas=_collection([{"type": "Feature",
                            "properties": {"code": a.code, "name": a.name,
                                           "ward": lsoa_ward.get(a.code, "")},
                            "geometry": mapping(a.geometry)} for a in lsoas]),
        ward_names={w.code: w.name for w in wards},
        lsoa_ward=lsoa_ward)


def boundaries(geo_dir: Path | None) -> Boundaries | None:
    """The borough's boundaries, or None without reference data (maps then say so)."""
    if geo_dir is None or not (geo_dir / WARD_FILE).is_file() or \
            not (geo_dir / LSOA_FILE).is_file():
        return None
    return _load(str(geo_dir))


def classify(values: dict[str, float | None]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A colour per area (five quantile classes) and the legend (colour, range)."""
    known = sorted(v for v in values.values() if v is not None)
    if not known:
        return {k: NO_VALUE for k in values}, []
    edges = [float(np.quantile(known, q)) for q in (0.2, 0.4, 0.6, 0.8)]
    colours = {k: NO_VALUE if v is None else COLOURS[sum(v > e for e in edges)]
               for k, v in values.items()}
    bounds = [known[0], *edges, known[-1]]
    legend = [(COLOURS[i], f"{bounds[i]:,.1f} to {bounds[i + 1]:,.1f}")
              for i in range(len(COLOURS)) if bounds[i] <= bounds[i + 1]]
    return colours, legend


def features(collection: dict[str, Any], keep: set[str] | None,
             colours: dict[str, str], values: dict[str, float | None]) -> dict[str, Any]:
    """The features to draw (all, or those whose code is in ``keep``) with colour and value."""
    out = []
    for feature in collection["features"]:
        code = feature["properties"]["code"]
        if keep is not None and code not in keep:
            continue
        props = {**feature["properties"], "colour": colours.get(code, NO_VALUE),
                 "value": values.get(code)}
        out.append({**feature, "properties": props})
    return _collection(out)
