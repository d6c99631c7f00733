"""Build every declared dataset from its source into the published store.

Run after each pipeline run (``joinedup ingest`` and ``joinedup demo`` call it) and by
``joinedup opendata build``. One dataset's failure never stops the others, and never
unpublishes it: the store keeps serving its last good version and says why it is not fresh.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from joinedup.config import Settings
from joinedup.errors import DisclosureError, JoinedUpError, OpenDataError
from joinedup.opendata.protect import protect_rows
from joinedup.opendata.sources import (
    BuildContext,
    MartReader,
    MartTable,
    SourceUnavailable,
    rows_for,
)
from joinedup.opendata.spec import DatasetSpec, load_specs
from joinedup.opendata.store import Store
from joinedup.warehouse.snapshots import SnapshotStore


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    message: str
    version: str | None
    rows: int
    # True when the failure is the declaration's or disclosure control's fault, not a
    # source's that a later run may fix.
    refused: bool = False


def build_all(specs: Iterable[DatasetSpec], ctx: BuildContext, store: Store,
              now: dt.datetime | None = None) -> list[Outcome]:
    now = now or dt.datetime.now(dt.UTC)
    return [build_one(spec, ctx, store, now) for spec in specs]


def build_one(spec: DatasetSpec, ctx: BuildContext, store: Store, now: dt.datetime) -> Outcome:
    try:
        rows = protect_rows(spec, rows_for(spec, ctx))
        columns = [c.name for c in spec.columns]
        extra = sorted({k for r in rows for k in r} - set(columns))
        if extra:
            raise OpenDataError(f"dataset {spec.name!r}: the source gives undeclared columns "
                                f"{', '.join(extra)}; declare them or leave them out.")
        if not rows:
            raise SourceUnavailable("the source has no rows this run.")
        ordered = [{c: r.get(c) for c in columns} for r in rows]
        published = store.publish(spec.name, columns, ordered, ctx.snapshot, now)
        return Outcome(spec.name, True, f"{len(ordered)} rows", published.version, len(ordered))
    except JoinedUpError as exc:
        refused = isinstance(exc, DisclosureError) or (
            isinstance(exc, OpenDataError) and not isinstance(exc, SourceUnavailable))
        reason = f"{'Refused' if refused else 'Source failed'}: {exc}"
        status = store.fail(spec.name, reason, now)
        return Outcome(spec.name, False, reason, status.serving, 0, refused=refused)


def warehouse_context(reference_dir: Path | None, con: duckdb.DuckDBPyConnection | None,
                      snapshot: str | None) -> BuildContext:
    """A context reading marts from an open snapshot through ``joinedup.marts.read``."""
    return BuildContext(reference_dir=reference_dir,
                        read_mart=_mart_reader(con) if con is not None else None,
                        snapshot=snapshot)


def _mart_reader(con: duckdb.DuckDBPyConnection) -> MartReader:
    def read(name: str) -> MartTable:
        try:
            # Imported by name: the marts package is built on another branch and lands in
            # main separately; until it does, mart datasets say so and keep their last version.
            marts: Any = importlib.import_module("joinedup.marts")
        except ImportError as exc:
            raise SourceUnavailable("this version of joinedup has no marts package "
                                    "(joinedup.marts); update joinedup.") from exc
        try:
            found = marts.read(con, name)
        except JoinedUpError as exc:
            raise SourceUnavailable(str(exc)) from exc
        return MartTable(tuple(found.columns), found.dicts(), bool(found.info.record_level),
                         str(found.info.snapshot_id))
    return read


def store_for(settings: Settings) -> Store:
    return Store(settings.home / "opendata")


def build_from_settings(settings: Settings, datasets: Path | None = None,
                        now: dt.datetime | None = None) -> list[Outcome]:
    """Build every dataset from the current snapshot's marts and the reference data."""
    specs = load_specs(datasets)
    snapshots = SnapshotStore.from_settings(settings)
    snapshot = snapshots.current_id()
    con = snapshots.open(snapshot) if snapshot else None
    try:
        ctx = warehouse_context(settings.reference_data, con, snapshot)
        return build_all(specs.values(), ctx, store_for(settings), now)
    finally:
        if con is not None:
            con.close()
