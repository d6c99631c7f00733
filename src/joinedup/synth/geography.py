"""The borough's wards and LSOAs: real Stockport boundaries when the reference data is there,
otherwise a clearly labelled synthetic grid (codes starting X, names ending "(synthetic)")."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from joinedup.geo.boundaries import (
    LOOKUP_FILE,
    LSOA_FILE,
    WARD_FILE,
    load_areas,
    load_lsoa_ward_lookup,
)
from joinedup.geo.points import locate, random_points_in

# Postcode districts by place name in a ward's name: the real SK districts of those places.
_DISTRICTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("brinnington", ("SK5", "SK1")), ("reddish", ("SK5",)), ("heaton", ("SK4",)),
    ("edgeley", ("SK3",)), ("cheadle hulme", ("SK8",)), ("cheadle", ("SK8",)),
    ("heald green", ("SK8",)), ("bramhall", ("SK7",)), ("hazel grove", ("SK7",)),
    ("norbury", ("SK7", "SK2")), ("marple south", ("SK6", "SK12")), ("marple", ("SK6",)),
    ("bredbury", ("SK6",)), ("offerton", ("SK2",)), ("davenport", ("SK3", "SK2")),
    ("manor", ("SK1", "SK2")), ("stepping hill", ("SK2", "SK7")),
)
_FALLBACK_DISTRICTS = ("SK1", "SK2", "SK3", "SK4", "SK5", "SK6", "SK7", "SK8", "SK12")

SYNTHETIC_WARDS = (
    "Northgate", "Brookvale", "Hollins Green", "Mersey Bank", "Tame Side", "Highfield",
    "Lowfold", "Fernlea", "Oakmoor", "Thornbury", "Ashcroft", "Millbrook", "Redhill",
    "Westwood", "Eastholme", "Kingsmead", "Moss Side Park", "Greenacres", "Hatherlow",
    "Ridgeway", "Cale Vale",
)


@dataclass
class Geography:
    """Wards and LSOAs, how to place addresses in them, and where the areas came from."""

    kind: str  # "real" or "synthetic"
    lsoa_code: list[str]
    lsoa_name: list[str]
    lsoa_ward: NDArray[np.int64]  # the ward most of the LSOA lies in
    ward_code: list[str]
    ward_name: list[str]
    ward_districts: list[tuple[str, ...]]
    lsoa_geometry: list[BaseGeometry] | None
    ward_geometry: list[BaseGeometry] | None
    lsoa_boxes: NDArray[np.float64] | None  # synthetic: minx, miny, maxx, maxy per LSOA
    source: str

    def locality(self, ward: int) -> str:
        """A place name for addresses in a ward (the part of the ward name before '&')."""
        name = self.ward_name[ward].replace(" (synthetic)", "")
        for sep in (" & ", " and "):
            name = name.split(sep)[0]
        for suffix in (" North", " South", " East", " West", " Central"):
            name = name.removesuffix(suffix)
        return name.strip()

    def points(self, lsoa: int, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        if self.lsoa_geometry is not None:
            return random_points_in(self.lsoa_geometry[lsoa], n, rng)
        assert self.lsoa_boxes is not None
        minx, miny, maxx, maxy = self.lsoa_boxes[lsoa]
        return np.column_stack([rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)])

    def wards_of(self, xy: NDArray[np.float64], lsoa: NDArray[np.int64]) -> NDArray[np.int64]:
        """Ward of each point (point in polygon), else the ward of its LSOA."""
        fallback = self.lsoa_ward[lsoa]
        if self.ward_geometry is None:
            return fallback
        found = locate(xy, self.ward_geometry)
        return np.where(found >= 0, found, fallback)


def _districts_for(name: str, number: int) -> tuple[str, ...]:
    lowered = name.lower()
    for key, districts in _DISTRICTS:
        if key in lowered:
            return districts
    return (_FALLBACK_DISTRICTS[number % len(_FALLBACK_DISTRICTS)],)


def real_geography(reference_dir: Path) -> Geography | None:
    """Stockport's LSOAs (2021) and wards (2023) from reference_dir/geo, or None if absent."""
    geo = reference_dir / "geo"
    lsoa_path = geo / LSOA_FILE
    if not lsoa_path.exists():
        return None
    lsoas = load_areas(lsoa_path)
    ward_path = geo / WARD_FILE
    if ward_path.exists():
        wards = load_areas(ward_path)
        centres = np.array([[a.geometry.representative_point().x,
                             a.geometry.representative_point().y] for a in lsoas])
        lsoa_ward = locate(centres, [w.geometry for w in wards])
        if (lsoa_ward < 0).any():
            lsoa_ward = np.where(lsoa_ward < 0, 0, lsoa_ward)
        ward_codes = [w.code for w in wards]
        ward_names = [w.name for w in wards]
        ward_geoms: list[BaseGeometry] | None = [w.geometry for w in wards]
        source = f"{LSOA_FILE}, {WARD_FILE}"
    else:
        lookup = load_lsoa_ward_lookup(geo / LOOKUP_FILE)
        pairs = sorted({lookup[a.code] for a in lsoas if a.code in lookup})
        ward_codes = [c for c, _ in pairs]
        ward_names = [n for _, n in pairs]
        index = {c: i for i, c in enumerate(ward_codes)}
        lsoa_ward = np.array([index.get(lookup.get(a.code, ("", ""))[0], 0) for a in lsoas])
        ward_geoms = None
        source = f"{LSOA_FILE}, {LOOKUP_FILE}"
    return Geography(
        kind="real",
        lsoa_code=[a.code for a in lsoas],
        lsoa_name=[a.name for a in lsoas],
        lsoa_ward=lsoa_ward.astype(np.int64),
        ward_code=ward_codes,
        ward_name=ward_names,
        ward_districts=[_districts_for(n, i) for i, n in enumerate(ward_names)],
        lsoa_geometry=[a.geometry for a in lsoas],
        ward_geometry=ward_geoms,
        lsoa_boxes=None,
        source=source,
    )


def synthetic_geography() -> Geography:
    """21 synthetic wards of 9 LSOAs each, on a grid near Stockport's latitude."""
    ward_names = [f"{n} (synthetic)" for n in SYNTHETIC_WARDS]
    boxes: list[tuple[float, float, float, float]] = []
    lsoa_ward: list[int] = []
    codes: list[str] = []
    names: list[str] = []
    for w in range(len(ward_names)):
        wx, wy = -2.30 + (w % 7) * 0.045, 53.34 + (w // 7) * 0.03
        for k in range(9):
            x0, y0 = wx + (k % 3) * 0.015, wy + (k // 3) * 0.01
            boxes.append((x0, y0, x0 + 0.015, y0 + 0.01))
            lsoa_ward.append(w)
            number = len(codes) + 1
            codes.append(f"X01{number:06d}")
            names.append(f"Synthetic {w + 1:03d}{chr(65 + k)}")
    return Geography(
        kind="synthetic",
        lsoa_code=codes,
        lsoa_name=names,
        lsoa_ward=np.array(lsoa_ward, dtype=np.int64),
        ward_code=[f"X05{w + 1:06d}" for w in range(len(ward_names))],
        ward_name=ward_names,
        ward_districts=[(_FALLBACK_DISTRICTS[w % len(_FALLBACK_DISTRICTS)],)
                        for w in range(len(ward_names))],
        lsoa_geometry=None,
        ward_geometry=None,
        lsoa_boxes=np.array(boxes, dtype=np.float64),
        source="synthetic grid (no reference data)",
    )


def load_geography(reference_dir: Path | None) -> Geography:
    if reference_dir is not None:
        real = real_geography(reference_dir)
        if real is not None:
            return real
    return synthetic_geography()
