"""Single-record search: the people a new referral may be, ranked by the matching model.

`SearchIndex.open` reads a linked snapshot's search tables (`search_tables`) once. Each
prepared column is held dictionary-encoded (a code per record, a vocabulary of distinct
values with their term frequencies), and each search key (`search_keys`) as a sorted array
of hashes beside record numbers. `SearchIndex.search` then

1. standardises the query as a link run standardises records (`search_query`), once per
   reading of its names, and adds the records a given record id names;
2. looks its keys up and gathers candidate records, smallest posting lists first, up to
   `MAX_CANDIDATES` pairs (a query read two ways gets half as many records; a lone common
   surname takes the first of its records in record order);
3. scores every (query reading, candidate) pair with the saved model (`scoring`): the same
   levels, m and u probabilities and term-frequency adjustments as the link run;
4. keeps each person's best-scoring record, best people first.

A record id is looked up exactly, with or without its ``source:`` prefix; the records found
join the query as if typed in, so their own person ranks first and look-alikes follow.
An index is read-only once open; `search` may be called from several threads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]

from joinedup.linkage.model import LinkageError, load_model
from joinedup.linkage.scoring import ComparisonStep, ModelScorer, probability, scorer_for
from joinedup.linkage.search_keys import RECORD_ID_KEY, SEARCH_KEYS, key_hash, query_keys
from joinedup.linkage.search_query import SearchQuery, clean, query_records
from joinedup.linkage.search_store import Column, Postings, load_records

__all__ = ["MAX_CANDIDATES", "Candidate", "SearchIndex", "SearchQuery"]

MAX_CANDIDATES = 1_000
"""(Query reading, record) pairs scored per search at most."""
_RECORD_ROWS = 10
"""Records one record id may name (the same id in several sources)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person the query may be, with the record that matched best."""

    person_id: str
    match_probability: float
    match_weight: float
    source: str
    source_record_id: str
    comparisons: tuple[ComparisonStep, ...]
    """Per comparison: the query's value (a), the record's (b), the level and its weight."""


class SearchIndex:
    """Candidate retrieval and scoring over a linked snapshot's records, held in memory."""

    def __init__(self, columns: Mapping[str, Column], record_ids: pa.Array,
                 postings: Mapping[str, Postings], frequencies: Mapping[str, Mapping[str, float]],
                 scorer: ModelScorer) -> None:
        self._columns = dict(columns)
        self._record_ids = record_ids
        self._postings = dict(postings)
        self._tf = {column: dict(values) for column, values in frequencies.items()}
        self._scorer = scorer
        self.max_candidates = MAX_CANDIDATES
        """(Query reading, record) pairs scored per search at most: fewer is faster, too
        few loses recall."""

    @classmethod
    def open(cls, snapshot: Path | str | duckdb.DuckDBPyConnection,
             model: Mapping[str, Any] | Path | str) -> SearchIndex:
        """Load the search tables of a linked snapshot (a path, or an open connection) with
        the model that linked it (its JSON, or the settings). Raises LinkageError when the
        snapshot has no search tables or the model cannot be read."""
        settings = (load_model(Path(model)) if isinstance(model, Path | str)
                    else dict(model))
        scorer = scorer_for(settings)
        if isinstance(snapshot, duckdb.DuckDBPyConnection):
            return cls(*load_records(snapshot, scorer, SEARCH_KEYS), scorer=scorer)
        con = duckdb.connect(str(snapshot), read_only=True)
        try:
            return cls(*load_records(con, scorer, SEARCH_KEYS), scorer=scorer)
        finally:
            con.close()

    @property
    def records(self) -> int:
        """Records in the index."""
        return len(self._record_ids)

    def memory_bytes(self) -> int:
        """Bytes of the arrays (codes, term frequencies, key hashes) and the record ids; the
        vocabularies' Python objects are not counted."""
        arrays = sum(p.hashes.nbytes + p.rows.nbytes for p in self._postings.values())
        arrays += sum(c.codes.nbytes + c.values.nbytes + c.tf.nbytes
                      for c in self._columns.values())
        return int(arrays + self._record_ids.nbytes)

    def record(self, row: int) -> dict[str, Any]:
        """One record's prepared values (lists as tuples), source, id and person."""
        out = {name: column.value(row) for name, column in self._columns.items()}
        out["source_record_id"] = self._record_ids[row].as_py()
        return out

    def _query_rows(self, query: SearchQuery) -> tuple[list[dict[str, Any]], bool]:
        """Prepared query records (the typed-in readings, then the records a record id
        names) and whether a record id was given."""
        rows = query_records(query)
        record_id = clean(query.record_id)
        if record_id is None:
            return rows, False
        for row in self._postings[RECORD_ID_KEY].find(key_hash(record_id))[:_RECORD_ROWS]:
            named = self.record(int(row))
            # A hash collision must not stand in for the record asked for.
            if record_id in (named["source_record_id"],
                             f"{named['source']}:{named['source_record_id']}"):
                rows.append(named)
        return rows, True

    def _candidates(self, rows: list[dict[str, Any]]) -> tuple[npt.NDArray[np.int32], bool]:
        keys = list(dict.fromkeys(k for row in rows for k in query_keys(row, SEARCH_KEYS)
                                  if k[0] in self._postings))
        lists = sorted((self._postings[name].find(key_hash(text)) for name, text in keys),
                       key=len)
        # The budget is in pairs: a query read two ways scores each candidate twice.
        budget = max(1, self.max_candidates // max(1, len(rows)))
        chosen: list[npt.NDArray[np.int32]] = []
        total = 0
        for found in lists:
            if not len(found):
                continue
            if total and total + len(found) > budget:
                break
            chosen.append(found[:budget])
            total += len(chosen[-1])
        rows_found = np.unique(np.concatenate(chosen)) if chosen else np.array([], np.int32)
        return rows_found, bool(keys)

    def search(self, query: SearchQuery, limit: int = 20,
               min_probability: float = 0.0) -> list[Candidate]:
        """The people `query` may be, best first: at most `limit`, each with a probability of
        at least `min_probability`. Raises LinkageError when the query has nothing to search
        on (no key at all: a forename alone, only wildcards, an unreadable date...)."""
        rows, by_id = self._query_rows(query)
        found, keyed = self._candidates(rows)
        if not keyed and not by_id:
            raise LinkageError(
                "nothing to search on: give a surname, a full date of birth, a postcode, an "
                "NHS number, a UPN or a record id (a forename alone is too broad; wildcards "
                "are ignored, not interpreted).")
        if not len(found):
            return []
        return self._rank(rows, found, limit, min_probability)

    def _rank(self, rows: list[dict[str, Any]], found: npt.NDArray[np.int32], limit: int,
              min_probability: float) -> list[Candidate]:
        scorer = self._scorer
        right = {c: self._columns[c].values_at(found) for c in scorer.columns}
        right_tf = {c: self._columns[c].tf_at(found) for c in scorer.tf_columns}
        scored = []
        for row in rows:
            left_tf = {c: self._tf[c].get(str(row[c])) if row.get(c) is not None else None
                       for c in scorer.tf_columns}
            scored.append(scorer.score(row, right, len(found), left_tf, right_tf))
        weights = np.vstack([s.match_weight for s in scored])
        reading = np.argmax(weights, axis=0)
        best = weights[reading, np.arange(len(found))]
        persons = self._columns["person_id"].values_at(found)
        out: list[Candidate] = []
        seen: set[str] = set()
        for index in np.lexsort((found, -best)):
            weight = float(best[index])
            if probability(weight) < min_probability or len(out) >= limit:
                break
            person = str(persons[index])
            if person in seen:
                continue
            seen.add(person)
            record = self.record(int(found[index]))
            query = rows[int(reading[index])]
            out.append(Candidate(
                person_id=person, match_probability=probability(weight), match_weight=weight,
                source=str(record["source"]), source_record_id=str(record["source_record_id"]),
                comparisons=scorer.steps(scored[int(reading[index])], int(index), query,
                                         record)))
        return out

