"""What linking remembers between runs, outside the snapshots: the person-id register,
reviewers' decisions and the history of ids.

Snapshots come and go (each ingest builds a new one, old ones are pruned), but a person's id
and a reviewer's "these two are different people" must outlive them. So:

- ``<warehouse>/linkage/registry.parquet``: every record of the last link run and its person
  id, with a hash of the fields matching reads (a changed record is matched again). It is
  replaced whole, atomically, after each run publishes.
- ``<warehouse>/linkage/state.sqlite``: link runs, id events (new, merged, split, retired),
  the highest person and household id numbers issued, and review decisions with their full
  history. SQLite because reviewers decide at any time, from the CLI or the web app, while
  links run.

The highest number issued is committed before a run publishes, so an id is never issued twice
even if the machine stops between publishing and writing the register.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from joinedup.linkage.identity import IdAssignment, RecordKey
from joinedup.linkage.model import LinkageError

Decision = Literal["same", "different"]
REGISTRY_COLUMNS = ("source", "source_record_id", "person_id", "record_hash")
DECISIONS: tuple[Decision, ...] = ("same", "different")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS link_run (
    run_id TEXT PRIMARY KEY, snapshot_id TEXT NOT NULL, started TEXT NOT NULL,
    mode TEXT NOT NULL, records INTEGER NOT NULL, persons INTEGER NOT NULL,
    decisions_seen INTEGER NOT NULL, published INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS id_counter (only INTEGER PRIMARY KEY CHECK (only = 1),
    next_number INTEGER NOT NULL);
-- Household ids are cited across snapshots too (`households._name_households`): numbers
-- no household keeps are never given to another.
CREATE TABLE IF NOT EXISTS household_counter (only INTEGER PRIMARY KEY CHECK (only = 1),
    next_number INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS person_event (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, kind TEXT NOT NULL,
    person_id TEXT NOT NULL, other_person_id TEXT, records INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS person_event_person ON person_event (person_id);
CREATE TABLE IF NOT EXISTS review_decision (
    pair_id TEXT PRIMARY KEY,
    source_l TEXT NOT NULL, record_l TEXT NOT NULL, source_r TEXT NOT NULL,
    record_r TEXT NOT NULL, decision TEXT NOT NULL CHECK (decision IN ('same', 'different')),
    decided_by TEXT NOT NULL, decided_at TEXT NOT NULL, note TEXT
);
-- Every decision ever made, including ones later changed: reviewers answer for them.
CREATE TABLE IF NOT EXISTS review_decision_log (
    log_id INTEGER PRIMARY KEY AUTOINCREMENT, pair_id TEXT NOT NULL,
    source_l TEXT NOT NULL, record_l TEXT NOT NULL, source_r TEXT NOT NULL,
    record_r TEXT NOT NULL, decision TEXT NOT NULL, decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL, note TEXT
);
"""


def pair_id(left: RecordKey, right: RecordKey) -> str:
    """A short stable name for a pair of records, the same whichever way round."""
    first, second = sorted((left, right))
    text = "\x1f".join((*first, *second))
    return "RV" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    pair_id: str
    left: RecordKey
    right: RecordKey
    decision: Decision
    decided_by: str
    decided_at: str
    note: str | None


@dataclass(frozen=True, slots=True)
class RunRecord:
    run_id: str
    snapshot_id: str
    mode: str
    records: int
    persons: int
    decisions_seen: int
    published: bool


@dataclass(frozen=True, slots=True)
class Registry:
    """The last run's records -> person ids."""

    run_id: str | None
    table: pa.Table
    """The register as stored: source, source_record_id, person_id, record_hash."""


class LinkState:
    """The linkage state files under one warehouse."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.database = directory / "state.sqlite"
        self.registry_path = directory / "registry.parquet"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.database, timeout=30)) as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
            with con:  # one transaction: committed on success, rolled back on error
                yield con

    # --- ids and runs -------------------------------------------------------------------
    def next_number(self) -> int:
        with self._connect() as con:
            row = con.execute("SELECT next_number FROM id_counter").fetchone()
        return int(row[0]) if row else 1

    def next_household_number(self) -> int:
        with self._connect() as con:
            row = con.execute("SELECT next_number FROM household_counter").fetchone()
        return int(row[0]) if row else 1

    def last_run(self) -> RunRecord | None:
        with self._connect() as con:
            row = con.execute(
                "SELECT run_id, snapshot_id, mode, records, persons, decisions_seen, published "
                "FROM link_run WHERE published = 1 ORDER BY started DESC, run_id DESC LIMIT 1"
            ).fetchone()
        if row is None:
            return None
        return RunRecord(str(row[0]), str(row[1]), str(row[2]), int(row[3]), int(row[4]),
                         int(row[5]), bool(row[6]))

    def begin_run(self, run_id: str, snapshot_id: str, mode: str, records: int, persons: int,
                  assignment: IdAssignment, decisions_seen: int,
                  next_household: int = 1) -> None:
        """Record a run and its id events, and reserve its numbers, before it publishes.

        `decisions_seen`: `decisions_logged()` when the run read the decisions it applied;
        `next_household`: the household number after the highest the run issued.
        """
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        seen = decisions_seen
        with self._connect() as con:
            con.execute("INSERT INTO link_run VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                        (run_id, snapshot_id, now, mode, records, persons, seen))
            con.execute("INSERT INTO id_counter VALUES (1, ?) ON CONFLICT (only) DO UPDATE "
                        "SET next_number = max(next_number, excluded.next_number)",
                        (assignment.next_number,))
            con.execute("INSERT INTO household_counter VALUES (1, ?) ON CONFLICT (only) DO "
                        "UPDATE SET next_number = max(next_number, excluded.next_number)",
                        (next_household,))
            con.executemany(
                "INSERT INTO person_event (run_id, kind, person_id, other_person_id, records) "
                "VALUES (?, ?, ?, ?, ?)",
                [(run_id, e.kind, e.person_id, e.other_person_id, e.records)
                 for e in assignment.events])

    def finish_run(self, run_id: str, registry: pa.Table) -> None:
        """Write the register of the published run and mark it published."""
        staged = self.registry_path.with_suffix(".parquet.partial")
        pq.write_table(registry.replace_schema_metadata({b"link_run": run_id.encode()}),
                       staged)
        staged.replace(self.registry_path)
        with self._connect() as con:
            con.execute("UPDATE link_run SET published = 1 WHERE run_id = ?", (run_id,))

    def registry(self) -> Registry:
        if not self.registry_path.is_file():
            return Registry(None, pa.table({name: pa.array([], pa.string())
                                            for name in REGISTRY_COLUMNS}))
        try:
            table = pq.read_table(self.registry_path)
        except (OSError, pa.ArrowInvalid) as exc:
            raise LinkageError(
                f"the person-id register {self.registry_path} cannot be read ({exc}); restore "
                "it from a backup, or move it aside to issue new ids to everyone.") from exc
        run = (table.schema.metadata or {}).get(b"link_run", b"").decode() or None
        return Registry(run, table.select(list(REGISTRY_COLUMNS)))

    def events(self, person_id: str | None = None, limit: int = 1000
               ) -> list[tuple[str, str, str, str | None, int]]:
        """(run_id, kind, person_id, other_person_id, records), newest first."""
        where, params = ("", []) if person_id is None else (
            "WHERE person_id = ? OR other_person_id = ?", [person_id, person_id])
        with self._connect() as con:
            return [tuple(row) for row in con.execute(  # type: ignore[misc]
                f"SELECT run_id, kind, person_id, other_person_id, records FROM person_event "
                f"{where} ORDER BY event_id DESC LIMIT ?", [*params, limit])]

    # --- review decisions -----------------------------------------------------------------
    def decide(self, left: RecordKey, right: RecordKey, decision: str, decided_by: str,
               note: str | None = None) -> ReviewDecision:
        """Record (or change) a decision on a pair; every later run honours it."""
        if decision not in DECISIONS:
            raise LinkageError(f"decision {decision!r} must be 'same' or 'different'.")
        if not decided_by.strip():
            raise LinkageError("a decision needs the name of the person making it.")
        if left == right:
            raise LinkageError("a record cannot be reviewed against itself.")
        first, second = sorted((left, right))
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        row = (pair_id(first, second), *first, *second, decision, decided_by.strip(), now, note)
        with self._connect() as con:
            con.execute("INSERT OR REPLACE INTO review_decision VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            con.execute("INSERT INTO review_decision_log (pair_id, source_l, record_l, "
                        "source_r, record_r, decision, decided_by, decided_at, note) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        return ReviewDecision(row[0], first, second, decision, row[6], now, note)  # type: ignore[arg-type]

    def decisions(self, pair_ids: Sequence[str] | None = None) -> list[ReviewDecision]:
        """Every decision, or only those on `pair_ids` (read by key, not by reading all)."""
        columns = ("SELECT pair_id, source_l, record_l, source_r, record_r, decision, "
                   "decided_by, decided_at, note FROM review_decision")
        with self._connect() as con:
            if pair_ids is None:
                rows = con.execute(f"{columns} ORDER BY decided_at, pair_id").fetchall()
            else:
                con.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_pair (pair_id TEXT)")
                con.execute("DELETE FROM wanted_pair")
                con.executemany("INSERT INTO wanted_pair VALUES (?)",
                                [(p,) for p in set(pair_ids)])
                rows = con.execute(f"{columns} WHERE pair_id IN (SELECT pair_id FROM "
                                   "wanted_pair) ORDER BY decided_at, pair_id").fetchall()
        return [ReviewDecision(r[0], (r[1], r[2]), (r[3], r[4]), r[5], r[6], r[7], r[8])
                for r in rows]

    def decisions_logged(self) -> int:
        """How many decisions have ever been made (a run compares it with its own count)."""
        with self._connect() as con:
            return int(con.execute("SELECT coalesce(max(log_id), 0) FROM review_decision_log"
                                   ).fetchone()[0])
