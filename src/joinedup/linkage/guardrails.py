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

_MACROS = (
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
    # Forenames that are not one name written two ways: not the same, neither a nickname of
    # the other, neither among the other's names, neither the start of the other (Kath,
    # Katherine; an initial). Alike names (Arjun, Arun) are other names here.
    # A forename among the other record's names: a middle name used as forename, or the
    # names swapped (the forename holds the other's surname). Not when the word is the
    # surname of both records: "Ali Ali" and "Ahmed Ali" born the same day are twins, not
    # one boy whose forename was typed as his surname.
    # A record without a surname has no surname the word could be.
    """CREATE OR REPLACE TEMP MACRO jdu_among_names(f, t, s_own, s_other) AS
        coalesce(list_contains(t, f), false)
        AND NOT coalesce(list_contains(s_own, f) AND list_contains(s_other, f), false)""",
    """CREATE OR REPLACE TEMP MACRO jdu_forenames_other(fl, fr, vl, vr, tl, tr, sl, sr) AS
        fl IS NOT NULL AND fr IS NOT NULL AND fl <> fr
        AND NOT coalesce(list_contains(vl, fr), false)
        AND NOT coalesce(list_contains(vr, fl), false)
        AND NOT jdu_among_names(fl, tr, sl, sr) AND NOT jdu_among_names(fr, tl, sr, sl)
        AND NOT starts_with(fl, fr) AND NOT starts_with(fr, fl)""",
    # Forenames that differ outright: neither a nickname of the other (two diminutives of one
    # name, Maisie and Daisy, are two names: twins' names rhyme), neither among the other's
    # names (a middle name used as a forename), neither the start of the other (Kath,
    # Katherine), and not alike (Jaro-Winkler below 0.8) unless their first letters differ
    # (Ella and Bella: a typing error rarely hits the first letter). An initial differs from a
    # name that starts with another letter.
    """CREATE OR REPLACE TEMP MACRO jdu_forenames_differ(fl, fr, vl, vr, tl, tr, sl, sr) AS
        jdu_forenames_other(fl, fr, vl, vr, tl, tr, sl, sr)
        AND CASE WHEN length(fl) = 1 OR length(fr) = 1
                 THEN substr(fl, 1, 1) <> substr(fr, 1, 1)
                 ELSE jaro_winkler_similarity(fl, fr) < 0.8
                      OR (substr(fl, 1, 1) <> substr(fr, 1, 1)
                          AND least(length(fl), length(fr)) >= 3)
            END""",
    # How a name sounds, roughly: its consonants in Soundex's classes (b f p v; c g j k q s x
    # z; d t; l; m; n; r), h and w dropped, a run of one class written once, vowels left out
    # after they have kept two equal classes apart. Unlike Soundex it keeps every consonant
    # and the first letter's class, and m apart from n (Anita and Amit): Ramesh 652, Rajesh
    # 622; Zainab and Zaynab both 271.
    """CREATE OR REPLACE TEMP MACRO jdu_sound(x) AS
        replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
            regexp_replace(regexp_replace(translate(x, 'bfpvcgjkqsxzdtlmnraeiouyhw',
                                                    '111122222222334576000000'),
            '1+', '1', 'g'), '2+', '2', 'g'), '3+', '3', 'g'), '4+', '4', 'g'),
            '5+', '5', 'g'), '6+', '6', 'g'), '7+', '7', 'g'), '0', '')""",
    # Two forenames in use that sound different: Ramesh and Rajesh, Hardeep and Harpreet,
    # Michelle and Millie are two names however alike they look. In use: each given by at
    # least three families (surnames) in the input, the rarer by at least a tenth as many as
    # the commoner; a typing error is made once, or a few times against a name hundreds
    # give. Spellings of one name (Zainab, Zaynab; Hassan, Hasan) sound the same, and names
    # that share a canonical name (Kate, Katherine) are one name.
    # kl, kr: the families; ol, or_: each forename's `jdu_sound`, worked out once per name.
    """CREATE OR REPLACE TEMP MACRO jdu_names_in_use_differ(fl, fr, vl, vr, tl, tr, sl, sr,
                                                           kl, kr, ol, or_) AS
        least(kl, kr) >= 3 AND least(kl, kr) * 10 >= greatest(kl, kr)
        AND length(fl) > 1 AND length(fr) > 1 AND ol <> or_
        AND jdu_forenames_other(fl, fr, vl, vr, tl, tr, sl, sr)
        AND NOT coalesce(list_has_any(vl, vr), false)""",
    # One forename (or one written two ways) but middle names that differ outright: Mohammed
    # Imran and Mohammed Ahmed, John Paul and John Peter. A middle name left out, an initial
    # for it, or one middle name in common is no difference.
    """CREATE OR REPLACE TEMP MACRO jdu_middle_names_differ(fl, fr, vl, vr, tl, tr, sl, sr,
                                                           gl, gr) AS
        len(gl) > 0 AND len(gr) > 0 AND NOT list_has_any(gl, gr)
        AND NOT jdu_forenames_differ(fl, fr, vl, vr, tl, tr, sl, sr)
        AND jdu_forenames_differ(gl[1], gr[1], NULL, NULL, gl, gr, NULL, NULL)""",
    # One identifier on both records: the same NHS number, UPN or person number.
    """CREATE OR REPLACE TEMP MACRO jdu_shared_number(nl, nr, ul, ur, pl, pr) AS
        coalesce(nl = nr, false) OR coalesce(ul = ur, false) OR coalesce(pl = pr, false)""",
    # Surnames of one family: the same, one typing error apart (Mohamed, Moamed), or sharing
    # a part (Smith and Smith-Jones).
    """CREATE OR REPLACE TEMP MACRO jdu_surnames_alike(sl, sr, tl, tr) AS
        sl = sr
        OR (least(length(sl), length(sr)) >= 4 AND damerau_levenshtein(sl, sr) <= 1)
        OR coalesce(list_has_any(tl, tr), false)""")


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


def chosen(present: Collection[str], *, rules: Collection[Guardrail] | None = None,
           without: Collection[str] = (), separate_twins: bool = True) -> list[Guardrail]:
    """The rules a run applies: `rules` (None: joinedup's own), less those named in `without`
    (a name no rule has is an error) and "twins" without `separate_twins`, narrowed to the
    columns `present`."""
    rules = builtin() if rules is None else rules
    unknown = set(without) - {rule.name for rule in rules}
    if unknown:
        raise LinkageError(f"no guardrail named {', '.join(sorted(unknown))}; the rules are: "
                           f"{', '.join(rule.name for rule in rules)}.")
    return applicable(rules, present, {*without, *(() if separate_twins else ("twins",))})


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    for sql in _MACROS:
        con.execute(sql)


def rule_case(rules: Collection[Guardrail]) -> str:
    """SQL on records l and r: the name of the first rule the pair breaks, else NULL."""
    if not rules:
        return "NULL::VARCHAR"
    # A condition that is NULL does not hold: CASE passes over it as over false. Left bare
    # (not wrapped in coalesce), DuckDB evaluates each AND term only on the pairs the terms
    # before it kept (most pairs fail the first: a twin needs the same date of birth), which
    # made checking every link a third the time at a million records.
    branches = " ".join(
        f"WHEN ({rule.sql}) THEN '{rule.name.replace(chr(39), chr(39) * 2)}'"
        for rule in rules)
    return f"CASE {branches} END"
