"""Guardrails against false merges: rules, kept as data in `guardrails.yaml`, naming pairs of
records that are never one person unless a reviewer says so.

A model that adds up agreeing fields sees a family as one person: parents, children and
grandparents share a surname, an address and a postcode, twins a date of birth too. The
model's weights cannot say "never"; these rules can. Clustering (`resolve`) checks them on
every two records it would bring into one person, scored or not, and treats each pair that
breaks a rule as a cannot-link: no direct link, and no chain of links through others either.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import yaml

from joinedup.linkage.model import LinkageError

# NHS numbers: the Modulus 11 check (NHS Data Dictionary, "NHS Number"): weights 10 down to 2
# on the first nine digits; 11 minus the remainder is the check digit, 11 means 0, and 10
# means the number is not valid.
_NHS_SUM = " + ".join(f"CAST(substr(n, {i}, 1) AS INTEGER) * {11 - i}" for i in range(1, 10))
_MACROS = (
    f"""CREATE OR REPLACE TEMP MACRO jdu_nhs_valid(n) AS
        regexp_full_match(n, '[0-9]{{10}}')
        AND (11 - (({_NHS_SUM}) % 11)) % 11 = CAST(substr(n, 10, 1) AS INTEGER)""",
    # Two dates of birth (YYYY-MM-DD) that no common typing error explains: more than two
    # digits differ, neither day and month nor the year's last two digits are swapped, and
    # not the same year where one date is 1 January (a placeholder for "day not known").
    """CREATE OR REPLACE TEMP MACRO jdu_dob_unrelated(a, b) AS
        length(a) = 10 AND length(b) = 10 AND hamming(a, b) > 2
        AND NOT (substr(a, 1, 4) = substr(b, 1, 4)
                 AND (substr(a, 6, 5) = '01-01' OR substr(b, 6, 5) = '01-01'))
        AND NOT (substr(a, 1, 4) = substr(b, 1, 4) AND substr(a, 6, 2) = substr(b, 9, 2)
                 AND substr(a, 9, 2) = substr(b, 6, 2))
        AND NOT (substr(a, 5, 6) = substr(b, 5, 6) AND substr(a, 1, 2) = substr(b, 1, 2)
                 AND substr(a, 3, 1) = substr(b, 4, 1) AND substr(a, 4, 1) = substr(b, 3, 1))""",
    """CREATE OR REPLACE TEMP MACRO jdu_years_apart(a, b) AS
        abs(TRY_CAST(substr(a, 1, 4) AS INTEGER) - TRY_CAST(substr(b, 1, 4) AS INTEGER))""",
    # Forenames that differ outright: both more than an initial, not nicknames of each other,
    # not alike (Jaro-Winkler below 0.8), neither the start or end of the other (Kath,
    # Katherine) and neither among the other's names (a middle name used as a forename).
    """CREATE OR REPLACE TEMP MACRO jdu_forenames_differ(fl, fr, vl, vr, tl, tr) AS
        length(fl) > 1 AND length(fr) > 1
        AND NOT coalesce(list_has_any(vl, vr), false)
        AND jaro_winkler_similarity(fl, fr) < 0.8
        AND NOT (least(length(fl), length(fr)) >= 3
                 AND (starts_with(fl, fr) OR starts_with(fr, fl)
                      OR ends_with(fl, fr) OR ends_with(fr, fl)))
        AND NOT coalesce(list_contains(tr, fl), false)
        AND NOT coalesce(list_contains(tl, fr), false)""",
)


@dataclass(frozen=True, slots=True)
class Guardrail:
    name: str
    title: str
    why: str
    needs: tuple[str, ...]
    sql: str
    """A condition on two prepared records aliased l and r."""


def _parse(document: Any, origin: str) -> tuple[Guardrail, ...]:
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise LinkageError(f"{origin}: expected a mapping with a list of `rules`.")
    rules = []
    for number, item in enumerate(document["rules"], start=1):
        missing = [key for key in ("name", "title", "why", "needs", "sql")
                   if not isinstance(item, dict) or key not in item]
        if missing:
            raise LinkageError(f"{origin}: rule {number} lacks {', '.join(missing)}.")
        rules.append(Guardrail(str(item["name"]), str(item["title"]), str(item["why"]),
                               tuple(str(n) for n in item["needs"]), str(item["sql"])))
    names = [rule.name for rule in rules]
    if len(set(names)) != len(names):
        raise LinkageError(f"{origin}: two rules share a name; each needs its own.")
    return tuple(rules)


@cache
def builtin() -> tuple[Guardrail, ...]:
    """The rules shipped with joinedup (`guardrails.yaml`)."""
    text = resources.files("joinedup.linkage").joinpath("guardrails.yaml").read_text("utf-8")
    return _parse(yaml.safe_load(text), "guardrails.yaml")


def load(path: Path) -> tuple[Guardrail, ...]:
    """Rules from a file of the same form as `guardrails.yaml`."""
    try:
        return _parse(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))
    except (OSError, yaml.YAMLError) as exc:
        raise LinkageError(f"cannot read guardrails from {path}: {exc}") from exc


def applicable(rules: Collection[Guardrail], present: Collection[str],
               without: Collection[str] = ()) -> list[Guardrail]:
    """The rules whose columns hold data, less those named in `without`."""
    return [rule for rule in rules
            if rule.name not in without and all(column in present for column in rule.needs)]


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    for sql in _MACROS:
        con.execute(sql)


def rule_case(rules: Collection[Guardrail]) -> str:
    """SQL on records l and r: the name of the first rule the pair breaks, else NULL."""
    if not rules:
        return "NULL::VARCHAR"
    branches = " ".join(
        f"WHEN coalesce(({rule.sql}), false) THEN '{rule.name.replace(chr(39), chr(39) * 2)}'"
        for rule in rules)
    return f"CASE {branches} END"
