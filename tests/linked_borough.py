"""The small borough ingested, and then linked, once per session (the ``linked_borough``
fixture in conftest.py), for the modules that need its snapshots only to read or build on."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LinkedBorough:
    """Two data homes holding the small borough: after `ingest` alone, and after `ingest`
    then `link`. Kept pristine: tests work on copies, so what one test writes (snapshots,
    review decisions, app files) never reaches another."""

    ingested: Path
    linked: Path

    def copy_to(self, home: Path) -> Path:
        """``home`` (which may exist, empty) as a copy of the linked home; returns it."""
        shutil.copytree(self.linked, home, dirs_exist_ok=True)
        return home

    def copy_ingested_to(self, home: Path) -> Path:
        """``home`` (which may exist, empty) as a copy of the home before the link."""
        shutil.copytree(self.ingested, home, dirs_exist_ok=True)
        return home
