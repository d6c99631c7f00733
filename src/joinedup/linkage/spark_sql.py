"""A saved model's DuckDB SQL, rewritten so that Spark computes exactly what DuckDB does.

A model (Splink settings JSON) holds its comparison levels and blocking rules as DuckDB SQL:
joinedup's custom levels are written for DuckDB, and Splink renders its library levels for
the engine the model was trained on. Splink reads such a model on Spark as it is, and
sqlglot's DuckDB-to-Spark translation is not enough either: it leaves `list_intersect` and
`hamming` as they are (Spark has neither), writes `list_has_any` as `&&` (which Spark does
not parse), and would map Jaro-Winkler onto Splink's Spark UDF, whose scores differ from
DuckDB's for one name pair in about sixty (integer versus fractional transpositions: Albert
and Walter 0.822 in DuckDB, 0.789 on Spark), enough to move pairs across the 0.8 and 0.92
levels and so change clusters.

So each condition is parsed as DuckDB SQL and every node is checked against what this module
knows to mean the same on both engines:

- the string-similarity functions (`jaro_winkler_similarity`, `damerau_levenshtein`,
  `hamming`) become `jdu_*` functions that `spark_engine` registers to run DuckDB's own
  implementation on each batch of pairs, so their values are DuckDB's to the last bit;
- list functions become Spark's array functions with NULL elements removed first
  (`array_compact`), as DuckDB's `list_intersect` and `list_has_any` ignore them;
- `regexp_replace` is accepted only with DuckDB's 'g' flag (replace every match), which is
  what Spark always does;
- operators, `substr`, `length`, `lower`, `upper`, `least`, `greatest`, `starts_with`,
  `ends_with`, `contains` and `||` mean the same on both and are left to sqlglot.

Anything else raises LinkageError naming it, so a new kind of level in `comparisons.py` cannot
be scored differently on Spark in silence: it needs a line here (and the equivalence test,
tests/integration/test_match_spark.py, shows whether the line is right).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from sqlglot import exp

from joinedup.linkage.conditions import parse_condition
from joinedup.linkage.model import LinkageError

# DuckDB function -> the Spark function `spark_engine.register_functions` defines to run it
# in DuckDB. Each takes two strings.
DUCKDB_FUNCTIONS: dict[str, str] = {
    "jaro_winkler_similarity": "jdu_jaro_winkler_similarity",
    "damerau_levenshtein": "jdu_damerau_levenshtein",
    "hamming": "jdu_hamming",
}

# Nodes that mean the same in DuckDB and Spark SQL and that sqlglot writes correctly for Spark.
_SAME: tuple[type[exp.Expression], ...] = (
    exp.Column, exp.Identifier, exp.Literal, exp.Null, exp.Boolean, exp.Paren, exp.Star,
    exp.And, exp.Or, exp.Not, exp.Is, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE,
    exp.Substring, exp.Length, exp.Lower, exp.Upper, exp.Least, exp.Greatest,
    exp.StartsWith, exp.EndsWith, exp.Contains, exp.DPipe, exp.Dot, exp.TableAlias,
)


def _call(name: str, *args: exp.Expression) -> exp.Expression:
    """name(args), the arguments already in Spark form."""
    return exp.Anonymous(this=name, expressions=list(args))


def _spark(node: exp.Expression) -> exp.Expression:
    """A DuckDB expression in Spark form. `transform` does not descend into a node it has
    replaced, so the arguments of every replaced node are rewritten through here."""
    rewritten: exp.Expression = node.copy().transform(_rewrite, copy=False)
    return rewritten


def _compact(node: exp.Expression) -> exp.Expression:
    return _call("array_compact", _spark(node))


def _intersect(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return _call("array_intersect", _compact(a), _compact(b))


def _rewrite(node: exp.Expression) -> exp.Expression:
    """One node in its Spark form (children are rewritten first by `transform`)."""
    if isinstance(node, exp.JarowinklerSimilarity):
        return _call(DUCKDB_FUNCTIONS["jaro_winkler_similarity"], _spark(node.this),
                     _spark(node.expression))
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        if name in DUCKDB_FUNCTIONS:
            if len(node.expressions) != 2:
                raise LinkageError(f"{name} takes two arguments ({node.sql()}): the model "
                                   "cannot be run on Spark (nor on DuckDB).")
            return _call(DUCKDB_FUNCTIONS[name], *map(_spark, node.expressions))
        if name in ("list_intersect", "array_intersect"):
            return _intersect(*node.expressions)
        raise _unknown(name, node)
    if isinstance(node, exp.ArraySize):
        return _call("size", _spark(node.this))
    if isinstance(node, exp.ArrayOverlaps):
        # list_has_any: a non-NULL element in common (NULL when either list is NULL).
        return exp.GT(this=_call("size", _intersect(node.this, node.expression)),
                      expression=exp.Literal.number(0))
    if isinstance(node, exp.ArrayContains):
        return _call("array_contains", _compact(node.this), _spark(node.expression))
    if isinstance(node, exp.RegexpReplace):
        flags = node.args.get("modifiers")
        if flags is None or flags.name != "g":
            raise LinkageError(
                f"{node.sql(dialect='duckdb')}: on Spark regexp_replace replaces every match, "
                "in DuckDB only the first unless the 'g' flag is given. Write the level with "
                "'g' to run it on Spark.")
        return _call("regexp_replace", _spark(node.this), _spark(node.expression),
                     _spark(node.args["replacement"]))
    if isinstance(node, _SAME):
        return node
    raise _unknown(node.sql_name().lower() if isinstance(node, exp.Func)
                   else type(node).__name__, node)


def _unknown(what: str, node: exp.Expression | None = None) -> LinkageError:
    where = f" (in {node.sql(dialect='duckdb')})" if node is not None else ""
    return LinkageError(
        f"the model uses {what}{where}, which joinedup does not yet run on Spark exactly as DuckDB "
        "does. Run it with --engine duckdb, or teach joinedup/linkage/spark_sql.py the "
        "Spark form of it (and check it with tests/integration/test_match_spark.py).")


def to_spark(sql: str) -> str:
    """One DuckDB condition (a comparison level or blocking rule) as Spark SQL."""
    return _spark(parse_condition(sql)).sql(dialect="spark")


def _levels(settings: dict[str, Any], change: Callable[[str], str]) -> None:
    for comparison in settings.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            condition = level.get("sql_condition")
            if isinstance(condition, str) and condition.strip().upper() != "ELSE":
                level["sql_condition"] = change(condition)


def spark_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """A copy of a saved model (DuckDB SQL) whose levels and blocking rules are Spark SQL."""
    dialect = settings.get("sql_dialect", "duckdb")
    if dialect != "duckdb":
        raise LinkageError(f"the model was saved for {dialect}; joinedup's models are "
                           "DuckDB's (saved by joinedup match --save-model or joinedup link).")
    copied = copy.deepcopy(settings)
    _levels(copied, to_spark)
    rules = []
    for rule in copied.get("blocking_rules_to_generate_predictions", []):
        item = dict(rule) if isinstance(rule, dict) else {"blocking_rule": str(rule)}
        item["blocking_rule"] = to_spark(item["blocking_rule"])
        item["sql_dialect"] = "spark"
        rules.append(item)
    copied["blocking_rules_to_generate_predictions"] = rules
    copied["sql_dialect"] = "spark"
    copied.pop("linker_uid", None)
    return copied
