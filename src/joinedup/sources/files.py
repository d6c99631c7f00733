"""File-level checks shared by the readers: present, a file, readable, not empty."""

from __future__ import annotations

import os
from pathlib import Path

from joinedup.errors import SourceError


def display_path(path: Path, base_dir: Path) -> str:
    """The path as written in lineage and messages: relative to the sources.yaml folder."""
    try:
        return path.relative_to(base_dir).as_posix()
    except ValueError:
        return path.as_posix()


def check_readable(path: Path, shown: str, *, allow_empty: bool = False) -> int:
    """Fail with a clear SourceError unless ``path`` is a readable file; returns its size."""
    if not path.exists():
        raise SourceError(
            f"the file does not exist at {path}. Check `path:` in sources.yaml (it is relative "
            "to the sources.yaml folder) or copy the extract there.",
            file=shown,
        )
    if not path.is_file():
        raise SourceError(
            f"{path} is not a file (a directory or device?). Point `path:` at the extract itself.",
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
            "Re-run the export, or remove the file from sources.yaml.",
            file=shown,
        )
    return size
