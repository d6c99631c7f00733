"""File-level checks shared by the readers: present, a file, readable, not empty."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from joinedup.errors import SourceError


def display_path(path: Path, base_dir: Path) -> str:
    """The path as written in lineage and messages: relative to the sources.yaml folder."""
    try:
        return path.relative_to(base_dir).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True, slots=True)
class Fixes:
    """Where whoever runs a read sets each reading option: the readers' messages name it.
    Ingest's options live in sources.yaml; `joinedup match` has command-line options."""

    path: str = "`path:` in sources.yaml (it is relative to the sources.yaml folder)"
    encoding: str = "`encoding:` in sources.yaml"
    format: str = "`format:` in sources.yaml"
    delimiter: str = "`delimiter:` in sources.yaml"
    sheet: str = "`sheet:` in sources.yaml"
    drop: str = "remove the file from sources.yaml"


SOURCES_YAML = Fixes()


def check_readable(path: Path, shown: str, *, allow_empty: bool = False,
                   fixes: Fixes = SOURCES_YAML) -> int:
    """Fail with a clear SourceError unless ``path`` is a readable file; returns its size."""
    if not path.exists():
        raise SourceError(
            f"the file does not exist at {path}. Check {fixes.path} or copy the extract there.",
            file=shown,
        )
    if not path.is_file():
        raise SourceError(
            f"{path} is not a file (a directory or device?). Point {fixes.path.split(' (')[0]} "
            "at the extract itself.",
            file=shown,
        )
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise SourceError(
            f"cannot open {path} ({exc.strerror or exc}). Check the file's permissions: the "
            f"account running joinedup (uid {os.getuid()}) must be able to read it.",
            file=shown,
        ) from exc
    size = path.stat().st_size
    if size == 0 and not allow_empty:
        raise SourceError(
            "the file is empty (0 bytes): an extract needs at least a header row. "
            f"Re-run the export, or {fixes.drop}.",
            file=shown,
        )
    return size
