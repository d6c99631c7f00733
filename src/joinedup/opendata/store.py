"""The published store: the last good version of each dataset, its build status and its
changelog, as files under ``<home>/opendata/<dataset>/``.

- ``published.json``: the version served (rows, columns, when built, from which snapshot and
  a digest of the rows). Replaced atomically (write, fsync, rename), only by a good build.
- ``status.json``: the outcome of the last attempt. A failed source writes only this, so the
  portal keeps serving the last good version and says when and why the refresh failed.
- ``changelog.jsonl``: one line per build that changed the data, and one per failure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joinedup.errors import OpenDataError

Row = dict[str, Any]


@dataclass(frozen=True)
class Published:
    name: str
    version: str  # the first 12 hex digits of the rows' SHA-256
    built_at: dt.datetime
    snapshot: str | None
    columns: tuple[str, ...]
    rows: list[Row]


@dataclass(frozen=True)
class Status:
    ok: bool
    at: dt.datetime
    message: str
    serving: str | None  # the version served after this attempt


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    kind: str  # "published", "unchanged" is not logged, "failed"
    version: str | None
    message: str


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot publish {type(value).__name__} values")


def digest(rows: Sequence[Row]) -> str:
    text = json.dumps(list(rows), sort_keys=True, default=_json_default, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _dir(self, name: str) -> Path:
        return self.root / name

    def _write(self, path: Path, payload: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(payload, handle, default=_json_default, separators=(",", ":"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def _log(self, name: str, change: Change) -> None:
        path = self._dir(name) / "changelog.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": change.at.isoformat(), "kind": change.kind,
                           "version": change.version, "message": change.message})
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def publish(self, name: str, columns: Sequence[str], rows: Sequence[Row],
                snapshot: str | None, now: dt.datetime) -> Published:
        """Serve these rows from now on; log the change when the data differs."""
        version = digest(rows)
        previous = self.published(name)
        if previous is not None and previous.version == version:
            published = previous
        else:
            published = Published(name, version, now, snapshot, tuple(columns), list(rows))
            self._write(self._dir(name) / "published.json", {
                "name": name, "version": version, "built_at": now, "snapshot": snapshot,
                "columns": list(columns), "rows": list(rows)})
            before = f"{len(previous.rows)} rows" if previous else "nothing"
            self._log(name, Change(now, "published", version,
                                   f"{len(rows)} rows (was {before})"))
        self._write(self._dir(name) / "status.json", {
            "ok": True, "at": now, "message": "Built from its source.", "serving": version})
        return published

    def fail(self, name: str, message: str, now: dt.datetime) -> Status:
        """Record a failed refresh; the last good version stays served."""
        previous = self.published(name)
        serving = previous.version if previous else None
        status = Status(False, now, message, serving)
        self._write(self._dir(name) / "status.json", {
            "ok": False, "at": now, "message": message, "serving": serving})
        self._log(name, Change(now, "failed", serving, message))
        return status

    def published(self, name: str) -> Published | None:
        path = self._dir(name) / "published.json"
        if not path.exists():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise OpenDataError(f"{path} is unreadable ({exc}); run `joinedup opendata build` "
                                "to publish it again.") from exc
        return Published(raw["name"], raw["version"], dt.datetime.fromisoformat(raw["built_at"]),
                         raw["snapshot"], tuple(raw["columns"]), raw["rows"])

    def status(self, name: str) -> Status | None:
        path = self._dir(name) / "status.json"
        if not path.exists():
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Status(raw["ok"], dt.datetime.fromisoformat(raw["at"]), raw["message"],
                      raw["serving"])

    def changelog(self, name: str) -> list[Change]:
        """Newest first."""
        path = self._dir(name) / "changelog.jsonl"
        if not path.exists():
            return []
        changes = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                changes.append(Change(dt.datetime.fromisoformat(raw["at"]), raw["kind"],
                                      raw["version"], raw["message"]))
        return changes[::-1]

    def mtime(self, name: str) -> float:
        """Changes whenever what is served (or its status) changes: for the web's caches."""
        times = [p.stat().st_mtime_ns for p in (self._dir(name) / "published.json",
                                               self._dir(name) / "status.json") if p.exists()]
        return max(times, default=0) / 1e9
