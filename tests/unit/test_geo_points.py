from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Polygon, box

from joinedup.geo import ATTRIBUTION, load_areas, load_lsoa_ward_lookup, locate, random_points_in


def test_points_fall_inside_an_awkward_polygon() -> None:
    # An L shape: half its bounding box is outside it.
    shape = Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)])
    pts = random_points_in(shape, 500, np.random.default_rng(1))
    assert pts.shape == (500, 2)
    assert shapely.contains_xy(shape, pts[:, 0], pts[:, 1]).all()
    again = random_points_in(shape, 500, np.random.default_rng(1))
    assert np.array_equal(pts, again)


def test_locate_finds_the_containing_area_or_none() -> None:
    areas = [box(0, 0, 1, 1), box(1, 0, 2, 1)]
    xy = np.array([[0.5, 0.5], [1.5, 0.5], [5.0, 5.0]])
    assert locate(xy, areas).tolist() == [0, 1, -1]


def test_load_areas_and_lookup(tmp_path: Path) -> None:
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"area_code": "E01000002", "area_name": "B"},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}},
        {"type": "Feature", "properties": {"area_code": "E01000001", "area_name": "A"},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 1], [0, 0]]]}},
    ]}
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps(geojson), encoding="utf-8")
    areas = load_areas(path)
    assert [a.code for a in areas] == ["E01000001", "E01000002"]
    lookup = tmp_path / "lookup.csv"
    lookup.write_text("lsoa21cd,lsoa21nm,wd22cd,wd22nm,lad22cd,lad22nm\n"
                      "E01000001,A,E05000001,Ward,E08000007,Stockport\n"
                      "E01000009,Z,E05000009,Other,E08000001,Bolton\n", encoding="utf-8")
    assert load_lsoa_ward_lookup(lookup, "Stockport") == {"E01000001": ("E05000001", "Ward")}
    assert "Crown copyright" in ATTRIBUTION


def test_stockport_lsoas_and_wards(reference_data: Path) -> None:
    lsoas = load_areas(reference_data / "geo" / "stockport_lsoa_2021.geojson")
    wards = load_areas(reference_data / "geo" / "stockport_wards_2023.geojson")
    assert (len(lsoas), len(wards)) == (191, 21)
    centres = np.array([[a.geometry.representative_point().x,
                         a.geometry.representative_point().y] for a in lsoas])
    assert (locate(centres, [w.geometry for w in wards]) >= 0).mean() > 0.97
