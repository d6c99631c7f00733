"""Small builders for sources.yaml entries, so each writer declares its own mapping beside
the code that shapes its files (and the two cannot drift apart)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

Mapping = dict[str, Any]


def source(name: str, system: str, service: str, current: dt.date, start: dt.date | None,
           end: dt.date | None, files: list[Mapping]) -> Mapping:
    entry: Mapping = {"name": name, "system": system, "service": service,
                      "data_current_as_of": current.isoformat()}
    if start is not None:
        entry["coverage_start"] = start.isoformat()
    if end is not None:
        entry["coverage_end"] = end.isoformat()
    entry["files"] = files
    return entry


def file(path: str, targets: list[Mapping], *, format: str = "csv",
         date_format: str | None = None, encoding: str | None = None,
         delimiter: str | None = None, sheet: str | None = None,
         table: str | None = None) -> Mapping:
    entry: Mapping = {"path": path, "format": format}
    for key, value in (("encoding", encoding), ("delimiter", delimiter), ("sheet", sheet),
                       ("table", table), ("date_format", date_format)):
        if value is not None:
            entry[key] = value
    entry["targets"] = targets
    return entry


def target(entity: str, **fields: Any) -> Mapping:
    return {"entity": entity, "fields": fields}


def value(constant: str) -> Mapping:
    return {"value": constant}


def col(name: str, *, codes: dict[str, str] | None = None,
        date_format: str | None = None) -> Mapping | str:
    if codes is None and date_format is None:
        return name
    entry: Mapping = {"column": name}
    if date_format is not None:
        entry["date_format"] = date_format
    if codes is not None:
        entry["codes"] = codes
    return entry


def cols(names: list[str], separator: str = ", ") -> Mapping:
    return {"columns": names, "separator": separator}


def dump(sources: list[Mapping]) -> str:
    header = ("# Written by `joinedup synth`: every extract of the synthetic borough mapped onto\n"
              "# the common data model. The ground truth folder is deliberately not listed.\n")
    body = yaml.safe_dump({"version": 1, "sources": sources}, sort_keys=False,
                          allow_unicode=True, width=100)
    return header + body
