"""VCSE returns kept per organisation, and what they add to a plan's areas.

The store is one JSON file per organisation in a folder (the web app's
``<home>/web/workforce/vcse/``, or any folder the command line names). A new return replaces
the same organisation's rows for the same month, area and need, and keeps the rest, so a
correction is just an upload of the corrected months.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from datetime import UTC, date, datetime
from pathlib import Path

from joinedup.errors import JoinedUpError
from joinedup.reference.panel import name_key
from joinedup.workforce.inputs import AreaInputs, Partner
from joinedup.workforce.series import shift
from joinedup.workforce.vcse import LEVEL_MONTHS, NEEDS, WEEKS_PER_MONTH, Service, VcseRow

# VCSE support is early help need (slow, community support), met beside the council's early
# help and family support workers.
CASE_CLASS = "early_help"
ROLE = "early_help_worker"


class VcseStoreError(JoinedUpError):
    """The VCSE returns folder cannot be read or written."""


def _slug(organisation: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", organisation.lower()).strip("-")[:60] or "organisation"
    # The hash keeps two names that fold to one slug apart.
    return f"{text}-{hashlib.sha256(organisation.encode('utf-8')).hexdigest()[:8]}"


def _rows_json(rows: Iterable[VcseRow]) -> list[dict[str, object]]:
    return [{"month": f"{r.month:%Y-%m}", "area": r.area, "need": r.need,
             "families": r.families, "hours": r.hours} for r in rows]


def save_return(folder: Path, organisation: str, rows: Sequence[VcseRow],
                filename: str, services: Sequence[Service] = ()) -> int:
    """Merge ``rows`` into the organisation's stored returns; the rows it now holds.

    ``services`` (Open Referral UK fields), when given, replace the ones stored."""
    kept = {(r.month, name_key(r.area), r.need): r for r in load_returns(folder, organisation)}
    listed = list(services) or load_services(folder, organisation)
    for row in rows:
        kept[(row.month, name_key(row.area), row.need)] = row
    ordered = sorted(kept.values(), key=lambda r: (r.month, r.area, r.need))
    body = {"organisation": organisation, "last_file": filename,
            "updated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "rows": _rows_json(ordered), "services": [asdict(x) for x in listed]}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_slug(organisation)}.json"
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(body, indent=1), encoding="utf-8")
        os.replace(temporary, path)  # readers see the old file or the new one, never half
    except OSError as exc:
        raise VcseStoreError(f"cannot save the return in {folder} ({exc}); ask the "
                             "administrator to check the folder is writable") from exc
    return len(ordered)


def _read(path: Path) -> list[VcseRow]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        organisation = str(body["organisation"])
        return [VcseRow(organisation, date.fromisoformat(f"{r['month']}-01"), str(r["area"]),
                        str(r["need"]), int(r["families"]), float(r["hours"]))
                for r in body["rows"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VcseStoreError(f"{path}: not a VCSE returns file ({exc}); delete it and ask "
                             "the organisation to upload again") from exc


def load_services(folder: Path, organisation: str) -> list[Service]:
    """The organisation's services as last sent (Open Referral UK fields)."""
    path = folder / f"{_slug(organisation)}.json"
    if not path.is_file():
        return []
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        return [Service(**item) for item in body.get("services", [])]
    except (OSError, ValueError, TypeError) as exc:
        raise VcseStoreError(f"{path}: not a VCSE returns file ({exc}); delete it and ask "
                             "the organisation to upload again") from exc


def load_returns(folder: Path, organisation: str | None = None) -> list[VcseRow]:
    """Stored rows of one organisation, or of every organisation (None)."""
    if organisation is not None:
        path = folder / f"{_slug(organisation)}.json"
        return _read(path) if path.is_file() else []
    if not folder.is_dir():
        return []
    return [row for path in sorted(folder.glob("*.json")) for row in _read(path)]


def returns_digest(rows: Sequence[VcseRow]) -> str:
    """A hash of the rows: a plan made with other returns is another plan."""
    text = json.dumps(sorted(map(str, _rows_json(rows))), separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def partners(rows: Sequence[VcseRow], area: str, productive_hours_week: float) -> list[Partner]:
    """Each organisation's work in ``area``: families and hours a month at the mean of its
    latest LEVEL_MONTHS months, and its coverage of the last twelve months."""
    here = [r for r in rows if name_key(r.area) == name_key(area)]
    if not here:
        return []
    latest = max(r.month for r in here)
    window = {shift(latest, "month", -k) for k in range(12)}
    out: list[Partner] = []
    for organisation in sorted({r.organisation for r in here}):
        own = [r for r in here if r.organisation == organisation]
        months = sorted({r.month for r in own})
        recent = months[-LEVEL_MONTHS:]
        families = sum(r.families for r in own if r.month in recent) / len(recent)
        hours = sum(r.hours for r in own if r.month in recent) / len(recent)
        out.append(Partner(
            organisation=organisation, area=area, case_class=CASE_CLASS, role=ROLE,
            families=families, hours_per_month=hours,
            fte=hours / (productive_hours_week * WEEKS_PER_MONTH),
            months_returned=len(months), first=f"{months[0]:%Y-%m}",
            last=f"{months[-1]:%Y-%m}", coverage=len(window.intersection(months)) / 12,
            needs=", ".join(NEEDS[n] for n in sorted({r.need for r in own}))))
    return out


def attach_returns(inputs: Sequence[AreaInputs], rows: Sequence[VcseRow],
                   productive_hours_week: float) -> tuple[list[AreaInputs], list[str]]:
    """The areas with their partners' returns attached, and notes on returns matching none."""
    out = []
    for item in inputs:
        found = partners(rows, item.area, productive_hours_week)
        if found:
            note = (f"{item.area}: {len(found)} VCSE organisation(s) returned figures; "
                    "families and hours held at their latest three months over the plan")
            item = replace(item, partners=(*item.partners, *found),
                           notes=(*item.notes, note))
        out.append(item)
    planned = {name_key(i.area) for i in inputs}
    stray = sorted({r.area for r in rows if name_key(r.area) not in planned})
    notes = [f"VCSE returns for {area} match no area in this plan; not used" for area in stray]
    return out, notes
