"""The workforce planning pages through Django's test client: who may see them, the plan from
a CSV of counts and from a tiny ingested borough's warehouse, the scenario editor's
field-named errors, and the CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from web_world import signed_in
from workforce_world import AREA, counts_csv, flat, tiny_plan

from joinedup.config import get_settings
from joinedup.synth import generate_borough
from joinedup.warehouse.ingest import run_ingest
from joinedup.web.workforce import runs

pytestmark = pytest.mark.django_db

PRACTITIONERS = ("childrens_social_worker", "early_help_practitioner", "adult_social_worker",
                 "auditor")
SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)


@pytest.fixture(scope="module")
def borough_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose warehouse holds a tiny ingested synthetic borough (400 people)."""
    root = tmp_path_factory.mktemp("wf-web")
    home = root / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINEDUP_HOME", str(home))
        patch.setenv("JOINEDUP_CONFIG", str(root / "none.toml"))
        patch.delenv("JOINEDUP_SOURCES", raising=False)
        patch.delenv("JOINEDUP_REFERENCE_DATA", raising=False)
        get_settings.cache_clear()
        generate_borough(out=root / "borough", people=400, seed=3)
        run_ingest(root / "borough" / "sources.yaml", get_settings())
    get_settings.cache_clear()
    return home


@pytest.fixture
def wf_home(borough_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("JOINEDUP_HOME", str(borough_home))
    monkeypatch.setenv("JOINEDUP_CONFIG", str(borough_home / "none.toml"))
    monkeypatch.delenv("JOINEDUP_SOURCES", raising=False)
    monkeypatch.delenv("JOINEDUP_REFERENCE_DATA", raising=False)
    monkeypatch.setattr(runs, "FORECASTER", flat)
    get_settings.cache_clear()
    yield borough_home
    get_settings.cache_clear()


@pytest.fixture
def analyst() -> Client:
    return signed_in("analyst", name="wf-analyst")


def test_pages_render_for_the_analyst_with_charts_as_json_and_tables(
        wf_home: Path, analyst: Client) -> None:
    key = tiny_plan()
    home = analyst.get("/")
    assert 'href="/workforce/"' in home.content.decode()  # the navigation link
    pages = {
        "/workforce/": ("Where the figures come from", "Make the plan", "Retention"),
        "/workforce/methodology/": ("Six Steps", "Erlang C", "MASE", "1 − shrinkage"),
        "/workforce/scenarios/": ("Scenario editor", "Caseload cap 15", "caseload_cap"),
        f"/workforce/plan/{key}/": (f"Workforce plan: {AREA}", "Fast needs at the start",
                                    "Gap P50", "Figures as a table", "gap_by_quarter.csv"),
        f"/workforce/plan/{key}/scenarios/": ("Scenario comparison", "baseline"),
    }
    for path, words in pages.items():
        response = analyst.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        for word in words:
            assert word in body, (path, word)
        # The CSP holds: every script is a file or a JSON data block, none inline.
        for found in SCRIPT.finditer(body):
            assert "src=" in found["attrs"] or 'type="application/json"' in found["attrs"], (
                path, found["attrs"])
    plan = analyst.get(f"/workforce/plan/{key}/").content.decode()
    assert "vendor/plotly/plotly.min.js" in plan and "cdn" not in plan.lower()
    blocks = [m for m in SCRIPT.finditer(plan) if "application/json" in m["attrs"]]
    # demand: referral, open_cin, open_cp; then fast/slow, supply and gap for social workers
    assert len(blocks) == 6
    assert '"gap P50"' in blocks[-1]["body"]


def test_roles_without_the_capability_get_not_found(wf_home: Path) -> None:
    key = tiny_plan()
    paths = ("/workforce/", "/workforce/methodology/", "/workforce/scenarios/",
             f"/workforce/plan/{key}/", f"/workforce/plan/{key}/scenarios/",
             f"/workforce/plan/{key}/export/gap_by_quarter.csv")
    for role in PRACTITIONERS:
        client = signed_in(role, name=f"wf-{role}")
        assert 'href="/workforce/"' not in client.get("/").content.decode()
        for path in paths:
            assert client.get(path).status_code == 404, (role, path)
    admin = signed_in("administrator", name="wf-admin")
    assert admin.get("/workforce/methodology/").status_code == 200
    assert Client().get("/workforce/").status_code == 302  # sign in first


def test_scenario_editor_names_the_bad_field_and_saves_good_ones(
        wf_home: Path, analyst: Client) -> None:
    bad = "name: Tight\nlevers:\n  caseload_cap: -5\n"
    response = analyst.post("/workforce/scenarios/", {"text": bad})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "levers.caseload_cap" in body
    assert "greater than 0" in body and 'href="#text"' in body

    upload = SimpleUploadedFile("s.yaml", b"name: Stretched\nassumptions:\n  staffing:\n"
                                          b"    shrinkage: 1.5\n")
    response = analyst.post("/workforce/scenarios/", {"upload": upload})
    assert response.status_code == 400
    assert "staffing.shrinkage" in response.content.decode()

    good = "name: Cap sixteen\ndescription: Sixteen cases each.\nlevers:\n  caseload_cap: 16\n"
    response = analyst.post("/workforce/scenarios/", {"text": good})
    assert response.status_code == 200
    assert "Scenario “Cap sixteen” saved" in response.content.decode()
    assert "saved:cap_sixteen" in analyst.get("/workforce/").content.decode()
    # Another analyst's scenarios are their own.
    other = signed_in("analyst", name="wf-analyst-2")
    assert "saved:cap_sixteen" not in other.get("/workforce/").content.decode()
    assert "caseload_cap: 16" in analyst.get(
        "/workforce/scenarios/?from=saved:cap_sixteen").content.decode()
    analyst.post("/workforce/scenarios/", {"delete": "cap_sixteen"})
    assert "saved:cap_sixteen" not in analyst.get("/workforce/").content.decode()


def test_csv_and_xlsx_exports_hold_the_plan(wf_home: Path, analyst: Client) -> None:
    key = tiny_plan()
    response = analyst.get(f"/workforce/plan/{key}/export/gap_by_quarter.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 20  # one role, 20 quarters of five years from the data's end
    assert {r["area"] for r in rows} == {AREA} and {r["role"] for r in rows} == {"social_worker"}
    for row in rows:
        # gap = required - available, each rounded to 4 places
        assert float(row["gap"]) == pytest.approx(
            float(row["required"]) - float(row["available"]), abs=2e-4)
        assert float(row["gap_p10"]) <= float(row["gap_p50"]) <= float(row["gap_p90"])

    response = analyst.get(f"/workforce/plan/{key}/export/workforce_plan.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    sheet = book["gap_by_quarter"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert first["quarter"] == rows[0]["quarter"]
    assert first["required"] == pytest.approx(float(rows[0]["required"]))

    backtest = analyst.get(f"/workforce/plan/{key}/export/backtest.csv")
    lines = b"".join(backtest.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert lines[0].startswith("area,need,model") and len(lines) == 4
    for name in ("secret.csv", "..csv", "gap_by_quarter.xlsx"):
        assert analyst.get(f"/workforce/plan/{key}/export/{name}").status_code == 404
    assert analyst.get(f"/workforce/plan/{'0' * 20}/").status_code == 404


def test_plan_from_the_warehouse_with_a_scenario(wf_home: Path, analyst: Client) -> None:
    form = {"source": "warehouse", "scenarios": ["shipped:caseload_cap_15"]}
    response = analyst.post("/workforce/", form)
    assert response.status_code == 302
    location = response["Location"]
    assert re.fullmatch(r"/workforce/plan/[0-9a-f]{20}/", location)
    key = location.split("/")[3]
    # The same inputs and scenarios are the same plan: found, not made again.
    assert analyst.post("/workforce/", form)["Location"] == location
    page = analyst.get(location).content.decode()
    assert "Planned from the warehouse" in page and "Caseload cap 15" in page
    compare = analyst.get(f"/workforce/plan/{key}/scenarios/").content.decode()
    assert "Caseload cap 15: gap P50" in compare

    stored = runs.load_plan(key, get_settings())
    assert stored is not None
    last = {r["scenario"]: r for r in stored.tables["gap_by_quarter"]
            if r["role"] == "social_worker"}
    # A lower caseload cap can only raise the social workers required.
    assert last["Caseload cap 15"]["required"] >= last["baseline"]["required"]
    assert stored.tables["flow"], "the warehouse route uses the episodes' flow model"
    # The borough's roster and early help episodes give all four practitioner roles their
    # supply, and the roster's caseloads share early help between the three early help roles.
    roles = [r for r in stored.tables["roles"] if r["scenario"] == "baseline"]
    assert [r["role"] for r in roles] == ["social_worker", "early_help_worker",
                                          "family_support_worker", "youth_worker"]
    assert all(r["in_post_fte"] and r["in_post_fte"] > 0 for r in roles), roles
    assert all(r["open_cases_at_start"] > 0 for r in roles), roles
    table = page[page.index('id="roles"'):page.index("</table>", page.index('id="roles"'))]
    for label in ("Social worker", "Early help practitioner", "Family support worker",
                  "Youth worker"):
        assert f'<th scope="row" class="govuk-table__header">{label}</th>' in table


def test_plan_from_an_uploaded_csv_and_bad_forms(wf_home: Path, analyst: Client) -> None:
    upload = SimpleUploadedFile("tiny.csv", counts_csv(), content_type="text/csv")
    response = analyst.post("/workforce/", {"source": "counts", "counts": upload})
    assert response.status_code == 302
    assert response["Location"] == f"/workforce/plan/{tiny_plan()}/"

    missing = analyst.post("/workforce/", {"source": "counts"})
    assert "Choose a CSV file of counts" in missing.content.decode()
    bad = SimpleUploadedFile("bad.csv", b"area,period,need,count\nX,2024-01,referral,-3\n")
    response = analyst.post("/workforce/", {"source": "counts", "counts": bad})
    assert response.status_code == 400
    assert "negative" in response.content.decode()
    # Without the DfE reference data a council cannot be planned, and the page says why.
    response = analyst.post("/workforce/", {"source": "council", "council": "Stockport"})
    assert response.status_code == 400
    assert "reference data is not configured" in response.content.decode()


def test_plan_with_a_staffing_file_shows_each_role_and_the_quarantined_rows(
        wf_home: Path, analyst: Client) -> None:
    staffing = ("area,role,in_post_fte,establishment_fte,agency_fte,turnover\n"
                f"{AREA},social_worker,9,12,1,0.2\n"
                f"{AREA},Youth worker,2,3,0,15%\n"
                f"{AREA},youth_worker,5,,,\n"
                f"{AREA},caretaker,1,,,\n").encode()
    response = analyst.post("/workforce/", {
        "source": "counts",
        "counts": SimpleUploadedFile("tiny.csv", counts_csv(), content_type="text/csv"),
        "supply": SimpleUploadedFile("staff.csv", staffing, content_type="text/csv")})
    assert response.status_code == 302
    # A staffing file makes another plan than the counts alone.
    assert response["Location"] != f"/workforce/plan/{tiny_plan()}/"
    key = response["Location"].split("/")[3]
    stored = runs.load_plan(key, get_settings())
    assert stored is not None
    roles = {r["role"]: r for r in stored.tables["roles"] if r["scenario"] == "baseline"}
    assert roles["social_worker"]["establishment_fte"] == 12
    assert roles["social_worker"]["vacancy_fte"] == 3
    # Youth workers have staff but no early help cases in these counts: shown at no need.
    assert roles["youth_worker"]["in_post_fte"] == 2
    assert roles["youth_worker"]["required_fte_last_quarter"] == 0
    page = analyst.get(response["Location"]).content.decode()
    assert "supply file staffing.csv: 2 role rows accepted, 2 quarantined" in page
    assert "quarantined row 5, field role: &#x27;caretaker&#x27; is not a practitioner role" in (
        page)
    assert '<th scope="row" class="govuk-table__header">Youth worker</th>' in page
