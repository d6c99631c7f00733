"""joinedup.warehouse: DuckDB snapshots, one per run, switched atomically; ingest into them.

Readers use ``open_current()``; see docs/warehouse.md.
"""

from joinedup.warehouse.snapshots import SnapshotStore, open_current

__all__ = ["SnapshotStore", "open_current"]
