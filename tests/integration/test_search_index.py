"""Single-record search and fast explain on the small synthetic borough, ingested and linked.

The consistency checks are what keep search honest when comparisons, preparation or keys
change: query preparation against `prepare_records`, every level condition against DuckDB,
whole match weights against Splink's own predictions, and query keys against the index's.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from splink import DuckDBAPI

import joinedup.linkage.explain as explain
from joinedup.config import Settings, get_settings
from joinedup.linkage.conditions import Env
from joinedup.linkage.fields import resolve_mapping
from joinedup.linkage.frequencies import count_frequencies, use_frequencies
from joinedup.linkage.model import LinkageError, load_model, make_linker, with_link_type
from joinedup.linkage.prepare import PREPARED_COLUMNS, prepare_records
from joinedup.linkage.scoring import column_arrays, scorer_for
from joinedup.linkage.search import SearchIndex, SearchQuery
from joinedup.linkage.search_keys import SEARCH_KEYS, key_hash, query_keys
from joinedup.linkage.search_query import TABLE_COLUMNS, standard_record, trimmed
from joinedup.linkage.search_tables import SEARCH_TABLES
from joinedup.linkage.warehouse_link import model_path
from joinedup.warehouse.snapshots import SnapshotStore
from linked_borough import LinkedBorough

RAW = ("first_name", "middle_names", "surname", "dob", "sex", "postcode", "nhs_number", "upn")


@dataclass(frozen=True)
class Linked:
    settings: Settings
    snapshot: Path
    model: dict[str, Any]
    index: SearchIndex
    records: list[dict[str, Any]]
    """search_record rows in link order, with the raw fields and the true person."""
    tf: dict[tuple[str, str], float]


@pytest.fixture(scope="module")
def linked(small_borough: Path, linked_borough: LinkedBorough,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Linked]:
    root = tmp_path_factory.mktemp("search")
    linked_borough.copy_to(root / "home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINEDUP_HOME", str(root / "home"))
        patch.setenv("JOINEDUP_CONFIG", str(root / "no-such.toml"))
        patch.delenv("JOINEDUP_SOURCES", raising=False)
        patch.delenv("JOINEDUP_REFERENCE_DATA", raising=False)
        get_settings.cache_clear()
        settings = get_settings()
        store = SnapshotStore.from_settings(settings)
        current = store.current_id()
        assert current is not None
        snapshot_path = store.path(current)
        model = load_model(model_path(settings))
        with duckdb.connect(str(snapshot_path), read_only=True) as con:
            relation = con.sql(f"""
                SELECT s.*, {", ".join(f"p.{c} AS raw_{c}" for c in RAW)}, t.person_id AS truth
                FROM search_record AS s
                JOIN (SELECT *, lpad(CAST(row_number() OVER (ORDER BY source,
                          source_record_id, _file, _row) AS VARCHAR), 10, '0') AS k
                      FROM person_record) AS p ON p.k = s.link_key
                LEFT JOIN (SELECT DISTINCT source, record_id, person_id FROM read_parquet(?))
                    AS t ON t.source = s.source AND t.record_id = s.source_record_id
                ORDER BY s.link_key
            """, params=[str(small_borough / "ground_truth" / "records.parquet")])
            records = [dict(zip(relation.columns, row, strict=True))
                       for row in relation.fetchall()]
            tf = {(str(c), str(v)): float(f) for c, v, f in con.execute(
                "SELECT column_name, value, tf FROM search_tf").fetchall()}
        index = SearchIndex.open(snapshot_path, model_path(settings))
        yield Linked(settings, snapshot_path, model, index, records, tf)
    get_settings.cache_clear()


def _prepared(record: dict[str, Any]) -> dict[str, Any]:
    return {c: tuple(record[c]) if isinstance(record[c], list) else record[c]
            for c in PREPARED_COLUMNS}


# --- consistency -------------------------------------------------------------------------

AWKWARD = [
    {"first_name": " Mary-Jane ", "surname": "O'Brien-Smith", "dob": "1/2/2003", "sex": "Female",
     "postcode": "sk11aa", "nhs_number": "943 476 5919", "upn": "a123-456-789-012"},
    {"first_name": "Baby", "surname": "Baby of Kowalski", "dob": "2003-02-01T10:00",
     "sex": " m ", "postcode": "SK1  1AA", "nhs_number": "0000000000", "upn": "A12345678901"},
    {"first_name": "Dr", "middle_names": "John Paul", "surname": "Siân", "dob": "1847-72-18",
     "sex": "X", "postcode": "EC1A-1BB", "nhs_number": "12345", "upn": None},
    {"first_name": "Bill", "surname": "SMITH JONES", "dob": "20030201", "sex": "2",
     "postcode": "XX", "nhs_number": "1111111112", "upn": "A123456789012"},
    {"first_name": "Twin 2", "surname": "Unknown", "dob": "2003/02/01", "sex": "boy",
     "postcode": "m11ae", "nhs_number": None, "upn": None},
    {"first_name": "Æthelred", "surname": "Große", "dob": "01.02.2003", "sex": "MALE",
     "postcode": "W1A 0AX", "nhs_number": "943-476-5919"},
]


def _prepare(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`prepare_records` on raw fields (no source: a record's own fields only), without the
    columns that describe the whole table."""
    con = duckdb.connect()
    fields = ["id", *RAW]
    con.register("raw", pa.table({f: [str(i) if f == "id" else row.get(f)
                                      for i, row in enumerate(rows)] for f in fields},
                                 schema=pa.schema([(f, pa.string()) for f in fields])))
    prepare_records(con, "raw", resolve_mapping(fields, {}), "prepared")
    relation = con.sql("SELECT * FROM prepared ORDER BY CAST(unique_id AS INTEGER)")
    return [{**_prepared(dict(zip(relation.columns, values, strict=True))),
             **TABLE_COLUMNS} for values in relation.fetchall()]


def test_query_preparation_matches_prepare_records(linked: Linked) -> None:
    assert set(standard_record()) == set(PREPARED_COLUMNS)
    raw = [{c: None if r[f"raw_{c}"] is None else str(r[f"raw_{c}"]) for c in RAW}
           for r in linked.records]
    for rows in (raw, AWKWARD):
        for row, expected in zip(rows, _prepare(rows), strict=True):
            assert standard_record(**{c: trimmed(row.get(c)) for c in RAW}) == expected, row


def _pairs(records: list[dict[str, Any]], count: int) -> list[tuple[int, int]]:
    """Random pairs plus pairs sharing a surname, date of birth or postcode (so that every
    level, not only "else", is reached)."""
    rng = random.Random(11)
    pairs = [tuple(sorted(rng.sample(range(len(records)), 2))) for _ in range(count)]
    for column in ("surname", "dob", "postcode", "forename_key", "dob_year"):
        groups: dict[Any, list[int]] = {}
        for number, record in enumerate(records):
            if record[column] is not None:
                groups.setdefault(record[column], []).append(number)
        shared = [g for g in groups.values() if len(g) > 1]
        for _ in range(count // 2):
            group = rng.choice(shared)
            pairs.append(tuple(sorted(rng.sample(group, 2))))
    return [(a, b) for a, b in dict.fromkeys(pairs)]


def test_every_level_condition_agrees_with_duckdb(linked: Linked) -> None:
    scorer = scorer_for(linked.model)
    records = linked.records
    pairs = _pairs(records, 600)
    con = duckdb.connect()
    con.register("pair_rows", pa.table({
        "pair": list(range(len(pairs))),
        **{f"{c}_{side}": [records[p[i]][c] for p in pairs]
           for c in scorer.columns for i, side in ((0, "l"), (1, "r"))}}))
    levels = [(comparison.name, level) for comparison in scorer.comparisons
              for level in comparison.levels if level.condition is not None]
    truth = con.execute("SELECT " + ", ".join(
        f"coalesce(({level.sql_condition}), false)" for _, level in levels)
        + " FROM pair_rows ORDER BY pair").fetchall()
    reached = set()
    for number, (a, b) in enumerate(pairs):
        left = _prepared(records[a])
        right = column_arrays([records[b]], scorer.columns)
        for (name, level), expected in zip(levels, truth[number], strict=True):
            env = Env(left, right, np.arange(1))
            assert bool(level.condition(env)[0]) is expected, (name, level.label, left, records[b])
            if expected:
                reached.add((name, level.gamma))
    # The sample reaches most non-null levels (a level no pair reaches is not tested here).
    assert len(reached) >= 0.7 * len(levels)


def test_match_weights_equal_splinks_predictions(linked: Linked) -> None:
    scorer = scorer_for(linked.model)
    con = duckdb.connect()
    con.execute("ATTACH ? AS snap (READ_ONLY)", [str(linked.snapshot)])
    con.execute("CREATE TABLE prepared AS SELECT link_key AS unique_id, * EXCLUDE "
                "(link_key, source, source_record_id, person_id) FROM snap.search_record")
    model = {**with_link_type(linked.model, "dedupe_only"),
             "retain_intermediate_calculation_columns": True, "retain_matching_columns": True}
    db_api = DuckDBAPI(connection=con)
    linker = make_linker(db_api, ["prepared"], model)
    # Frequencies counted as the link run counts them (over identities, not records).
    count_frequencies(con, ["prepared"], model)
    use_frequencies(linker, db_api, model)
    table = linker.inference.predict().physical_name
    names = [c.name for c in scorer.comparisons]
    rows = con.execute(f"""
        SELECT unique_id_l, unique_id_r, match_weight, {", ".join("gamma_" + n for n in names)}
        FROM "{table}" ORDER BY match_weight, unique_id_l, unique_id_r
    """).fetchall()
    assert len(rows) > 1_000
    by_key = {r["link_key"]: r for r in linked.records}
    # 200 pairs spread evenly over the whole range of weights, from clear non-matches up.
    sample = [rows[i] for i in np.linspace(0, len(rows) - 1, 200).astype(int)]
    for key_l, key_r, weight, *gammas in sample:
        left, right = _prepared(by_key[key_l]), _prepared(by_key[key_r])
        left_tf = {c: linked.tf.get((c, str(left[c]))) for c in scorer.tf_columns}
        right_tf = {c: np.array([linked.tf.get((c, str(right[c])), np.nan)])
                    for c in scorer.tf_columns}
        scores = scorer.score(left, column_arrays([right], scorer.columns), 1, left_tf, right_tf)
        assert [int(scores.gamma[n][0]) for n in names] == gammas, (key_l, key_r)
        assert float(scores.match_weight[0]) == pytest.approx(weight, abs=1e-6), (key_l, key_r)


def test_query_keys_find_the_record_they_came_from(linked: Linked) -> None:
    con = duckdb.connect()
    postings = linked.index._postings
    checked = 0
    for row in range(0, len(linked.records), 17):
        keys = [k for k in query_keys(_prepared(linked.records[row]), SEARCH_KEYS)
                if k[0] in postings]
        for name, text in keys:
            assert row in postings[name].find(key_hash(text)), (name, linked.records[row])
            checked += 1
    # The Python hash is DuckDB's md5_number_upper.
    texts = ["smith\x1f2003", "", "żółć", "a" * 300]
    assert [key_hash(t) for t in texts] == [int(h) for h in con.execute(
        "SELECT list_transform(?::VARCHAR[], lambda t: md5_number_upper(t))",
        [texts]).fetchall()[0][0]]
    assert checked > 1_000


# --- search behaviour --------------------------------------------------------------------

def _people(linked: Linked, where: Any, count: int = 15) -> list[dict[str, Any]]:
    found = [r for r in linked.records if r["truth"] is not None and where(r)]
    return found[:: max(1, len(found) // count)][:count]


def _top_truth(linked: Linked, results: list[Any]) -> Any:
    assert results, "no candidates"
    by_id = {(r["source"], r["source_record_id"]): r["truth"] for r in linked.records}
    return by_id[(results[0].source, results[0].source_record_id)]


def _typo(word: str) -> str:
    middle = len(word) // 2
    return word[:middle] + ("x" if word[middle].lower() != "x" else "q") + word[middle + 1:]


def test_typo_in_surname_still_finds_the_person(linked: Linked) -> None:
    people = _people(linked, lambda r: r["raw_first_name"] and r["raw_dob"]
                     and r["raw_surname"] and len(r["raw_surname"]) >= 6)
    assert len(people) >= 10
    for person in people:
        results = linked.index.search(SearchQuery(
            first_name=person["raw_first_name"], surname=_typo(person["raw_surname"]),
            dob=person["raw_dob"]))
        assert _top_truth(linked, results) == person["truth"], person


def test_surname_first_free_text(linked: Linked) -> None:
    people = _people(linked, lambda r: r["raw_first_name"] and r["raw_surname"] and r["raw_dob"])
    for person in people:
        text = f"{person['raw_surname']} {person['raw_first_name']}".upper()
        results = linked.index.search(SearchQuery(full_name=text, dob=person["raw_dob"]))
        assert _top_truth(linked, results) == person["truth"], person
        comma = linked.index.search(SearchQuery(
            full_name=f"{person['raw_surname']}, {person['raw_first_name']}",
            dob=person["raw_dob"]))
        assert _top_truth(linked, comma) == person["truth"], person


def test_nickname_bill_finds_william(linked: Linked) -> None:
    people = _people(linked, lambda r: r["first_name"] == "william" and r["surname"]
                     and r["dob"], count=5)
    assert people, "the borough has no William to look for"
    for person in people:
        results = linked.index.search(SearchQuery(
            first_name="Bill", surname=person["raw_surname"], dob=person["raw_dob"]))
        assert _top_truth(linked, results) == person["truth"], person
        forename = next(s for s in results[0].comparisons if s.name == "first_name")
        assert forename.value_a == "bill" and "nickname" in forename.label


def test_nhs_number_alone(linked: Linked) -> None:
    owners: dict[str, set[Any]] = {}
    for record in linked.records:
        if record["nhs_number"]:
            owners.setdefault(record["nhs_number"], set()).add(record["truth"])
    people = _people(linked, lambda r: r["nhs_number"] and len(owners[r["nhs_number"]]) == 1)
    for person in people:
        number = person["nhs_number"]
        spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
        results = linked.index.search(SearchQuery(nhs_number=spaced))
        assert _top_truth(linked, results) == person["truth"], person
        assert results[0].match_probability > 0.5


def test_record_id_with_and_without_source(linked: Linked) -> None:
    for person in _people(linked, lambda r: True, count=10):
        for text in (person["source_record_id"],
                     f"{person['source']}:{person['source_record_id']}"):
            results = linked.index.search(SearchQuery(record_id=text))
            assert person["person_id"] in [c.person_id for c in results], text
            assert _top_truth(linked, results) == person["truth"], text


def test_wildcards_are_ignored_not_interpreted(linked: Linked) -> None:
    person = _people(linked, lambda r: r["surname"] and len(r["surname"]) >= 6
                     and r["dob"], count=1)[0]
    stem = person["raw_surname"][:3]
    plain = linked.index.search(SearchQuery(surname=stem, dob=person["raw_dob"]))
    starred = linked.index.search(SearchQuery(surname=f"{stem}*", dob=f"%{person['raw_dob']}?"))
    assert [(c.person_id, c.match_weight) for c in starred] == [
        (c.person_id, c.match_weight) for c in plain]
    # "Sim*" is the surname "sim", not a prefix: nothing matches it exactly unless it is "sim".
    for candidate in starred:
        surname = next(s for s in candidate.comparisons if s.name == "surname")
        assert surname.label != "exact" or surname.value_b == stem.lower()
    with pytest.raises(LinkageError, match="nothing to search on"):
        linked.index.search(SearchQuery(surname="*%?", full_name="**"))


def test_queries_without_results_or_without_anything_usable(linked: Linked) -> None:
    used = {r["nhs_number"] for r in linked.records} | {r["dob"] for r in linked.records}
    assert "9434765919" not in used and "1901-01-01" not in used
    assert linked.index.search(SearchQuery(nhs_number="943 476 5919")) == []
    assert linked.index.search(SearchQuery(surname="Qwxzyvk", dob="01/01/1901")) == []
    for query in (SearchQuery(), SearchQuery(first_name="John"), SearchQuery(sex="F"),
                  SearchQuery(dob="not a date")):
        with pytest.raises(LinkageError, match="nothing to search on"):
            linked.index.search(query)


def test_candidates_are_ranked_people_with_probabilities(linked: Linked) -> None:
    person = _people(linked, lambda r: r["first_name"] and r["surname"] and r["dob"],
                     count=1)[0]
    results = linked.index.search(SearchQuery(surname=person["raw_surname"],
                                              dob=person["raw_dob"]), limit=5)
    assert 1 <= len(results) <= 5
    assert len({c.person_id for c in results}) == len(results)
    weights = [c.match_weight for c in results]
    assert weights == sorted(weights, reverse=True)
    for candidate in results:
        total = scorer_for(linked.model).prior_weight + sum(s.total for s in candidate.comparisons)
        assert total == pytest.approx(candidate.match_weight, abs=1e-9)
        assert 0 <= candidate.match_probability <= 1
    assert linked.index.search(SearchQuery(surname=person["raw_surname"],
                                           dob=person["raw_dob"]), min_probability=1.1) == []


# --- explain -----------------------------------------------------------------------------

def test_explain_reads_the_search_tables_and_agrees_with_splink(
        linked: Linked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with duckdb.connect(str(linked.snapshot), read_only=True) as con:
        pairs = con.execute("""
            SELECT source_l || ':' || source_record_id_l, source_r || ':' || source_record_id_r,
                   match_weight FROM person_link_pair ORDER BY match_weight LIMIT 3
        """).fetchall()
    assert pairs
    # Linked snapshots are explained from their tables: the slow path is never taken.
    with monkeypatch.context() as patch:
        patch.setattr(explain, "_from_splink", lambda *_args: pytest.fail("slow path"))
        with duckdb.connect(str(linked.snapshot), read_only=True) as con:
            fast = [explain.explain_pair(con, linked.settings, a, b) for a, b, _ in pairs]
    for result, (_, _, weight) in zip(fast, pairs, strict=True):
        assert result.match_weight == pytest.approx(weight, abs=1e-6)
    # A snapshot linked before the search tables existed falls back to Splink, same weights.
    older = tmp_path / "older.duckdb"
    shutil.copyfile(linked.snapshot, older)
    with duckdb.connect(str(older)) as con:
        for table in SEARCH_TABLES:
            con.execute(f"DROP TABLE {table}")
    with duckdb.connect(str(older), read_only=True) as con:
        slow = [explain.explain_pair(con, linked.settings, a, b) for a, b, _ in pairs]
    for quick, full in zip(fast, slow, strict=True):
        assert quick.match_weight == pytest.approx(full.match_weight, abs=1e-6)
        assert [s.level for s in quick.comparisons] == [s.level for s in full.comparisons]
