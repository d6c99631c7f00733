"""The public transparency page's content, generated from what the system holds and enforces:
the sources joined (from the served snapshot), the purpose register and access rules (from
``joinedup.access``), retention (from settings), matching accuracy (from the last
``joinedup evaluate-linkage``) and practitioners' searches and person views by team and month
(from the audit log, counted by the web app and protected here with disclosure control).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from joinedup.opendata.disclosure import DisclosureRule, protect_table

EVALUATION_FILE = "linkage-evaluation.json"
AUDITED_ACTIONS = ("search", "person_view")
ACTION_LABELS = {"search": "Searches", "person_view": "Person records viewed"}


@dataclass(frozen=True)
class JoinedSource:
    source: str
    service: str
    records: int | None
    as_of: dt.date | None


def joined_sources(con: duckdb.DuckDBPyConnection) -> list[JoinedSource]:
    """Each source in the snapshot: its service, records loaded and how current it is."""
    rows = con.execute("""
        SELECT f.source, min(f.service), max(f.data_current_as_of),
               (SELECT sum(r.rows_loaded) FROM load_report AS r
                WHERE r.level = 'source' AND r.source = f.source)
        FROM source_freshness AS f GROUP BY f.source ORDER BY f.source
    """).fetchall()
    return [JoinedSource(r[0], r[1] or "", int(r[3]) if r[3] is not None else None,
                         r[2] if isinstance(r[2], dt.date) else None) for r in rows]


@dataclass(frozen=True)
class Accuracy:
    evaluated_at: dt.datetime
    records: int
    precision: float
    recall: float
    f1: float
    pair_precision: float
    pair_recall: float


def write_accuracy(result: dict[str, Any], reports_dir: Path, now: dt.datetime) -> Path:
    """Keep the headline scores of an evaluation (no example records: those are people)."""
    summary = {"evaluated_at": now.isoformat(), "records": result["records_evaluated"],
               "clusters": result["clusters"], "pairwise": result["pairwise"]}
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / EVALUATION_FILE
    path.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return path


def read_accuracy(reports_dir: Path) -> Accuracy | None:
    path = reports_dir / EVALUATION_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Accuracy(dt.datetime.fromisoformat(raw["evaluated_at"]), int(raw["records"]),
                        float(raw["clusters"]["precision"]), float(raw["clusters"]["recall"]),
                        float(raw["clusters"]["f1"]), float(raw["pairwise"]["precision"]),
                        float(raw["pairwise"]["recall"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class MonthOfUse:
    """One month's counts by team, protected. ``None`` is a hidden count."""

    month: str  # YYYY-MM
    teams: tuple[str, ...]
    counts: tuple[tuple[int | None, ...], ...]  # per team, per action in AUDITED_ACTIONS
    totals: tuple[int | None, ...]  # per action, all teams


def usage_by_month(counted: Iterable[tuple[str, str, str, int]],
                   rule: DisclosureRule | None = None) -> list[MonthOfUse]:
    """(month, team, action, count) from the audit log as protected tables, newest first.

    Each month is a table of teams by action with totals, protected exactly as open datasets
    are: fewer than 5 hidden, with complementary hiding so no total gives them away.
    """
    by_month: dict[str, dict[str, dict[str, int]]] = {}
    for month, team, action, n in counted:
        if action in AUDITED_ACTIONS:
            team_counts = by_month.setdefault(month, {}).setdefault(team or "No team", {})
            team_counts[action] = team_counts.get(action, 0) + int(n)
    result = []
    for month in sorted(by_month, reverse=True):
        teams = sorted(by_month[month])
        matrix = [[by_month[month][t].get(a, 0) for a in AUDITED_ACTIONS] for t in teams]
        protected = protect_table(matrix, rule)
        result.append(MonthOfUse(month, tuple(teams), protected.cells,
                                 protected.column_totals))
    return result


def retention_lines(snapshots_keep: int, idle_minutes: int) -> Sequence[str]:
    return (
        f"Each pipeline run makes a new copy of the joined data (a snapshot); the newest "
        f"{snapshots_keep} are kept and older ones are deleted automatically, with their "
        "reports of rejected rows.",
        "Source systems keep their own records under their own retention schedules; joinedup "
        "holds only what their latest extracts contain.",
        "The audit log of who looked at whose records is kept in full and cannot be changed or "
        "deleted through the system, so that any access can be checked later.",
        f"Practitioners are signed out after {idle_minutes} minutes without activity; searches "
        "are kept in their session only until they sign out.",
    )
