"""The generated borough: files, sources.yaml, ground truth, formats and error rates."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from defusedxml import ElementTree

from joinedup.model.checks import is_valid_nhs_number, normalise_postcode
from joinedup.sources.mapping import FileFormat, load_sources_file
from joinedup.synth import generate_borough
from joinedup.synth.identifiers import is_valid_upn
from joinedup.synth.quality import profile


def _csv(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_sources_yaml_maps_every_file(small_borough: Path) -> None:
    sources, base = load_sources_file(small_borough / "sources.yaml")
    assert base == small_borough
    mapped = {f.path for s in sources.sources for f in s.files}
    manifest = json.loads((small_borough / "manifest.json").read_text(encoding="utf-8"))
    written = {f["path"] for f in manifest["files"]}
    assert mapped == written
    assert all((small_borough / p).is_file() for p in mapped)
    assert not any(p.startswith("ground_truth") for p in mapped)
    assert "ground_truth" not in (small_borough / "sources.yaml").read_text(encoding="utf-8")
    names = {s.name for s in sources.sources}
    assert {"csc_case_system", "cin_census", "ssda903", "early_help", "adult_social_care",
            "education", "health_child_health", "housing", "police", "vcse_hope_trust",
            "vcse_tame_valley", "vcse_bridges", "council_tax", "workforce"} <= names
    formats = {f.format for s in sources.sources for f in s.files}
    assert formats == set(FileFormat)
    for s in sources.sources:
        assert s.coverage_start is None or s.coverage_start <= s.data_current_as_of


def test_manifest(small_borough: Path) -> None:
    manifest = json.loads((small_borough / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 7
    assert manifest["people"] == 2000
    assert manifest["as_of"] == "2026-10-31"
    assert manifest["geography"] in ("real", "synthetic")
    assert manifest["statistics"] in ("real", "synthetic")
    assert manifest["total_rows"] == sum(f["rows"] for f in manifest["files"])
    assert 1800 <= manifest["residents_at_as_of"] <= 2200


def test_ground_truth_covers_every_record(small_borough: Path) -> None:
    truth = small_borough / "ground_truth"
    records = pq.read_table(truth / "records.parquet").to_pylist()
    people = pq.read_table(truth / "people.parquet")
    manifest = json.loads((small_borough / "manifest.json").read_text(encoding="utf-8"))
    per_file = Counter(r["file"] for r in records)
    for f in manifest["files"]:
        if f["source"] == "workforce":
            continue  # staff, not residents: the roster's truth is the roster itself
        assert per_file[f["path"]] == f["rows"], f["path"]
    ids = set(people.column("person_id").to_pylist())
    assert {f"P{r['person_id']:07d}" for r in records} <= ids
    assert people.column("household_id").null_count < people.num_rows * 0.05
    assert people.column("family_id").null_count == 0
    rel = pq.read_table(truth / "relationships.parquet").column("relationship").to_pylist()
    assert {"parent", "sibling", "half_sibling", "partner", "step_parent"} <= set(rel)


def test_cin_census_xml_structure(small_borough: Path) -> None:
    path = next((small_borough / "cin_census").glob("*.xml"))
    root = ElementTree.parse(path).getroot()
    assert root.tag == "Message"
    assert root.find("Header/CollectionDetails/Collection").text == "CIN"
    children = root.findall("Children/Child")
    assert children
    for child in children:
        ids = child.find("ChildIdentifiers")
        assert ids.find("LAchildID").text
        assert ids.find("GenderCurrent").text in {"0", "1", "2", "9"}
        assert (ids.find("UPN") is None) != (ids.find("UPNunknown") is None)
        assert child.findall("CINdetails")
        for tag in ("Forename", "Surname", "PersonName"):
            assert child.find(f".//{tag}") is None  # no names in the statutory return
    factors = root.findall(".//Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors")
    assert factors


def test_ssda903_tables(small_borough: Path) -> None:
    folder = small_borough / "ssda903"
    expected = {
        "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
        "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC",
                     "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
        "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
        "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    }
    for table, columns in expected.items():
        path = next(folder.glob(f"{table}_*.csv"))
        with path.open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == columns
    header = _csv(next(folder.glob("header_*.csv")))
    assert all(r["SEX"] in {"1", "2"} for r in header)


def test_identifiers_are_valid_except_injected(small_borough: Path) -> None:
    records = pq.read_table(small_borough / "health" / "child_health_records.parquet")
    errors = pq.read_table(small_borough / "ground_truth" / "errors.parquet").to_pylist()
    bad_rows = {e["row"] for e in errors if e["file"].endswith("child_health_records.parquet")
                and e["field"] == "person.nhs_number" and e["invalid"]}
    numbers = records.column("NHSNumber").to_pylist()
    invalid = {i + 1 for i, n in enumerate(numbers) if n and not is_valid_nhs_number(n)}
    assert invalid == bad_rows
    pupils = _csv(small_borough / "education" / "pupils.csv")
    assert all(is_valid_upn(r["UPN"]) for r in pupils)


def test_postcodes_normalise(small_borough: Path) -> None:
    rows = _csv(small_borough / "csc" / "persons.csv")
    codes = [r["POSTCODE"] for r in rows if r["POSTCODE"]]
    assert all(normalise_postcode(c.strip()) for c in codes)
    assert any(c != normalise_postcode(c.strip()) for c in codes) or len(codes) < 200


def test_error_rates_follow_the_profiles(small_borough: Path) -> None:
    errors = pq.read_table(small_borough / "ground_truth" / "errors.parquet").to_pylist()
    records = pq.read_table(small_borough / "ground_truth" / "records.parquet").to_pylist()
    files = {"csc_case_system": "csc/persons.csv", "police": "police/nominals.csv",
             "council_tax": "council_tax/liable_parties.csv", "housing": "housing/people.csv"}
    for source, path in files.items():
        rows = sum(1 for r in records if r["file"] == path)
        q = profile(source)
        kinds = Counter(e["error"] for e in errors if e["file"] == path)
        for kind, rate in (("typo", q.forename_typo + q.surname_typo),
                           ("format_variant", q.postcode_variant)):
            expected = rate * rows
            tolerance = 4 * expected**0.5 + 3
            assert abs(kinds[kind] - expected) <= tolerance, (source, kind, kinds[kind],
                                                               expected)
    # The voluntary sector is messiest, health and education the cleanest.
    for kind in ("forename_typo", "nickname", "dob_missing", "postcode_missing"):
        vcse = profile("vcse_tame_valley").as_dict()[kind]
        assert vcse > profile("csc_case_system").as_dict()[kind] > \
            profile("health_child_health").as_dict()[kind]


def test_windows_1252_and_xlsx(small_borough: Path) -> None:
    raw = (small_borough / "vcse" / "tame_valley_members.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "Bursary (£)" in text
    from openpyxl import load_workbook

    wb = load_workbook(small_borough / "vcse" / "hope_trust_referrals.xlsx", read_only=True)
    assert wb.sheetnames == ["Referrals"]


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = generate_borough(tmp_path / "a", people=600, seed=3)
    b = generate_borough(tmp_path / "b", people=600, seed=3)
    generate_borough(tmp_path / "c", people=600, seed=4)
    assert a.files == b.files
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_without_reference_data_everything_is_labelled_synthetic(tmp_path: Path) -> None:
    summary = generate_borough(tmp_path / "syn", people=500, seed=1, reference_data=None)
    assert summary.geography == "synthetic"
    assert summary.statistics == "synthetic"
    manifest = json.loads((tmp_path / "syn" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["geography"] == "synthetic"
    assert manifest["statistics"] == "synthetic"
    addresses = pq.read_table(tmp_path / "syn" / "ground_truth" / "addresses.parquet")
    wards = {w for w in addresses.column("ward_name").to_pylist() if w}
    assert all(w.endswith("(synthetic)") for w in wards)
    load_sources_file(tmp_path / "syn" / "sources.yaml")


def test_real_geography_with_reference_data(tmp_path: Path, reference_data: Path) -> None:
    summary = generate_borough(tmp_path / "real", people=400, seed=2,
                               reference_data=reference_data)
    assert summary.geography == "real"
    assert summary.statistics == "real"
    addresses = pq.read_table(tmp_path / "real" / "ground_truth" / "addresses.parquet")
    lsoas = {c for c in addresses.column("lsoa_code").to_pylist() if c}
    assert all(c.startswith("E01") for c in lsoas)
    assert len(lsoas) > 100


def test_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path: Path) -> None:
    from joinedup.errors import JoinedUpError

    council = tmp_path / "extracts"
    (council / "housing").mkdir(parents=True)
    real = council / "housing" / "tenancies.csv"
    real.write_text("a council's own extract\n")
    with pytest.raises(JoinedUpError, match="not made by `joinedup synth`"):
        generate_borough(out=council, people=200, seed=1)
    assert real.read_text() == "a council's own extract\n"

    # A folder synth made is regenerated in place.
    ours = tmp_path / "ours"
    generate_borough(out=ours, people=200, seed=1)
    generate_borough(out=ours, people=200, seed=2)
    assert (ours / "sources.yaml").is_file()


def test_weekly_attendance_looks_like_england(small_borough: Path) -> None:
    """Most pupils attend 94 to 96%; about a fifth are persistently absent year to date, a
    few severely; half-term has no sessions; the parts add up except a few injected rows."""
    import duckdb

    con = duckdb.connect()
    path = (small_borough / "education" / "attendance_weekly.csv").as_posix()
    con.execute(f"CREATE TABLE w AS SELECT * FROM read_csv('{path}', all_varchar = true)")
    weeks = [r[0] for r in con.execute("SELECT DISTINCT WeekCommencing FROM w ORDER BY 1")
             .fetchall()]
    assert weeks[0] == "2026-08-31" and weeks[-1] == "2026-10-19"  # half-term: no rows
    row = con.execute("""
        WITH p AS (SELECT PupilID, sum(SessionsPossible::INT - SessionsPresent::INT)
                              / sum(SessionsPossible::INT) AS rate FROM w GROUP BY 1)
        SELECT median(rate), avg((rate >= 0.1)::INT), avg((rate >= 0.5)::INT) FROM p
    """).fetchone()
    assert row is not None
    assert 0.03 < row[0] < 0.065 and 0.14 < row[1] < 0.28 and 0.0 < row[2] < 0.04
    odd = con.execute("SELECT count(*) FROM w WHERE SessionsPresent::INT + "
                      "SessionsAuthorisedAbsence::INT + SessionsUnauthorisedAbsence::INT <> "
                      "SessionsPossible::INT").fetchone()
    assert odd is not None and odd[0] <= max(3, 0.002 * con.execute(
        "SELECT count(*) FROM w").fetchone()[0])  # type: ignore[index]


def test_family_hubs_are_inside_their_wards(tmp_path: Path, reference_data: Path) -> None:
    """With the reference data each hub is inside the ONS boundary of the ward it names;
    without it, in the generator's own (synthetic) wards."""
    from shapely.geometry import Point

    from joinedup.geo.boundaries import WARD_FILE, load_areas

    generate_borough(tmp_path / "real", people=1500, seed=5, reference_data=reference_data)
    wards = {a.code: a.geometry for a in load_areas(reference_data / "geo" / WARD_FILE)}
    hubs = _csv(tmp_path / "real" / "gazetteer" / "family_hubs.csv")
    assert 5 <= len(hubs) <= 9 and len({h["WardCode"] for h in hubs}) == len(hubs)
    for hub in hubs:
        point = Point(float(hub["Longitude"]), float(hub["Latitude"]))
        assert wards[hub["WardCode"]].contains(point), hub["Name"]
        assert hub["Name"].endswith("Family Hub") and hub["Postcode"].startswith("SK")
    generate_borough(tmp_path / "syn", people=600, seed=5, reference_data=None)
    synthetic = _csv(tmp_path / "syn" / "gazetteer" / "family_hubs.csv")
    assert synthetic and all(h["WardCode"].startswith("X") for h in synthetic)
