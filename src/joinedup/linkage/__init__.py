"""Probabilistic person matching for UK records (Splink on DuckDB).

`run_match` takes one table (dedupe) or two (link) of person records, standardises names,
dates, postcodes and identifiers, trains or loads a Fellegi-Sunter model, scores blocked
pairs and clusters them into people. See docs/matching.md.
"""

from joinedup.linkage.clustering import Clusters, cluster_pairs
from joinedup.linkage.fields import FIELDS, ColumnMapping, parse_columns, resolve_mapping
from joinedup.linkage.model import LinkageError, TrainingOptions
from joinedup.linkage.pipeline import (
    DEFAULT_MAX_CLUSTER_SIZE,
    DEFAULT_THRESHOLD,
    InputTable,
    MatchOptions,
    MatchRun,
    run_match,
    write_output,
)

__all__ = [
    "DEFAULT_MAX_CLUSTER_SIZE",
    "DEFAULT_THRESHOLD",
    "FIELDS",
    "Clusters",
    "ColumnMapping",
    "InputTable",
    "LinkageError",
    "MatchOptions",
    "MatchRun",
    "TrainingOptions",
    "cluster_pairs",
    "parse_columns",
    "resolve_mapping",
    "run_match",
    "write_output",
]
