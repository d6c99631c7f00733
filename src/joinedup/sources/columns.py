"""Match the columns a mapping names to the columns a file has, with helpful errors."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from joinedup.errors import SourceError


def loose(name: str) -> str:
    """A column name compared loosely: case and runs of spaces ignored."""
    return " ".join(name.split()).casefold()


def resolve_columns(wanted: Iterable[str], available: tuple[str, ...],
                    shown: str) -> dict[str, str]:
    """Mapping column -> file column. Exact names win; otherwise a unique match ignoring case
    and repeated spaces is accepted (exports often change case or pad headers)."""
    by_loose: dict[str, list[str]] = {}
    for name in available:
        by_loose.setdefault(loose(name), []).append(name)
    resolved: dict[str, str] = {}
    missing: list[str] = []
    for name in dict.fromkeys(wanted):
        if name in available:
            resolved[name] = name
        elif len(by_loose.get(loose(name), [])) == 1:
            resolved[name] = by_loose[loose(name)][0]
        else:
            missing.append(name)
    if missing:
        raise SourceError(_missing_message(missing, available), file=shown,
                          field=", ".join(missing))
    return resolved


def _missing_message(missing: list[str], available: tuple[str, ...]) -> str:
    hints = []
    for name in missing:
        close = difflib.get_close_matches(name, available, n=1, cutoff=0.6)
        if not close:
            close = [a for a in available if loose(name) in loose(a) or loose(a) in loose(name)]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        hints.append(f"{name!r}{hint}")
    shown_cols = ", ".join(repr(a) for a in available[:60])
    more = f" and {len(available) - 60} more" if len(available) > 60 else ""
    delimiter_hint = ""
    if len(available) == 1 and any(sep in available[0] for sep in (";", "\t", "|")):
        delimiter_hint = " The header looks like one column: set `delimiter:` in sources.yaml."
    return (
        f"the mapping uses column(s) the file does not have: {', '.join(hints)}. "
        f"The file's columns are: {shown_cols}{more}. Fix the column names under `fields:` "
        f"in sources.yaml, or the export.{delimiter_hint}"
    )
