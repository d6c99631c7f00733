"""VCSE monthly returns through the browser: a signed-in organisation downloads its template,
uploads a return (bad cells named by file, row and field; nothing kept), sees only its own
figures, and the next plan shows the organisation, its coverage and the early help role."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from web_world import signed_in
from workforce_world import AREA, counts_csv, flat

from joinedup.config import get_settings
from joinedup.web.accounts.models import Profile
from joinedup.web.workforce import runs

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def wf_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(runs, "FORECASTER", flat)
    yield home


def _member(organisation: str, name: str) -> Client:
    client = signed_in("vcse_contributor", name=name)
    user = User.objects.get(username=name)
    Profile.objects.update_or_create(user=user, defaults={"team": organisation})
    return client


def _filled(template: bytes, rows: list[tuple[object, ...]],
            services: tuple[tuple[str, ...], ...] = ()) -> bytes:
    book = load_workbook(io.BytesIO(template))
    sheet = book["Monthly returns"]
    for row in rows:
        sheet.append(list(row))
    for service in services:
        book["Services"].append(list(service))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plan(analyst: Client) -> str:
    upload = SimpleUploadedFile("tiny.csv", counts_csv(), content_type="text/csv")
    response = analyst.post("/workforce/", {"source": "counts", "counts": upload})
    assert response.status_code == 302
    return str(response["Location"])


def test_a_vcse_return_from_template_to_plan(wf_home: Path) -> None:
    trust = _member("Tiny Town Family Trust", "vcse-trust")
    other = _member("Another Charity", "vcse-other")
    analyst = signed_in("analyst", name="wf-analyst")
    before = _plan(analyst)

    page = trust.get("/workforce/vcse/")
    assert page.status_code == 200 and "Tiny Town Family Trust" in page.content.decode()
    template = trust.get("/workforce/vcse/template.xlsx")
    assert template.status_code == 200 and template["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(template.content))
    assert book["About"]["B1"].value == "Tiny Town Family Trust"

    bad = _filled(template.content, [("2024-01", AREA, "family_support", 30, 200),
                                     ("2024-02", AREA, "knitting", -4, 100)])
    response = trust.post("/workforce/vcse/", {
        "upload": SimpleUploadedFile("march.xlsx", bad, content_type=XLSX)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "file march.xlsx, row 3, field need: &#x27;knitting&#x27; is not a need" in body
    assert "file march.xlsx, row 3, field families_supported: -4 is negative" in body
    assert "Nothing yet." in body  # a bad file keeps nothing, not even its good rows

    # Another organisation's template is refused: a user sends only their own figures.
    theirs = _filled(other.get("/workforce/vcse/template.xlsx").content,
                     [("2024-01", AREA, "family_support", 5, 10)])
    response = trust.post("/workforce/vcse/", {
        "upload": SimpleUploadedFile("theirs.xlsx", theirs, content_type=XLSX)})
    assert response.status_code == 400 and "made for &#x27;Another Charity&#x27;" in (
        response.content.decode())

    good = _filled(template.content, [(f"2024-{m:02d}", AREA, "family_support", 40 + m, 300)
                                      for m in range(1, 13)],
                   (("Parent drop-in", "Weekly drop-in for parents", "https://trust.example",
                     "hello@trust.example", "active", "Free"),))
    response = trust.post("/workforce/vcse/", {
        "upload": SimpleUploadedFile("year.xlsx", good, content_type=XLSX)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "12 rows accepted for Tiny Town Family Trust" in body and "2024-12" in body
    assert "Weekly drop-in for parents" in body
    assert "2024-12" not in other.get("/workforce/vcse/").content.decode()

    after = _plan(analyst)
    assert after != before  # a new return makes a new plan
    plan = analyst.get(after).content.decode()
    assert "Voluntary and community organisations' returns" in plan
    assert "Tiny Town Family Trust" in plan and "100%" in plan
    early_help = analyst.get(after + "export/plan_by_year.csv").getvalue().decode()
    assert "early_help_worker" in early_help
    assert "early_help_worker" not in analyst.get(
        before + "export/plan_by_year.csv").getvalue().decode()


def test_only_vcse_members_with_an_organisation_send_returns(wf_home: Path) -> None:
    for role in ("analyst", "early_help_practitioner", "administrator"):
        client = signed_in(role, name=f"not-vcse-{role}")
        assert client.get("/workforce/vcse/").status_code == 404
        assert client.get("/workforce/vcse/template.xlsx").status_code == 404
    assert _member("Some Charity", "vcse-member").get("/workforce/").status_code == 404
    loose = signed_in("vcse_contributor", name="vcse-no-team")
    page = loose.get("/workforce/vcse/")
    assert page.status_code == 200 and "not linked to an organisation" in page.content.decode()
    assert loose.get("/workforce/vcse/template.xlsx").status_code == 404
    upload = SimpleUploadedFile("r.csv", b"month,area,need,families_supported,"
                                b"practitioner_hours\n2024-01,X,other,1,1\n")
    loose.post("/workforce/vcse/", {"upload": upload})
    assert not (get_settings().web_dir / "workforce" / "vcse").exists()
