"""The public open data portal and its API, on datasets built from the real reference data
and one synthetic dataset from a made-up mart. Responses are checked against the API's own
OpenAPI schema, the DCAT-AP and schema.org required properties, and the HTTP caching rules."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from jsonld_check import dcat_ap_problems, schema_org_problems
from openapi_check import validate_response

from joinedup.config import get_settings
from joinedup.opendata.build import build_all, store_for
from joinedup.opendata.sources import BuildContext, MartTable
from joinedup.opendata.spec import load_specs
from joinedup.opendata.transparency import write_accuracy
from joinedup.web.accounts.models import Profile
from joinedup.web.audit.record import append
from joinedup.web.opendata import served

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "open-data.md"
T0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
API = "/open-data/api/v1"


def send_rows() -> list[dict[str, Any]]:
    # One ward's code is a spreadsheet formula: the CSV must defuse it.
    wards = {"E05000001": (30, 20, 15), "E05000002": (25, 12, 9), "=HYPERLINK(1)": (3, 1, 1)}
    return [{"month": dt.date(2025, 3, 1), "calendar_year": 2025, "ward_code": w,
             "requests": r, "plans_issued": p, "within_20_weeks": n}
            for w, (r, p, n) in wards.items()]


RESIDENT_BANDS = ("aged_0_4", "aged_5_10", "aged_11_15", "aged_16_17", "aged_18_64",
                  "aged_65_plus", "age_not_known")


def residents_rows() -> list[dict[str, Any]]:
    """mart_residents on real Stockport LSOA codes (the map draws them); one is small."""
    lsoas = {"E01005867": (40, 45, 35, 12, 400, 150, 0),
             "E01005868": (30, 38, 31, 9, 380, 170, 0),
             "E01005869": (25, 30, 20, 8, 300, 90, 0),
             "E01005870": (2, 6, 5, 1, 50, 20, 0)}
    return [{"snapshot_date": dt.date(2026, 11, 30), "lsoa_code": code, "ward_code": "W",
             "residents": sum(c), **dict(zip(RESIDENT_BANDS, c, strict=True))}
            for code, c in lsoas.items()]


def mart_reader(name: str) -> MartTable:
    rows = residents_rows() if name == "residents" else send_rows()
    return MartTable(tuple(rows[0]), rows, False, "SNAP-T", {"E01005867": "Stockport 008C"})


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference_data: Path
           ) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("JOINEDUP_HOME", str(home))
    monkeypatch.setenv("JOINEDUP_REFERENCE_DATA", str(reference_data))
    monkeypatch.setenv("JOINEDUP_CONFIG", str(tmp_path / "none.toml"))
    get_settings.cache_clear()
    served.clear()
    specs = load_specs()
    ctx = BuildContext(reference_data, mart_reader, "SNAP-T")
    outcomes = build_all([specs[n] for n in ("childrens-social-care-demand", "stockport-areas",
                                             "childrens-social-work-workforce", "send-20-weeks",
                                             "residents-by-lsoa-and-age")],
                         ctx, store_for(get_settings()), T0)
    assert all(o.ok for o in outcomes), outcomes
    yield home
    served.clear()
    get_settings.cache_clear()


def openapi() -> dict[str, Any]:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_catalogue_lists_searches_and_filters_by_facet(portal: Path) -> None:
    client = Client()
    page = client.get("/open-data/").content.decode()
    total = len(load_specs())  # every declared dataset is listed, published or not
    assert total >= 9
    assert f"{total} of {total} datasets" in page and "Not published yet" in page
    assert "Synthetic" in page and "Real" in page
    found = client.get("/open-data/?q=social+workers").content.decode()
    assert f"1 of {total} datasets" in found and "Children&#x27;s social work workforce" in found
    faceted = client.get("/open-data/?geography=Council&data=Real").content.decode()
    assert f"2 of {total} datasets" in faceted
    period = client.get("/open-data/?period=2017").content.decode()
    assert f"2 of {total} datasets" in period  # DfE workforce and demand both cover 2017


def test_dataset_page_shows_metadata_chart_map_and_schema_org(portal: Path) -> None:
    page = Client().get("/open-data/datasets/childrens-social-care-demand/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store, max-age=0"
    body = page.content.decode()
    for text in ("Department for Education", "Open Government Licence v3.0", "Annually",
                 "Quality notes", "Last updated", "30 November 2026", "Preview", "chart-trend"):
        assert text in body, text
    block = re.search(r'<script type="application/ld\+json" id="schema-org">(.*?)</script>',
                      body, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    # schema.org Dataset as Google's Dataset guidance requires it: name and description
    # (50 to 5,000 characters), plus licence, distributions and the catalogue.
    assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
    assert data["name"] and 50 <= len(data["description"]) <= 5000
    assert data["license"].startswith("https://www.nationalarchives.gov.uk/")
    assert {d["encodingFormat"] for d in data["distribution"]} == {
        "text/csv", "application/json", "application/geo+json"}
    assert all(d["@type"] == "DataDownload" and d["contentUrl"].startswith("http")
               for d in data["distribution"])
    areas = Client().get("/open-data/datasets/stockport-areas/").content.decode()
    assert "chart-map" in areas and "Contains National Statistics and OS data" in areas


def test_synthetic_dataset_is_labelled_and_suppressed(portal: Path) -> None:
    body = Client().get("/open-data/datasets/send-20-weeks/").content.decode()
    assert "Synthetic data: made up" in body
    rows = Client().get(f"{API}/datasets/send-20-weeks/rows").json()["rows"]
    tiny = next(r for r in rows if r["ward_code"] == "=HYPERLINK(1)")
    assert tiny["requests"] is None and tiny["plans_issued"] is None
    for row in rows:
        for column in ("requests", "plans_issued", "within_20_weeks"):
            assert row[column] is None or row[column] == 0 or row[column] >= 5


def test_downloads_in_three_formats_with_validators_and_cors(portal: Path) -> None:
    client = Client()
    csv_response = client.get("/open-data/datasets/send-20-weeks.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    text = csv_response.content.decode()
    assert "'=HYPERLINK(1)" in text and ",c," in text  # escaped; hidden counts are "c"
    data = client.get("/open-data/datasets/send-20-weeks.json").json()
    assert data["dataset"] == "send-20-weeks" and data["columns"][0] == "calendar_year"
    geo = client.get("/open-data/datasets/stockport-areas.geojson")
    assert geo["Content-Type"] == "application/geo+json"
    features = geo.json()["features"]
    assert len(features) == 191 and all(f["geometry"] for f in features)
    etag, modified = geo["ETag"], geo["Last-Modified"]
    assert geo["Access-Control-Allow-Origin"] == "*" and "public" in geo["Cache-Control"]
    assert client.get("/open-data/datasets/stockport-areas.geojson",
                      HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/open-data/datasets/stockport-areas.geojson",
                      HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get("/open-data/datasets/stockport-areas.geojson",
                      HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert client.get("/open-data/datasets/childrens-social-care-demand.xlsx").status_code == 404
    assert client.post("/open-data/datasets/stockport-areas.csv").status_code in (403, 405)
    head = client.head("/open-data/datasets/stockport-areas.csv")
    assert head.status_code == 200 and head["ETag"] == client.get(
        "/open-data/datasets/stockport-areas.csv")["ETag"]


def test_api_answers_as_its_openapi_schema_says(portal: Path) -> None:
    schema = openapi()
    paths = schema["paths"]
    assert {"/open-data/api/v1/datasets", "/open-data/api/v1/datasets/{name}",
            "/open-data/api/v1/datasets/{name}/rows",
            "/open-data/api/v1/datasets/{name}/download/{fmt}"} <= set(paths)
    client = Client()
    listed = client.get(f"{API}/datasets")
    validate_response(schema, "/open-data/api/v1/datasets", 200, listed.json())
    assert listed.json()["count"] == len(load_specs())
    one = client.get(f"{API}/datasets/childrens-social-care-demand")
    validate_response(schema, "/open-data/api/v1/datasets/{name}", 200, one.json())
    page = client.get(f"{API}/datasets/childrens-social-care-demand/rows",
                      {"filter": ["la_code:E08000007", "year:2024", "year:2023"],
                       "sort": "-year", "select": "year,la_name,referrals", "limit": 1})
    validate_response(schema, "/open-data/api/v1/datasets/{name}/rows", 200, page.json())
    assert page.json()["total"] == 2 and page.json()["rows"] == [
        {"year": 2024, "la_name": "Stockport", "referrals": 3447.0}]
    second = client.get(f"{API}/datasets/childrens-social-care-demand/rows",
                        {"filter": "la_code:E08000007", "sort": "year", "offset": 1,
                         "limit": 1}).json()
    assert second["rows"][0]["year"] == 2013  # ONS population starts in 2012
    bad = client.get(f"{API}/datasets/childrens-social-care-demand/rows",
                     {"select": "surname"})
    assert bad.status_code == 400 and "has no column surname" in bad.json()["detail"]
    validate_response(schema, "/open-data/api/v1/datasets/{name}/rows", 400, bad.json())
    missing = client.get(f"{API}/datasets/nothing")
    assert missing.status_code == 404
    validate_response(schema, "/open-data/api/v1/datasets/{name}", 404, missing.json())
    assert client.get(f"{API}/datasets/childrens-social-care-demand/rows",
                      {"limit": 5000}).status_code in (400, 422)
    download = client.get(f"{API}/datasets/stockport-areas/download/csv")
    assert download.status_code == 200 and download.content.startswith(b"lsoa_code,")


def test_api_queries_the_ons_children_by_council_region_and_england(portal: Path) -> None:
    schema = openapi()
    client = Client()
    page = client.get(f"{API}/datasets/childrens-social-care-demand/rows",
                      {"filter": ["geographic_level:England", "geographic_level:Region"],
                       "sort": ["-year", "geographic_level", "la_code"],
                       "select": "year,geographic_level,la_code,la_name,children_population",
                       "limit": 3})
    assert page.status_code == 200
    validate_response(schema, "/open-data/api/v1/datasets/{name}/rows", 200, page.json())
    assert page.json()["total"] == 13 * 12  # England and 11 regions (with inner and outer
    assert page.json()["rows"] == [                                      # London), 2012-24
        {"year": 2024, "geographic_level": "England", "la_code": "E92000001",
         "la_name": "England", "children_population": 12183016.0},
        {"year": 2024, "geographic_level": "Region", "la_code": "E12000001",
         "la_name": "North East", "children_population": 542710.0},
        {"year": 2024, "geographic_level": "Region", "la_code": "E12000002",
         "la_name": "North West", "children_population": 1627558.0}]
    body = client.get("/open-data/datasets/childrens-social-care-demand/").content.decode()
    assert "Children aged 0 to 17 (ONS mid-year estimate)" in body
    assert "Source: Office for National Statistics licensed under the Open" in body
    assert "Referrals for England, from 2013 to 2024" in body  # not every row added up
    found = client.get("/open-data/?q=population+ONS").content.decode()
    assert "childrens-social-care-demand" in found


def test_synthetic_residents_by_lsoa_page_map_and_api(portal: Path) -> None:
    client = Client()
    body = client.get("/open-data/datasets/residents-by-lsoa-and-age/").content.decode()
    assert "Synthetic data: made up" in body
    assert "Residents by LSOA and age band (synthetic)" in body
    assert "chart-map" in body and "Contains National Statistics and OS data" in body
    assert "small-area population estimates" in body
    schema = openapi()
    page = client.get(f"{API}/datasets/residents-by-lsoa-and-age/rows",
                      {"filter": "lsoa_code:E01005867",
                       "select": "snapshot_date,lsoa_code,lsoa_name,residents,aged_18_64"})
    validate_response(schema, "/open-data/api/v1/datasets/{name}/rows", 200, page.json())
    assert page.json()["rows"] == [{"snapshot_date": "2026-11-30", "lsoa_code": "E01005867",
                                    "lsoa_name": "Stockport 008C", "residents": 682,
                                    "aged_18_64": 400}]
    rows = client.get(f"{API}/datasets/residents-by-lsoa-and-age/rows").json()["rows"]
    small = next(r for r in rows if r["lsoa_code"] == "E01005870")
    assert small["aged_0_4"] is None and small["aged_16_17"] is None
    assert next(r for r in rows if r["lsoa_code"] == "ALL")["lsoa_name"] == "All LSOAs"
    for row in rows:
        for band in ("residents", *RESIDENT_BANDS):
            assert row[band] is None or row[band] == 0 or row[band] >= 5
    geo = client.get("/open-data/datasets/residents-by-lsoa-and-age.geojson").json()
    assert sum(1 for f in geo["features"] if f["geometry"]) == 4


def test_the_documented_api_examples_answer(portal: Path) -> None:
    """Every curl example in docs/open-data.md, as a newcomer would paste it."""
    urls = re.findall(r"curl (?:-O )?'http://127\.0\.0\.1:8000(/open-data/[^']+)'",
                      DOCS.read_text(encoding="utf-8"))
    assert len(urls) >= 5
    client = Client()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        if "/rows" in url:
            assert response.json()["rows"], url


def test_api_conditional_get_and_cors_preflight(portal: Path) -> None:
    client = Client()
    first = client.get(f"{API}/datasets/stockport-areas/rows", {"limit": 3})
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = client.get(f"{API}/datasets/stockport-areas/rows", {"limit": 3},
                       HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    other = client.get(f"{API}/datasets/stockport-areas/rows", {"limit": 4},
                       HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200  # another query, another representation
    listed = client.get(f"{API}/datasets")
    assert client.get(f"{API}/datasets", HTTP_IF_NONE_MATCH=listed["ETag"]).status_code == 304
    preflight = client.options(f"{API}/datasets", HTTP_ORIGIN="https://example.org",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert client.post(f"{API}/datasets").status_code in (403, 405)


def test_dcat_ap_catalogue_has_the_mandatory_properties(portal: Path) -> None:
    response = Client().get("/open-data/catalogue.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    catalogue = response.json()
    context = catalogue["@context"]
    assert context["dcat"] == "http://www.w3.org/ns/dcat#"
    assert context["dct"] == "http://purl.org/dc/terms/"
    # DCAT-AP: Catalogue -> title, description, publisher, dataset (mandatory).
    assert catalogue["@type"] == "dcat:Catalog"
    for key in ("dct:title", "dct:description", "dct:publisher", "dcat:dataset"):
        assert catalogue[key], key
    assert catalogue["dct:publisher"]["foaf:name"]  # Agent -> name (mandatory)
    assert len(catalogue["dcat:dataset"]) == len(load_specs())
    for dataset in catalogue["dcat:dataset"]:
        assert dataset["@type"] == "dcat:Dataset"
        for key in ("dct:title", "dct:description"):  # Dataset (mandatory)
            assert dataset[key], key
        assert dataset["dct:publisher"]["foaf:name"]
        # Theme and frequency as concepts of the EU authority tables DCAT-AP names.
        assert re.fullmatch(r"http://publications\.europa\.eu/resource/authority/data-theme/"
                            r"(EDUC|REGI|GOVE|SOCI)", dataset["dcat:theme"]["@id"])
        assert re.fullmatch(r"http://publications\.europa\.eu/resource/authority/frequency/"
                            r"(ANNUAL|IRREG)", dataset["dct:accrualPeriodicity"]["@id"])
        for distribution in dataset["dcat:distribution"]:  # Distribution -> accessURL
            assert distribution["@type"] == "dcat:Distribution"
            assert distribution["dcat:accessURL"]["@id"].startswith("http://testserver/")
    published = [d for d in catalogue["dcat:dataset"] if "dct:modified" in d]
    assert len(published) == 5
    demand = next(d for d in catalogue["dcat:dataset"]
                  if d["dct:identifier"] == "childrens-social-care-demand")
    assert "Office for National Statistics" in demand["dct:rights"]["dct:title"]


def test_metadata_is_valid_against_the_published_vocabularies(portal: Path) -> None:
    """DCAT-AP read as RDF: every term defined by DCAT, DCMI Terms, FOAF or SKOS, DCAT-AP
    3.0.0's counts and classes, typed dates; schema.org: every type and property defined."""
    catalogue = Client().get("/open-data/catalogue.jsonld").json()
    assert dcat_ap_problems(catalogue) == []
    demand = next(d for d in catalogue["dcat:dataset"]
                  if d["dct:identifier"] == "childrens-social-care-demand")
    assert demand["dct:temporal"]["dcat:startDate"] == {"@value": "2012", "@type": "xsd:gYear"}
    send = next(d for d in catalogue["dcat:dataset"] if d["dct:identifier"] == "send-20-weeks")
    assert send["dcat:distribution"][0]["dcat:mediaType"]["@id"] == (
        "http://www.iana.org/assignments/media-types/text/csv")
    for name in load_specs():
        body = Client().get(f"/open-data/datasets/{name}/").content.decode()
        block = re.search(r'<script type="application/ld\+json" id="schema-org">(.*?)</script>',
                          body, re.S)
        assert block is not None, name
        assert schema_org_problems(json.loads(block.group(1))) == [], name


def test_the_vocabulary_checks_catch_what_a_harvester_would_reject(portal: Path) -> None:
    """The checks above can fail: a misspelt term, a key the context does not map, text
    where a resource is due, an untyped or ill-typed date, a missing mandatory property."""
    catalogue = Client().get("/open-data/catalogue.jsonld").json()
    dataset = catalogue["dcat:dataset"][0]
    dataset["dcat:distribution"][0]["dcat:accessUrl"] = dataset["dcat:distribution"][0].pop(
        "dcat:accessURL")
    dataset["title"] = "no prefix"
    dataset["dcat:distribution"][1]["dcat:mediaType"] = "text/csv"
    dataset["dcat:landingPage"] = "http://testserver/open-data/"
    dataset["dct:modified"] = "yesterday"
    periods = next(d for d in catalogue["dcat:dataset"] if "dct:temporal" in d)
    periods["dct:temporal"]["dcat:endDate"] = {"@value": "2024-25", "@type": "xsd:gYear"}
    del catalogue["dct:publisher"]
    problems = "\n".join(dcat_ap_problems(catalogue))
    for expected in ("accessUrl: not a term of", "accessURL: at least 1 needed",
                     "title: not mapped to an IRI", "text/csv is not a dct:MediaType",
                     "landingPage: 'http://testserver/open-data/' is text",
                     "modified: 'yesterday' is not a typed date",
                     "'2024-25' is not a valid xsd:gYear", "dct:publisher: at least 1 needed"):
        assert expected in problems, (expected, problems)
    page = {"@context": "https://schema.org", "@type": "Datasets", "name": "n",
            "distribution": [{"@type": "DataDownload", "contentURL": "http://x/"}]}
    assert schema_org_problems(page) == ["@type Datasets: not a schema.org type",
                                         "contentURL: not a schema.org property"]


def test_a_failed_refresh_keeps_the_data_and_says_so(portal: Path) -> None:
    store_for(get_settings()).fail("stockport-areas", "Source failed: geo/ is missing",
                                   T0 + dt.timedelta(days=1))
    body = Client().get("/open-data/datasets/stockport-areas/").content.decode()
    assert "The last refresh failed on 1 December 2026" in body
    assert "You are seeing the last good version" in body
    detail = Client().get(f"{API}/datasets/stockport-areas").json()
    assert detail["refresh_failed"] and "geo/ is missing" in detail["refresh_message"]
    assert detail["rows"] == 191
    # The changelog on the page: the version built, then the failed refresh.
    changes = body[body.index(">Changes<"):]
    assert f"new version {detail['version']}" in changes
    assert "refresh failed (Source failed: geo/ is missing)" in changes
    assert changes.index("refresh failed") < changes.index("new version")  # newest first


def test_transparency_page_is_generated_from_the_register_and_the_audit_log(
        portal: Path) -> None:
    for name, team in (("sw1", "Children's east"), ("sw2", "Children's east"),
                       ("sw3", "Children's east"), ("eh1", "Early help"),
                       ("eh2", "Early help"), ("eh3", "Early help"), ("solo", "Tiny team")):
        user = User.objects.create_user(name, password="x" * 14)
        Profile.objects.create(user=user, team=team)
    for _ in range(12):
        append("search", username="sw1")
        append("person_view", username="sw2", person_id="JP00000101")
    for _ in range(3):
        append("search", username="eh1")
    append("login", username="eh1")
    for _ in range(7):
        append("search", username="solo")
    write_accuracy({"records_evaluated": 1000, "clusters": {"precision": 0.991, "recall": 0.95,
                                                            "f1": 0.97},
                    "pairwise": {"precision": 0.99, "recall": 0.9, "f1": 0.94}},
                   get_settings().reports_dir, T0)
    response = Client().get("/open-data/transparency/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Children&#x27;s social care" in body and "Legal basis" in body
    assert "Children&#x27;s social worker" in body  # a role from the access policy
    assert "0.991" in body and "subject access request" in body
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    table = body[body.index(f">{month}<"):]
    table = table[: table.index("</table>")]
    assert "Children&#x27;s east</th>" in table
    published = [int(n) for n in re.findall(r"<td[^>]*>(\d+)</td>", table)]
    assert published and all(n == 0 or n >= 5 for n in published)
    # Early help made 3 searches: hidden, and so is a complement so totals do not give it away.
    assert re.search(r"Early help</th>\s*<td[^>]*>c</td>", table)
    assert ">3<" not in table
    # A team of one is not a row of its own: its 7 searches are with other small teams.
    assert "Tiny team" not in table and "Other teams (fewer than 3 staff each)" in table
