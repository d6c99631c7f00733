"""The Fellegi-Sunter model: settings, training, saving and loading.

Training follows Splink's recipe: the prior (how likely two random records are the same
person) from deterministic rules with an assumed recall; u probabilities (how often
non-matching pairs agree by chance) by random sampling; m probabilities (how often true
matches agree) by expectation maximisation over a few blocking rules, each of which leaves
the fields it does not block on free to be estimated. The model is a Splink settings JSON:
any Splink 5 install can read it, and `joinedup match --model` reuses it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.exceptions import SplinkException

from joinedup.errors import JoinedUpError
from joinedup.linkage import blocking
from joinedup.linkage.comparisons import comparison_names, comparisons_for
from joinedup.linkage.fields import EXTRA_PREFIX

LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]
Progress = Callable[[str], None]

# Splink reports at INFO and warns per untrained level; joinedup reports its own steps and
# sums up untrained levels itself (`untrained_levels`).
logging.getLogger("splink").setLevel(logging.ERROR)


class LinkageError(JoinedUpError):
    """A matching model cannot be built, trained, read or applied."""


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    """How hard training works. The defaults suit up to a few million records on a laptop."""

    u_max_pairs: float = 2e6
    """Random pairs sampled for u probabilities. Each is scored like a blocked pair, so the
    sample costs time; two million still see the rarest trained level (an exact date of
    birth, u about 1e-4) hundreds of times."""
    em_max_pairs: float = 1e6
    """Cap on blocked pairs per EM session (sampled when more)."""
    seed: int = 42
    """Random seed: the same data and seed give the same model."""
    deterministic_recall: float = blocking.DETERMINISTIC_RECALL
    """Assumed recall of the deterministic rules used for the prior."""
    min_fill: float = 0.01
    """A field is compared only if at least this share of records has it."""
    em_sessions: tuple[tuple[str, ...], ...] | None = None
    """Blocking keys of the EM sessions (None: `blocking.TRAINING_KEYS`). Data where many
    different people share a key (households share a postcode) needs that key left out."""


def present_columns(filled: dict[str, int], rows: int, min_fill: float) -> set[str]:
    """Prepared columns with enough data to be worth comparing or blocking on: in at least
    `min_fill` of the records and in two of them (in the one record of a one-record file,
    which is linked to another file)."""
    return {column for column, count in filled.items()
            if count >= min(2, rows) and count >= min_fill * rows}


def build_settings(present: Collection[str], extras: Sequence[str],
                   link_type: LinkType = "dedupe_only") -> SettingsCreator:
    """Splink settings for the fields present: comparisons and prediction blocking rules."""
    comparisons = comparisons_for(present, extras)
    if not comparisons:
        raise LinkageError(
            "no field has enough data to compare: map names, date of birth, postcode or "
            "identifiers with --columns."
        )
    keys = blocking.keys_available(
        [*blocking.BLOCKING_KEYS, *blocking.extra_keys(extras, EXTRA_PREFIX)], present
    )
    if not keys:
        raise LinkageError(
            "no blocking rule can run on these fields: matching needs at least two of "
            "forename, surname, date of birth and postcode, or an NHS number or UPN."
        )
    return SettingsCreator(
        link_type=link_type,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking.rules(keys),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=25,
        em_convergence=0.001,
    )


def make_linker(db_api: DuckDBAPI, tables: Sequence[str],
                settings: SettingsCreator | dict[str, Any]) -> Any:
    """A Splink linker over prepared DuckDB tables (one to dedupe, two or more to link)."""
    frames = [db_api.register(table) for table in tables]
    target = frames[0] if len(frames) == 1 else frames
    if isinstance(settings, dict):
        settings = SettingsCreator.from_path_or_dict(settings)
    return Linker(target, settings, log_level=None)


def train(linker: Any, present: Collection[str], options: TrainingOptions,
          rows: Sequence[int], progress: Progress | None = None) -> None:
    """Estimate the prior, u and m probabilities in place (`rows`: the records in each
    input, for the floor on m, `floor_m_probabilities`)."""
    say = progress or (lambda _message: None)
    deterministic = blocking.keys_available(
        (*blocking.DETERMINISTIC_KEYS, ("first_name", "surname", "postcode"),
         ("first_name", "dob", "postcode")),
        present,
    )
    if deterministic:
        say("estimating the prior from deterministic rules")
        try:
            linker.training.estimate_probability_two_random_records_match(
                blocking.rules(deterministic[:2]), recall=options.deterministic_recall
            )
        except ZeroDivisionError as exc:
            raise LinkageError("too few records to train a model (fewer than two pairs to "
                               "compare): give more records, or a model with --model.") from exc
        except ValueError:
            # Splink refuses when the rules find more matches than the assumed recall
            # allows (a small file that is mostly duplicates); EM still moves the prior.
            say("the prior could not be estimated (too many exact duplicates); "
                "starting from Splink's default")
    say(f"estimating u probabilities from up to {options.u_max_pairs:,.0f} random pairs")
    linker.training.estimate_u_using_random_sampling(
        max_pairs=options.u_max_pairs, seed=options.seed
    )
    sessions = blocking.keys_available(options.em_sessions or blocking.TRAINING_KEYS, present)
    trained = 0
    for rule in sessions:
        say(f"estimating m probabilities by EM, blocking on {' + '.join(rule)}")
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                blocking.rules([rule])[0],
                estimate_without_term_frequencies=True,
                max_pairs=options.em_max_pairs,
            )
        except SplinkException:
            # Typically no pairs share this key (e.g. one file has no postcodes): the other
            # sessions still estimate these fields.
            continue
        except ValueError as exc:
            # Splink refuses an m probability that underflows to 0, which EM reaches on
            # degenerate data (thousands of copies of one record); the session is dropped.
            say(f"EM blocked on {' + '.join(rule)} did not converge ({exc}); skipped")
            continue
        trained += 1
    if not trained:
        raise LinkageError(
            "no EM training rule found any pairs: the input needs records that share a "
            "forename and surname, a date of birth or a postcode. Give more data or --model."
        )
    floored = floor_m_probabilities(linker, pairs_in(rows, linker._settings_obj._link_type))
    if floored:
        say(f"m kept at or above what the data can show: {'; '.join(floored)}")
    raised = no_weaker_than_else(linker)
    if raised:
        say(f"raised to the weight of 'nothing in common': {'; '.join(raised)}")


def pairs_in(rows: Sequence[int], link_type: str) -> float:
    """How many pairs of records inputs of these sizes hold for a job of this link type."""
    if link_type == "dedupe_only" or len(rows) == 1:
        total = float(sum(rows))
        return total * (total - 1) / 2
    across = float(sum(a * b for i, a in enumerate(rows) for b in rows[i + 1:]))
    if link_type == "link_and_dedupe":
        across += sum(n * (n - 1) / 2 for n in rows)
    return across


def floor_m_probabilities(linker: Any, pairs: float) -> list[str]:
    """Keep every trained m probability at least 1/2 over (true pairs + 1), where true pairs
    = the prior x `pairs`; returns "comparison: level" for each level raised.

    EM estimates m as the share of true matches at a level. When it sees none there (no true
    pair of the borough records two sexes), the estimate is 0 and the weight minus infinity
    (Splink kept 2e-42: -137), a veto no data could justify: with N true pairs, "none seen"
    only says the share is below about 1/N. Half an observation (the Jeffreys estimate of a
    proportion seen 0 times in N) is the least the data can show, so that is the floor. It
    depends on the data's size, not on any setting; for 50,000 records it is about 6e-6.
    """
    prior = linker._settings_obj._probability_two_random_records_match
    if not isinstance(prior, float) or pairs <= 0:
        return []
    floor = 0.5 / (prior * pairs + 1)
    floored = []
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            m = level._m_probability
            if level.is_null_level or not isinstance(m, float) or m >= floor:
                continue
            level.m_probability = floor
            floored.append(f"{comparison.output_column_name}: {level.label_for_charts}")
    return floored


def no_weaker_than_else(linker: Any) -> list[str]:
    """Raise any trained level whose match weight is below its comparison's else level to
    the else level's weight; returns "comparison: level" for each level raised.

    Agreeing in part (the same year of birth, a similar name) cannot be stronger evidence
    against a match than having nothing in common. EM can learn it so when a level's true
    pairs are few and the match class it settles on is skewed (historical_50k: "same year"
    at -13.2 against -10.7 for different dates), and then a partial agreement vetoes what
    a total disagreement would not.
    """
    raised = []
    for comparison in linker._settings_obj.comparisons:
        levels = [level for level in comparison.comparison_levels
                  if not level.is_null_level]
        last = levels[-1] if levels else None
        if (last is None or not last._is_else_level
                or not isinstance(last._m_probability, float)
                or not isinstance(last._u_probability, float)):
            continue
        floor = last._m_probability / last._u_probability
        for level in levels[:-1]:
            m, u = level._m_probability, level._u_probability
            if not isinstance(m, float) or not isinstance(u, float) or m / u >= floor:
                continue
            level.m_probability = min(1.0, floor * u)
            raised.append(f"{comparison.output_column_name}: {level.label_for_charts}")
    return raised


# The exact level of each strong identifier: a value shared by a handful of records in a
# million, which a random sample of pairs does not meet.
IDENTIFIER_LEVELS = frozenset({("nhs_number", "same number"), ("upn", "same number"),
                               ("person_number", "same number")})


def u_from_value_counts(linker: Any, con: duckdb.DuckDBPyConnection,
                        tables: Sequence[str]) -> list[str]:
    """Fill the u probability of an identifier's exact level that random sampling left
    unobserved, from the identifier's value counts: the chance that two records holding it
    share it, sum of n(n-1) over values / M(M-1). Splink would otherwise stand in 1e-6,
    whatever the data (at a million records, 2 million random pairs met no shared NHS
    number; the counts give about 1e-5). This is what the sample estimates, counted exactly:
    it includes a person's own records sharing their number, so it errs towards trusting a
    shared number less. Returns "comparison: level" for each level filled.
    """
    filled = []
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        for level in comparison.comparison_levels:
            if ((name, level.label_for_charts) not in IDENTIFIER_LEVELS
                    or isinstance(level._u_probability, float)):
                continue
            values = " UNION ALL ".join(f'SELECT "{name}" AS v FROM "{t}"' for t in tables)
            held, shared = con.execute(
                f"SELECT sum(n), sum(n * (n - 1)) FROM (SELECT count(*) AS n FROM ({values}) "
                "WHERE v IS NOT NULL GROUP BY v)").fetchall()[0]
            if held is None or held < 2 or not shared:
                continue  # no two records share a value: the level cannot occur
            level.u_probability = float(shared) / (float(held) * (float(held) - 1))
            filled.append(f"{name}: {level.label_for_charts}")
    return filled


def untrained_levels(settings: dict[str, Any]) -> list[str]:
    """Levels left without a trained m or u probability ("comparison: level")."""
    missing = []
    for comparison in settings.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            if "m_probability" not in level or "u_probability" not in level:
                missing.append(f"{comparison.get('output_column_name')}: "
                               f"{level.get('label_for_charts', level.get('sql_condition'))}")
    return missing


def save_model(linker: Any, path: Path) -> None:
    """Write the trained model as Splink settings JSON."""
    try:
        linker.misc.save_model_to_json(str(path), overwrite=True)
    except OSError as exc:
        raise LinkageError(f"cannot write the model to {path}: {exc}") from exc


def load_model(path: Path) -> dict[str, Any]:
    """Read a saved model; raises LinkageError if it is not a Splink settings JSON."""
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LinkageError(f"model file not found: {path}. Train one with --save-model.") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LinkageError(f"cannot read the model {path}: {exc}. It must be the JSON "
                           "written by --save-model.") from exc
    if not isinstance(settings, dict) or not isinstance(settings.get("comparisons"), list):
        raise LinkageError(f"{path} is not a matching model (no comparisons). Use a file "
                           "written by --save-model.")
    return settings


def model_extras(settings: dict[str, Any]) -> list[str]:
    """The extra input columns a saved model compares."""
    return [name[len(EXTRA_PREFIX):] for name in comparison_names(settings)
            if name.startswith(EXTRA_PREFIX)]


def with_link_type(settings: dict[str, Any], link_type: LinkType) -> dict[str, Any]:
    """A copy of saved settings for another job (a model trained deduping can link)."""
    copied = dict(settings)
    copied["link_type"] = link_type
    copied.pop("linker_uid", None)
    return copied


def _narrowed(settings: dict[str, Any], condition: str) -> dict[str, Any]:
    """The settings with `condition` (SQL on the pair's records l and r) added to every
    blocking rule."""
    narrowed = []
    for rule in settings["blocking_rules_to_generate_predictions"]:
        item = dict(rule) if isinstance(rule, dict) else {"blocking_rule": str(rule)}
        item["blocking_rule"] = f'({item["blocking_rule"]}) AND {condition}'
        narrowed.append(item)
    return {**settings, "blocking_rules_to_generate_predictions": narrowed}


def _id_column(settings: dict[str, Any]) -> str:
    return str(settings.get("unique_id_column_name", "unique_id")).replace('"', '""')


def only_region_pairs(settings: dict[str, Any], region_table: str,
                      new_from: str) -> dict[str, Any]:
    """The settings with every blocking rule narrowed to pairs of two records below
    `new_from` that are both listed in `region_table` (its one text column): the known
    records an incremental run clusters again (`pipeline`), whose pairs with each other
    it has not scored yet."""
    literal = new_from.replace("'", "''")
    table = region_table.replace('"', '""')
    ids = _id_column(settings)
    return _narrowed(settings, f"""r."{ids}" < '{literal}' """
                     f"""AND l."{ids}" IN (SELECT * FROM "{table}") """
                     f"""AND r."{ids}" IN (SELECT * FROM "{table}")""")


def only_new_pairs(settings: dict[str, Any], new_from: str) -> dict[str, Any]:
    """The settings with every blocking rule narrowed to pairs that involve a record whose
    id is at least `new_from`: the pairs an incremental run has not scored before.

    In a dedupe Splink orders each pair so that the left id is the smaller, so a pair is new
    exactly when its right-hand id is at least `new_from`.
    """
    literal = new_from.replace("'", "''")
    return _narrowed(settings, f"""r."{_id_column(settings)}" >= '{literal}'""")
