"""Scoring pairs of records with a saved model, without building a Splink linker.

Splink's `score_pairs` builds a linker and a SQL pipeline for every call (hundreds of
milliseconds), too slow for a search box or an explanation on a web page. Here the model JSON
is read once by Splink's own settings objects, which give each comparison's levels in
order, each level's match weight log2(m/u) (with Splink's defaults for levels training left
untrained) and its term-frequency parameters; the levels' SQL conditions are compiled by
`conditions` to Python. Scoring one left record against a batch of right records then
assigns each pair the first level whose condition holds, as Splink's CASE does, and adds
up the prior, the level weights and the term-frequency adjustments as Splink's `predict`
does. `tests/integration/test_search_index.py` checks the weights against Splink's.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from splink import SettingsCreator

from joinedup.linkage.conditions import Condition, Env, compile_condition
from joinedup.linkage.model import LinkageError

# Splink saves a custom comparison's class name as its description, so the names live here.
DESCRIPTIONS = {"first_name": "forename", "surname": "surname", "dob": "date of birth",
                "sex": "sex", "postcode": "postcode", "address": "address", "uprn": "UPRN",
                "nhs_number": "NHS number", "upn": "UPN",
                "person_number": "person number"}


@dataclass(frozen=True, slots=True)
class ComparisonStep:
    """One comparison's part of a match weight."""

    name: str
    """The comparison's output column (first_name, dob, ...)."""
    description: str
    value_a: Any
    """Record A's standardised value (what the model compared)."""
    value_b: Any
    level: int
    """Splink's comparison vector value: -1 null, 0 else, higher is more specific."""
    label: str
    m_probability: float | None
    u_probability: float | None
    match_weight: float
    """log2(m/u) of the level reached (0 at the null level)."""
    tf_adjustment: float | None
    """log2 of the term-frequency adjustment, when the level reached has one."""

    @property
    def total(self) -> float:
        """The comparison's whole contribution to the final weight."""
        return self.match_weight + (self.tf_adjustment or 0.0)


@dataclass(frozen=True, slots=True)
class Level:
    gamma: int
    label: str
    sql_condition: str
    condition: Condition | None
    """None for the else level."""
    match_weight: float
    m_probability: float | None
    u_probability: float | None
    tf_column: str | None = None
    tf_weight: float = 0.0
    tf_minimum_u: float = 0.0
    tf_log2_u: float = 0.0
    """log2 of the exact-match level's u: the base the term frequency replaces."""


@dataclass(frozen=True, slots=True)
class Comparison:
    name: str
    description: str
    columns: tuple[str, ...]
    levels: tuple[Level, ...]
    """In the model's order: the first level whose condition holds is the pair's."""


@dataclass(frozen=True, slots=True)
class Scores:
    """One left record scored against right records, as arrays in the right records' order."""

    gamma: Mapping[str, npt.NDArray[np.int16]]
    weight: Mapping[str, npt.NDArray[np.float64]]
    tf_adjustment: Mapping[str, npt.NDArray[np.float64]]
    match_weight: npt.NDArray[np.float64]


def probability(weight: float) -> float:
    """2^w / (1 + 2^w), without overflow."""
    if weight >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -weight))
    odds = math.pow(2.0, weight)
    return odds / (1.0 + odds)


def _level(level: Any, comparison: Any) -> Level:
    condition = None if level._is_else_level else compile_condition(str(level.sql_condition))
    weight = float(level._match_weight) if not level.is_null_level else 0.0
    tf = (level._has_tf_adjustments and not level.is_null_level and not level._is_else_level
          and level._tf_adjustment_weight != 0)
    return Level(
        gamma=int(level.comparison_vector_value),
        label=str(level.label_for_charts or level.sql_condition),
        sql_condition=str(level.sql_condition),
        condition=condition,
        match_weight=weight,
        m_probability=None if level.is_null_level else level.m_probability,
        u_probability=None if level.is_null_level else level.u_probability,
        tf_column=str(level._tf_adjustment_input_column.unquote().name) if tf else None,
        tf_weight=float(level._tf_adjustment_weight) if tf else 0.0,
        tf_minimum_u=float(level._tf_minimum_u_value) if tf else 0.0,
        tf_log2_u=math.log2(level._u_probability_corresponding_to_exact_match(
            comparison.comparison_levels)) if tf else 0.0,
    )


class ModelScorer:
    """A saved model ready to score; get one with `scorer_for(model)` (cached)."""

    def __init__(self, model: Mapping[str, Any]) -> None:
        dialect = model.get("sql_dialect", "duckdb")
        if dialect != "duckdb":
            raise LinkageError(f"the model's SQL is for {dialect}; search and explain read "
                               "DuckDB SQL. Retrain with `joinedup link --retrain`.")
        try:
            settings = SettingsCreator.from_path_or_dict(dict(model)).get_settings("duckdb")
            self.prior_probability = float(settings._probability_two_random_records_match)
            comparisons = []
            for comparison in settings.comparisons:
                name = str(comparison.output_column_name)
                try:
                    levels = tuple(_level(lv, comparison) for lv in comparison.comparison_levels)
                except LinkageError as exc:
                    raise LinkageError(f"comparison {name}: {exc}. Search and explain cannot "
                                       "score this model; extend linkage/conditions.py.") from exc
                comparisons.append(Comparison(
                    name=name, description=DESCRIPTIONS.get(name, name.replace("_", " ")),
                    columns=tuple(str(c.input_name)
                                  for c in comparison._input_columns_used_by_case_statement),
                    levels=levels))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise LinkageError(f"cannot read the matching model for scoring ({exc}). "
                               "Retrain it with `joinedup link --retrain`.") from exc
        self.comparisons: tuple[Comparison, ...] = tuple(comparisons)
        self.prior_weight = math.log2(self.prior_probability / (1 - self.prior_probability))

    @property
    def columns(self) -> tuple[str, ...]:
        """Every prepared column the comparisons read."""
        return tuple(dict.fromkeys(c for comp in self.comparisons for c in comp.columns))

    @property
    def tf_columns(self) -> tuple[str, ...]:
        """Prepared columns with term-frequency adjustments."""
        return tuple(dict.fromkeys(level.tf_column for comp in self.comparisons
                                   for level in comp.levels if level.tf_column))

    def score(self, left: Mapping[str, Any], right: Mapping[str, npt.NDArray[Any]], n: int,
              left_tf: Mapping[str, float | None], right_tf: Mapping[str, npt.NDArray[np.float64]]
              ) -> Scores:
        """Score `left` (column -> value; lists as tuples) against n right records (column ->
        object array, None for NULL). Term frequencies: `left_tf` column -> tf or None,
        `right_tf` column -> float array, NaN for none."""
        total = np.full(n, self.prior_weight)
        gammas, weights, adjustments = {}, {}, {}
        memo: dict[Any, dict[Any, Any]] = {}
        try:
            for comparison in self.comparisons:
                gamma = np.zeros(n, np.int16)
                weight = np.zeros(n)
                adjustment = np.zeros(n)
                undecided = np.arange(n)
                for level in comparison.levels:
                    if not len(undecided):
                        break
                    if level.condition is None:
                        holds = np.ones(len(undecided), bool)
                    else:
                        holds = level.condition(Env(left, right, undecided, memo))
                    hit = undecided[holds]
                    gamma[hit] = level.gamma
                    weight[hit] = level.match_weight
                    if level.tf_column is not None:
                        adjustment[hit] = self._tf_adjustment(
                            level, left_tf.get(level.tf_column), right_tf[level.tf_column][hit])
                    undecided = undecided[~holds]
                gammas[comparison.name] = gamma
                weights[comparison.name] = weight
                adjustments[comparison.name] = adjustment
                total = total + weight + adjustment
        except KeyError as exc:
            raise LinkageError(f"the model compares {exc}, which these records lack: relink "
                               "with `joinedup link`.") from exc
        return Scores(gammas, weights, adjustments, total)

    @staticmethod
    def _tf_adjustment(level: Level, left: float | None,
                       right: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Splink's adjustment: weight * (log2(u of the exact level) - log2(max(tf_l, tf_r,
        minimum u))), 0 when neither record's value has a term frequency."""
        mine = np.full(len(right), math.nan if left is None else float(left))
        a = np.where(np.isnan(mine), right, mine)
        b = np.where(np.isnan(right), mine, right)
        tf = np.fmax(np.fmax(a, b), level.tf_minimum_u)
        with np.errstate(divide="ignore", invalid="ignore"):
            adjusted = level.tf_weight * (level.tf_log2_u - np.log2(tf))
        return np.where(np.isnan(a), 0.0, adjusted)

    def steps(self, scores: Scores, row: int, left: Mapping[str, Any],
              right: Mapping[str, Any]) -> tuple[ComparisonStep, ...]:
        """The per-comparison parts of one pair; `left`/`right` give the values shown (each
        comparison's own column)."""
        steps = []
        for comparison in self.comparisons:
            gamma = int(scores.gamma[comparison.name][row])
            level = next(lv for lv in comparison.levels if lv.gamma == gamma)
            steps.append(ComparisonStep(
                name=comparison.name,
                description=comparison.description,
                value_a=_shown(left.get(comparison.name)),
                value_b=_shown(right.get(comparison.name)),
                level=gamma,
                label=level.label,
                m_probability=level.m_probability,
                u_probability=level.u_probability,
                match_weight=float(scores.weight[comparison.name][row]),
                tf_adjustment=(float(scores.tf_adjustment[comparison.name][row])
                               if level.tf_column else None),
            ))
        return tuple(steps)


def column_arrays(records: Sequence[Mapping[str, Any]], columns: Sequence[str]
                  ) -> dict[str, npt.NDArray[Any]]:
    """Right-hand records as `score` takes them: column -> object array (lists as tuples)."""
    out = {}
    for column in columns:
        values = np.empty(len(records), dtype=object)
        values[:] = [tuple(v) if isinstance(v, list) else v
                     for v in (record.get(column) for record in records)]
        out[column] = values
    return out


def _shown(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@lru_cache(maxsize=4)
def _compiled(text: str) -> ModelScorer:
    return ModelScorer(json.loads(text))


def scorer_for(model: Mapping[str, Any]) -> ModelScorer:
    """The scorer for a model, cached by its content (reading a model takes ~0.1 s)."""
    return _compiled(json.dumps(model, sort_keys=True, default=str))
