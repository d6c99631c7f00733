"""`joinedup match` end to end on a small synthetic file made here (a few hundred rows)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from joinedup.cli import cli
from joinedup.errors import ConfigError, SourceError
from joinedup.evaluation import cluster_scores
from joinedup.linkage import LinkageError
from joinedup.model.checks import nhs_check_digit

FORENAMES = [
    ("William", "Bill"), ("Margaret", "Peggy"), ("James", "Jim"), ("Elizabeth", "Liz"),
    ("Alexander", "Sandy"), ("Catherine", "Kate"), ("Muhammad", "Mohammed"), ("Thomas", "Tom"),
    ("Oliver", "Ollie"), ("Rebecca", "Becky"), ("Aisha", None), ("Siobhan", None),
    ("Priya", None), ("Kwame", None), ("Zofia", None), ("Daniel", "Dan"), ("Harriet", None),
    ("Ibrahim", None), ("Chloe", None), ("Samuel", "Sam"), ("Grace", None), ("Ryan", None),
    ("Amelia", None), ("Jack", None), ("Mia", None), ("Arjun", None), ("Leah", None),
]
SURNAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Khan", "Evans", "Thomas", "Roberts", "Smith-Jones", "O'Brien", "Kowalski", "Nguyen",
    "Okafor", "Hughes", "Walker", "Wright", "Green", "Hall", "Wood", "Clarke", "Begum",
    "Ahmed", "Murphy", "Kelly", "Lewis", "Price", "Morgan", "Bennett", "Shaw", "Mills",
]
COLUMNS = "id=person_ref,first_name=forename,surname=family_name,dob=birth_date,sex=gender," \
          "postcode=post_code,nhs_number=nhs"


def _nhs(rng: random.Random) -> str:
    while True:
        first = "".join(rng.choice("0123456789") for _ in range(9))
        check = nhs_check_digit(first)
        if check is not None and first[0] != "0":
            return f"{first}{check}"


def _typo(rng: random.Random, word: str) -> str:
    position = rng.randrange(1, len(word))
    return word[:position] + rng.choice("aeiourstn") + word[position + 1:]


def synthetic_people(seed: int = 3, people: int = 140) -> list[dict[str, str]]:
    """Made-up people, 1-4 records each, with the errors real sources make."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    for person in range(people):
        formal, nickname = rng.choice(FORENAMES)
        surname = rng.choice(SURNAMES)
        dob = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 70))
        sex = rng.choice(["Male", "Female"])
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        postcode = (f"SK{rng.randint(1, 9)} {rng.randint(1, 9)}"
                    f"{rng.choice(letters)}{rng.choice(letters)}")
        nhs = _nhs(rng) if rng.random() < 0.7 else ""
        for copy in range(rng.choice([1, 2, 2, 3, 3, 4])):
            first = nickname if nickname and rng.random() < 0.3 else formal
            family = _typo(rng, surname) if copy and rng.random() < 0.15 else surname
            birth = dob
            if copy and rng.random() < 0.1 and birth.day <= 12:
                birth = dt.date(birth.year, birth.day, birth.month)
            shown = birth.strftime("%d/%m/%Y")
            if copy and rng.random() < 0.1:
                shown = shown[:-1] + str((int(shown[-1]) + 1) % 10)
            rows.append({
                "person_ref": f"R{len(rows):04d}",
                "forename": first.upper() if rng.random() < 0.3 else first,
                "family_name": family,
                "birth_date": "" if copy and rng.random() < 0.1 else shown,
                "gender": "" if rng.random() < 0.05 else sex,
                "post_code": postcode if not copy or rng.random() < 0.8 else "SK1 1AA",
                "nhs": nhs if not copy or rng.random() < 0.8 else "",
                "person": f"P{person}",
            })
    rng.shuffle(rows)
    return rows


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("match") / "people.csv", synthetic_people())


def test_dedupe_finds_the_people_and_saves_a_reusable_model(people: Path, tmp_path: Path) -> None:
    out, model = tmp_path / "clusters.csv", tmp_path / "model.json"
    result = CliRunner().invoke(cli, ["match", "dedupe", str(people), "--out", str(out),
                                      "--columns", COLUMNS, "--save-model", str(model)])
    assert result.exit_code == 0, result.output
    rows = _read(out)
    assert list(rows[0]) == ["record_id", "cluster_id", "match_probability"]
    truth = {row["person_ref"]: row["person"] for row in _read(people)}
    assert sorted(row["record_id"] for row in rows) == sorted(truth)
    scores = cluster_scores({row["record_id"]: row["cluster_id"] for row in rows}, truth)
    assert scores.precision > 0.95
    assert scores.recall > 0.85
    singles = [row for row in rows
               if sum(r["cluster_id"] == row["cluster_id"] for r in rows) == 1]
    assert all(row["match_probability"] == "" for row in singles)

    settings = json.loads(model.read_text())
    assert {c["output_column_name"] for c in settings["comparisons"]} >= {
        "first_name", "surname", "dob", "postcode", "nhs_number"}
    again = tmp_path / "again.csv"
    reused = CliRunner().invoke(cli, ["match", "dedupe", str(people), "--out", str(again),
                                      "--columns", COLUMNS, "--model", str(model)])
    assert reused.exit_code == 0, reused.output
    assert _read(again) == rows


def test_link_adds_the_source_and_joins_across_files(tmp_path: Path) -> None:
    rows = synthetic_people(seed=11, people=80)
    first_seen: set[str] = set()
    left, right = [], []
    for row in rows:
        if row["person"] in first_seen:
            right.append({"ref": row["person_ref"], "given": row["forename"],
                          "family": row["family_name"], "born": row["birth_date"],
                          "post_code": row["post_code"], "person": row["person"]})
        else:
            first_seen.add(row["person"])
            left.append(row)
    a, b = _write(tmp_path / "social_care.csv", left), _write(tmp_path / "schools.csv", right)
    out = tmp_path / "links.csv"
    result = CliRunner().invoke(cli, [
        "match", "link", str(a), str(b), "--out", str(out), "--columns", COLUMNS,
        "--columns-b", "id=ref,first_name=given,surname=family,dob=born",
    ])
    assert result.exit_code == 0, result.output
    linked = _read(out)
    assert list(linked[0]) == ["record_id", "cluster_id", "match_probability", "source"]
    assert {row["source"] for row in linked} == {"social_care", "schools"}
    truth = {row["person_ref"]: row["person"] for row in rows}
    predicted = {row["record_id"]: row["cluster_id"] for row in linked}
    cross = [(a_row["person_ref"], b_row["ref"]) for a_row in left for b_row in right
             if a_row["person"] == b_row["person"]]
    found = sum(predicted[x] == predicted[y] for x, y in cross)
    assert found / len(cross) > 0.8
    assert cluster_scores(predicted, truth).precision > 0.95


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (["--columns", "id=person_ref,sex=sex_code"], SourceError, "column 'sex_code'"),
        (["--columns", "id"], ConfigError, "is not field=column"),
        (["--columns", COLUMNS, "--model", "missing.json"], LinkageError, "model file not found"),
        (["--columns", COLUMNS, "--extra", "shoe_size"], SourceError, "extra column 'shoe_size'"),
        (["--columns", COLUMNS, "--without-guardrail", "tripletz"], LinkageError,
         "no guardrail named tripletz; the rules are: different NHS numbers"),
        (["--columns", COLUMNS, "--guardrails", "missing.yaml"], LinkageError,
         "cannot read guardrails from missing.yaml"),
    ],
)
def test_bad_arguments_are_clear_errors(people: Path, tmp_path: Path, args: list[str],
                                        error: type[Exception], message: str) -> None:
    result = CliRunner().invoke(cli, ["match", "dedupe", str(people), "--out",
                                      str(tmp_path / "o.csv"), *args])
    assert result.exit_code != 0
    assert isinstance(result.exception, error)
    assert message in str(result.exception)


def test_unreadable_empty_and_missing_files_are_clear_errors(tmp_path: Path) -> None:
    garbage = tmp_path / "broken.parquet"
    garbage.write_bytes(b"not parquet at all")
    empty = tmp_path / "empty.csv"
    empty.write_text("person_ref,forename\n", encoding="utf-8")
    cases = [(garbage, "not a readable Parquet file"), (empty, "no records"),
             (tmp_path / "absent.csv", "the file does not exist")]
    for path, message in cases:
        result = CliRunner().invoke(cli, ["match", "dedupe", str(path), "--out",
                                          str(tmp_path / "o.csv"), "--columns", "id=person_ref"])
        assert isinstance(result.exception, SourceError), result.output
        assert message in str(result.exception)
        assert str(path) in str(result.exception)


def test_repeated_ids_are_refused(tmp_path: Path) -> None:
    rows = [{"id": "1", "surname": "Smith", "dob": "2001-01-01"},
            {"id": "1", "surname": "Jones", "dob": "2002-02-02"}]
    result = CliRunner().invoke(cli, ["match", "dedupe", str(_write(tmp_path / "d.csv", rows)),
                                      "--out", str(tmp_path / "o.csv")])
    assert isinstance(result.exception, SourceError)
    assert "ids are repeated" in str(result.exception)


def test_a_rules_file_replaces_joinedups_guardrails(people: Path, tmp_path: Path) -> None:
    """A council's own rules file is applied: here one that holds every two records apart."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - name: nobody\n    title: Never join\n"
        "    why: A rule that holds every two records apart, to show the file is used.\n"
        "    needs: [surname]\n    sql: l.unique_id <> r.unique_id\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    result = CliRunner().invoke(cli, ["match", "dedupe", str(people), "--out", str(out),
                                      "--columns", COLUMNS, "--guardrails", str(rules)])
    assert result.exit_code == 0, result.output
    clusters = [row["cluster_id"] for row in _read(out)]
    assert len(set(clusters)) == len(clusters)


def test_dates_of_birth_in_no_readable_format_are_counted_and_shown(tmp_path: Path) -> None:
    rows = synthetic_people(seed=5, people=60)
    for row in rows[:3]:
        row["birth_date"] = "15/07/83"  # a two-digit year: its century is not guessed
    rows[3]["birth_date"] = "15 July 1983"  # read
    result = CliRunner().invoke(cli, ["match", "dedupe", str(_write(tmp_path / "p.csv", rows)),
                                      "--out", str(tmp_path / "o.csv"), "--columns", COLUMNS])
    assert result.exit_code == 0, result.output
    assert "3 dates of birth in" in result.output
    assert "'15/07/83'" in result.output and "July" not in result.output
