"""Plain Splink: the baseline every linkage bench compares joinedup with.

Splink 5's textbook settings, as in its own examples (`deduplicate_50k_synthetic`, `febrl3`,
`febrl4`): `NameComparison` for forename and surname, `DateOfBirthComparison` on ISO text,
`PostcodeComparison`, `ExactMatch` for sex and identifiers, Damerau-Levenshtein within 2 for
identifier-like extra columns (FEBRL's soc_sec_id), `ExactMatch` with term frequencies for
other extra columns (birth place, occupation); prior from deterministic rules, u by random
sampling, EM on forename+surname and on date of birth blocks; `predict` at the threshold and
connected components (`cluster_pairwise_predictions_at_threshold`) at the same threshold.

It runs on a table standardised by joinedup's own `prepare_records` (lower-case names, ISO
dates, one-space postcodes; `extra_<name>` for extra columns), so both systems see the same
input. Only comparisons for the columns passed in `columns` are used. The blocking rules are
the examples' (forename/surname/dob/postcode pairs and identifiers) unless `blocking` is given
(`bench/linkage_scale.py` passes joinedup's own rules, to compare like with like at scale).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

THRESHOLD = 0.8

# Prepared columns plain Splink knows how to compare, in settings order.
CORE = ("first_name", "surname", "dob", "sex", "postcode", "address", "nhs_number", "upn")


@dataclass(frozen=True)
class PlainRun:
    cluster_of: dict[str, str]
    """node id (unique_id, or source_dataset:unique_id when linking) -> cluster id."""
    pairs: list[tuple[str, str, float]]
    """Pairs predicted at or above the threshold (node ids, match probability)."""
    seconds: float


def _comparisons(columns: Collection[str], identifiers: Collection[str]) -> list[Any]:
    import splink.comparison_library as cl

    built: dict[str, Any] = {
        "first_name": lambda: cl.NameComparison("first_name"),
        "surname": lambda: cl.NameComparison("surname"),
        "dob": lambda: cl.DateOfBirthComparison("dob", input_is_string=True),
        "sex": lambda: cl.ExactMatch("sex"),
        "postcode": lambda: cl.PostcodeComparison("postcode"),
        "address": lambda: cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
        "nhs_number": lambda: cl.ExactMatch("nhs_number"),
        "upn": lambda: cl.ExactMatch("upn"),
    }
    chosen = [built[c]() for c in CORE if c in columns]
    for column in sorted(c for c in columns if c.startswith("extra_")):
        if column.removeprefix("extra_") in identifiers:
            chosen.append(cl.DamerauLevenshteinAtThresholds(column, [2]))
        else:
            chosen.append(cl.ExactMatch(column).configure(term_frequency_adjustments=True))
    return chosen


def textbook_blocking(columns: Collection[str], identifiers: Collection[str] = ()) -> list[Any]:
    """The examples' prediction blocking rules, for the columns there are."""
    from splink import block_on

    rules = [
        ("substr(first_name,1,3)", "substr(surname,1,4)"),
        ("surname", "dob"),
        ("first_name", "dob"),
        ("postcode", "first_name"),
        ("postcode", "surname"),
        ("nhs_number",),
        ("upn",),
        *((f"extra_{name}",) for name in sorted(identifiers)),
    ]

    def bare(expression: str) -> str:
        return expression.removeprefix("substr(").split(",")[0]

    return [block_on(*rule) for rule in rules
            if all(bare(part) in columns for part in rule)]


def run_plain_splink(con: Any, tables: Sequence[str], columns: Collection[str], *,
                     link_type: str = "dedupe_only", threshold: float = THRESHOLD,
                     blocking: list[Any] | None = None, identifiers: Collection[str] = (),
                     u_max_pairs: float = 5e6,
                     say: Callable[[str], None] = lambda _m: None) -> PlainRun:
    """Train, predict and cluster with plain Splink on prepared DuckDB table(s) on `con`."""
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    present = set(columns)
    started = time.perf_counter()
    settings = SettingsCreator(
        link_type=link_type,
        comparisons=_comparisons(present, identifiers),
        blocking_rules_to_generate_predictions=(
            blocking if blocking is not None else textbook_blocking(present, identifiers)),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker([db_api.register(t) for t in tables] if len(tables) > 1
                    else db_api.register(tables[0]), settings)
    say("plain Splink: training")
    deterministic = [block_on(*rule) for rule in (
        ("first_name", "surname", "dob"), ("nhs_number",), ("upn",),
        *((f"extra_{name}",) for name in sorted(identifiers)),
    ) if set(rule) <= present]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=1)
    for rule in (("first_name", "surname"), ("dob",)):
        if set(rule) <= present:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*rule), estimate_without_term_frequencies=True)
    say("plain Splink: scoring")
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    say("plain Splink: clustering")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold)
    linking = link_type != "dedupe_only"

    def node(side: str) -> str:
        uid = f"unique_id{side}"
        return f"source_dataset{side} || ':' || {uid}" if linking else uid

    cluster_of = {str(u): str(c) for u, c in con.sql(
        f'SELECT {node("")}, cluster_id FROM "{clusters.physical_name}"').fetchall()}
    pairs = [(str(a), str(b), float(p)) for a, b, p in con.sql(
        f'SELECT {node("_l")}, {node("_r")}, match_probability '
        f'FROM "{predictions.physical_name}" WHERE match_probability >= {float(threshold)}'
    ).fetchall()]
    return PlainRun(cluster_of, pairs, time.perf_counter() - started)
