"""What the warehouse being served holds: synthetic, real, or nothing yet (for the banner).

A snapshot is synthetic when the sources.yaml it was loaded from sits beside a manifest
written by `joinedup synth`. The answer is kept per snapshot id, so a page costs one small
file read, and a new snapshot is noticed on the next request.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

import duckdb

from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.warehouse.runinfo import read_run_info
from joinedup.warehouse.snapshots import SnapshotStore

DataKind = Literal["synthetic", "real", "none"]
SYNTH_GENERATOR = "joinedup synth"


def warehouse_kind() -> DataKind:
    """Whether the served snapshot is synthetic, real, or missing."""
    try:
        store = SnapshotStore.from_settings(get_settings())
        run_id = store.current_id()
    except JoinedUpError:
        return "none"
    if run_id is None:
        return "none"
    return _kind_of(str(store.root), run_id)


@lru_cache(maxsize=16)
def _kind_of(root: str, run_id: str) -> DataKind:
    store = SnapshotStore(Path(root))
    try:
        with store.open(run_id) as con:
            sources_file = Path(read_run_info(con).sources_file)
    except (JoinedUpError, duckdb.Error):
        return "none"
    return "synthetic" if made_by_synth(sources_file.parent) else "real"


def made_by_synth(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("generator") == SYNTH_GENERATOR
