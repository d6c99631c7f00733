"""Matching input a council's extracts really contain: records with nothing to match on, empty
columns, thousands of copies of one record, a one-record file, names in other scripts. None
of it may crash the run or make a giant false person."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from pathlib import Path

from click.testing import CliRunner, Result

from joinedup.cli import cli
from joinedup.commands.match import InputFile
from joinedup.linkage import LinkageError, MatchOptions, TrainingOptions, run_match
from joinedup.linkage.pipeline import DEFAULT_MAX_CLUSTER_SIZE

FAST = TrainingOptions(u_max_pairs=2e5)


def _people(seed: int = 9, people: int = 120, prefix: str = "R") -> list[dict[str, str]]:
    """Ordinary made-up people, one to three records each."""
    rng = random.Random(seed)
    forenames = ["Oliver", "Amelia", "Jack", "Isla", "Harry", "Ava", "Noah", "Mia", "Leo",
                 "Grace", "Aisha", "Kwame", "Zofia", "Priya", "Tomasz", "Hamza", "Niamh"]
    surnames = ["Smith", "Jones", "Taylor", "Brown", "Patel", "Khan", "Evans", "Roberts",
                "Walker", "Green", "Okafor", "Nowak", "Murphy", "Kelly", "Price", "Hughes"]
    rows = []
    for _ in range(people):
        first, last = rng.choice(forenames), rng.choice(surnames)
        dob = (dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 80))).isoformat()
        postcode = f"SK{rng.randint(1, 8)} {rng.randint(1, 9)}{rng.choice('ABDEF')}" \
                   f"{rng.choice('LNPQRS')}"
        sex = rng.choice("MF")
        for _ in range(rng.choice([1, 2, 3])):
            rows.append({"id": f"{prefix}{len(rows):05d}", "first_name": first,
                         "surname": last, "dob": dob, "sex": sex, "postcode": postcode,
                         "nhs_number": ""})
    return rows


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _clusters(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["record_id"]: row["cluster_id"] for row in csv.DictReader(handle)}


def _dedupe(tmp_path: Path, rows: list[dict[str, str]]) -> tuple[Result, dict[str, str]]:
    source, out = _write(tmp_path / "in.csv", rows), tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["match", "dedupe", str(source), "--out", str(out)])
    return result, _clusters(out) if out.is_file() else {}


def test_records_with_no_name_and_no_date_of_birth_stay_alone(tmp_path: Path) -> None:
    rows = _people()
    blanks = [{"id": f"B{n}", "first_name": "", "surname": "", "dob": "", "sex": "F",
               "postcode": "SK1 1AA", "nhs_number": ""} for n in range(30)]
    result, clusters = _dedupe(tmp_path, rows + blanks)
    assert result.exit_code == 0, result.output
    assert len(clusters) == len(rows) + len(blanks)
    # A postcode and a sex are not a person: each blank record is a person of its own.
    assert len({clusters[b["id"]] for b in blanks}) == len(blanks)


def test_an_all_empty_column_is_not_compared(tmp_path: Path) -> None:
    rows = _people()
    result, clusters = _dedupe(tmp_path, rows)  # nhs_number is empty in every row
    assert result.exit_code == 0, result.output
    by_person: dict[tuple[str, str, str], set[str]] = {}
    for row in rows:
        by_person.setdefault((row["first_name"], row["surname"], row["dob"]), set()).add(
            clusters[row["id"]])
    # Every made-up person's copies are found, with no help from the empty column.
    assert sum(len(found) == 1 for found in by_person.values()) >= 0.95 * len(by_person)


def test_a_file_with_only_empty_columns_is_a_clear_error(tmp_path: Path) -> None:
    rows = [{"id": f"E{n}", "first_name": "", "surname": " ", "dob": "", "sex": "",
             "postcode": "", "nhs_number": ""} for n in range(20)]
    result, _ = _dedupe(tmp_path, rows)
    assert isinstance(result.exception, LinkageError)  # `joinedup` prints it, exit code 2
    assert "no field has enough data to compare" in str(result.exception)


def test_ten_thousand_identical_records_make_no_giant_person(tmp_path: Path) -> None:
    ordinary = _people()
    copies = [{"id": f"C{n:05d}", "first_name": "John", "surname": "Smith",
               "dob": "1980-01-01", "sex": "M", "postcode": "SK1 1AA", "nhs_number": ""}
              for n in range(10_000)]
    model = tmp_path / "model.json"
    trained = run_match([InputFile(_write(tmp_path / "ordinary.csv", ordinary)).read()[0]],
                        MatchOptions(training=FAST, save_model=model))
    trained.close()
    both = _write(tmp_path / "copies.csv", ordinary + copies)
    run = run_match([InputFile(both).read()[0]], MatchOptions(model=model))
    try:
        sizes = Counter(run.clusters.cluster_of.values())
        # Blocking pairs two of the copies, not 50 million; the others would join the first
        # with that pair's score, up to the size cap (`test_match_resolve`). Shared by nearly
        # every record, their values carry no evidence (term frequencies), so that pair does
        # not link and no one is merged.
        assert run.pairs_scored < 20_000
        assert max(sizes.values()) <= DEFAULT_MAX_CLUSTER_SIZE
        assert sizes[run.clusters.cluster_of["C00000"]] == 1
        # The ordinary people are found as without the copies.
        assert {run.clusters.cluster_of[r["id"]] for r in ordinary} == {
            trained.clusters.cluster_of[r["id"]] for r in ordinary}
    finally:
        run.close()
    # Trained on a file that is mostly copies, the model learns little, but nothing breaks
    # and no person outgrows the cap.
    alone = run_match([InputFile(both).read()[0]], MatchOptions(training=FAST))
    try:
        assert max(Counter(alone.clusters.cluster_of.values()).values()) <= (
            DEFAULT_MAX_CLUSTER_SIZE)
    finally:
        alone.close()


def test_a_file_of_one_record_links_to_another_file(tmp_path: Path) -> None:
    rows = _people()
    one = [{**rows[0], "id": "ONLY"}]
    left, right = _write(tmp_path / "many.csv", rows), _write(tmp_path / "one.csv", one)
    out = tmp_path / "links.csv"
    result = CliRunner().invoke(cli, ["match", "link", str(left), str(right), "--out", str(out)])
    assert result.exit_code == 0, result.output
    clusters = _clusters(out)
    assert clusters["ONLY"] == clusters[rows[0]["id"]]


def test_a_file_of_one_record_cannot_train_a_model_alone(tmp_path: Path) -> None:
    result, _ = _dedupe(tmp_path, _people()[:1])
    assert isinstance(result.exception, LinkageError)
    assert "too few records" in str(result.exception)


NON_LATIN = [
    # (id, person, first name, surname, dob, postcode)
    ("U1", "ivan", "Иван", "Петров", "1971-02-03", "SK2 6AB"),
    ("U2", "ivan", "ИВАН", "ПЕТРОВ", "1971-02-03", "SK2 6AB"),
    ("U3", "pyotr", "Пётр", "Иванов", "1971-02-03", "SK2 6AB"),
    ("A1", "ali", "محمد", "علي", "1988-10-10", "SK4 1CD"),
    ("A2", "ali", "محمد", "علي", "1988-10-10", "SK4 1CD"),
    ("A3", "hassan", "حسن", "علي", "1990-04-04", "SK4 1CD"),
]


def test_names_in_other_scripts_are_compared_as_written(tmp_path: Path) -> None:
    rows = _people()
    rows += [{"id": i, "first_name": f, "surname": s, "dob": d, "sex": "M", "postcode": p,
              "nhs_number": ""} for i, _, f, s, d, p in NON_LATIN]
    # Many different people called Wang Wei (a common name), each with their own birthday.
    rows += [{"id": f"W{n}", "first_name": "伟", "surname": "王",
              "dob": (dt.date(1960, 1, 1) + dt.timedelta(days=97 * n)).isoformat(),
              "sex": "M", "postcode": f"SK{1 + n % 8} {1 + n % 9}AB", "nhs_number": ""}
             for n in range(60)]
    result, clusters = _dedupe(tmp_path, rows)
    assert result.exit_code == 0, result.output
    assert clusters["U1"] == clusters["U2"] != clusters["U3"]
    assert clusters["A1"] == clusters["A2"] != clusters["A3"]
    wang = Counter(clusters[f"W{n}"] for n in range(60))
    assert max(wang.values()) == 1
