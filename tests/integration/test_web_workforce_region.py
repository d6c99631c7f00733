"""The region view page and its board-paper downloads through Django's test client.

The region plan here is written by hand (a stored plan's meta.json and tables.json, as
`runs.make_plan` writes them) so the test needs no forecasting: each council of Cheshire and
Merseyside is short by (its position in the list) FTE in 2025-26 and twice that in 2026-27;
Stockport (the comparison) by 50. The published measures come from the real DfE files.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook
from web_world import signed_in
from workforce_world import tiny_plan

from joinedup.config import get_settings
from joinedup.web.workforce import runs
from joinedup.workforce.regions import find_region, load_regions

pytestmark = pytest.mark.django_db

KEY = "abcdef0123456789abcd"
REGION = "Cheshire and Merseyside"
SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def region_home(tmp_path: Path, reference_data: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("JOINEDUP_HOME", str(home))
    monkeypatch.setenv("JOINEDUP_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("JOINEDUP_REFERENCE_DATA", str(reference_data))
    monkeypatch.delenv("JOINEDUP_SOURCES", raising=False)
    get_settings.cache_clear()
    region = find_region(REGION, load_regions())
    rows = [{"scenario": "baseline", "area": council, "role": "social_worker", "year": year,
             "gap_fte": (50.0 if region.is_comparison(council) else float(i)) * k}
            for i, council in enumerate(region.members, start=1)
            for k, year in ((1, "2025-26"), (2, "2026-27"))]
    folder = runs.plans_dir(get_settings()) / KEY
    folder.mkdir(parents=True)
    meta = {"source": "region", "source_label": runs.SOURCES["region"], "name": REGION,
            "region": REGION, "areas": list(region.members), "comparison": ["Stockport"],
            "scenarios": [{"name": "baseline", "description": ""}], "made": "2026-01-01",
            "synthetic": False}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    tables = {"plan_by_year": rows, "gap_by_quarter": [], "scenarios": []}
    (folder / "tables.json").write_text(json.dumps(tables), encoding="utf-8")
    yield home
    get_settings.cache_clear()


def test_region_view_page_for_the_analyst(region_home: Path) -> None:
    analyst = signed_in("analyst", name="rv-analyst")
    response = analyst.get(f"/workforce/plan/{KEY}/region/")
    assert response.status_code == 200
    body = response.content.decode()
    for words in (f"Region view: {REGION}", "Gap per 10,000 children", "Summary",
                  "statistical neighbours", "Figures as a table", "region_view.xlsx",
                  # Wirral, ninth in the list, is 9 FTE short from the first plan year.
                  "Wirral: short from 2025-26 (9.0 FTE), reaching 18 FTE",
                  "For comparison (not in the region&#x27;s figures), Stockport is short"):
        assert words in body, words
    # The CSP holds: every script a file or a JSON data block.
    for found in SCRIPT.finditer(body):
        assert "src=" in found["attrs"] or 'type="application/json"' in found["attrs"]
    assert len([m for m in SCRIPT.finditer(body) if "application/json" in m["attrs"]]) == 4

    xlsx = analyst.get(f"/workforce/plan/{KEY}/region/social_worker/region_view.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))  # type: ignore[attr-defined]
    assert book.sheetnames == ["Summary", "Gap", "Workforce measures"]
    png = analyst.get(f"/workforce/plan/{KEY}/region/social_worker/caseload.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert b"".join(png.streaming_content).startswith(PNG)  # type: ignore[attr-defined]
    # Anything else is not found.
    for path in (f"/workforce/plan/{KEY}/region/social_worker/other.png",
                 f"/workforce/plan/{KEY}/region/youth_worker/caseload.png",
                 f"/workforce/plan/{'0' * 20}/region/"):
        assert analyst.get(path).status_code == 404, path
    # The plan pages link to it.
    assert f"/workforce/plan/{KEY}/region/" in analyst.get(
        f"/workforce/plan/{KEY}/scenarios/").content.decode()


def test_region_view_refused_to_other_roles(region_home: Path) -> None:
    for role in ("childrens_social_worker", "early_help_practitioner", "auditor"):
        client = signed_in(role, name=f"rv-{role}")
        for path in (f"/workforce/plan/{KEY}/region/",
                     f"/workforce/plan/{KEY}/region/social_worker/region_view.xlsx"):
            assert client.get(path).status_code == 404, (role, path)
    assert Client().get(f"/workforce/plan/{KEY}/region/").status_code == 302


def test_region_view_says_what_to_do_without_reference_data_or_region(
        region_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    analyst = signed_in("analyst", name="rv-analyst-2")
    monkeypatch.delenv("JOINEDUP_REFERENCE_DATA")
    get_settings.cache_clear()
    body = analyst.get(f"/workforce/plan/{KEY}/region/").content.decode()
    assert "reference data is not configured on this server" in body
    assert analyst.get(f"/workforce/plan/{KEY}/region/social_worker/caseload.png"
                       ).status_code == 404
    body = analyst.get(f"/workforce/plan/{tiny_plan()}/region/").content.decode()
    assert "not a region&#x27;s plan" in body
