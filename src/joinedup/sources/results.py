"""What a load reports: counts per file and per source, which always reconcile
(rows_read == rows_loaded + rows_quarantined). The warehouse's run report uses the same types."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileLoadResult:
    """Counts for one file mapping. ``path`` is relative to the sources.yaml folder."""

    path: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    seconds: float


@dataclass(frozen=True, slots=True)
class SourceLoadResult:
    name: str
    files: tuple[FileLoadResult, ...]

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    @property
    def seconds(self) -> float:
        return sum(f.seconds for f in self.files)
