"""joinedup.reference: loaders for public reference data (DfE statistics)."""

from joinedup.reference.dfe import parse_number, read_la_rows
from joinedup.reference.statistics import LaStatistics, YearFigures, load_la_statistics

__all__ = ["LaStatistics", "YearFigures", "load_la_statistics", "parse_number", "read_la_rows"]
