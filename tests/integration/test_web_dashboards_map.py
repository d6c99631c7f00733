"""The map with the ONS boundaries from the reference data: borough -> ward -> LSOA."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from web_world import signed_in

from joinedup.cli import cli
from joinedup.config import get_settings
from joinedup.geo import ATTRIBUTION

pytestmark = pytest.mark.django_db


def _features(body: str) -> list[dict[str, object]]:
    found = re.search(r'<script id="jup-map-features" type="application/json">(.*?)</script>',
                      body, re.S)
    assert found is not None
    return json.loads(found.group(1))["features"]  # type: ignore[no-any-return]


def test_the_map_drills_from_the_borough_to_an_lsoa(small_borough: Path, home: Path,
                                                    reference_data: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(small_borough), "--json"])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("JOINEDUP_REFERENCE_DATA", str(reference_data))
    get_settings.cache_clear()
    analyst = signed_in("analyst", name="mapper")
    borough = analyst.get("/dashboards/csc_front_door/map/").content.decode()
    assert ATTRIBUTION in borough
    wards = _features(borough)
    assert len(wards) == 21 and all(str(f["properties"]["code"]).startswith("E05")  # type: ignore[index]
                                    for f in wards)
    ward = re.search(r'href="\?layer=0&amp;year=([^&]+)&amp;ward=(E05\d+)"', borough)
    assert ward is not None
    year, code = ward.groups()
    in_ward = analyst.get(f"/dashboards/csc_front_door/map/?layer=0&year={year}&ward={code}")
    lsoas = _features(in_ward.content.decode())
    assert lsoas and all(f["properties"]["ward"] == code for f in lsoas)  # type: ignore[index]
    lsoa = lsoas[0]["properties"]["code"]  # type: ignore[index]
    page = analyst.get(f"/dashboards/csc_front_door/map/?layer=0&year={year}&ward={code}"
                       f"&lsoa={lsoa}").content.decode()
    assert f'data-jup-lsoa="{lsoa}"' in page and "govuk-breadcrumbs" in page
    # An LSOA outside the ward chosen is ignored, not shown.
    other = analyst.get(f"/dashboards/csc_front_door/map/?layer=0&ward={code}&lsoa=E01999999")
    assert "data-jup-lsoa" not in other.content.decode()
    # Schools and family hubs are point layers (JSON for the map, a table for everyone else).
    hubs = re.search(r'<script id="jup-map-hubs" type="application/json">(.*?)</script>',
                     borough, re.S)
    assert hubs is not None
    points = json.loads(hubs.group(1))
    assert points and all({"name", "address", "postcode", "lat", "lon"} <= set(p)
                          for p in points)
    assert "data-jup-hubs" in borough and str(points[0]["name"]) in borough
    attendance = analyst.get("/dashboards/attendance/map/?layer=0").content.decode()
    assert "Persistent absence year to date" in attendance and len(_features(attendance)) == 21
