"""Comparison-level SQL conditions, evaluated in Python for one record against many.

A model's levels are DuckDB SQL (``jaro_winkler_similarity("first_name_l", "first_name_r")
>= 0.92``). Running that SQL in DuckDB for a search costs tens of milliseconds per query
(planning a statement of some forty CASE branches), so search and explain compile each
condition once, with sqlglot (which Splink itself uses), into a function of one left record
(Python values) and a batch of right records (numpy arrays). The functions follow DuckDB's
semantics, NULLs included: three-valued logic, `least`/`greatest` skipping NULLs,
`list_intersect` without NULL or repeated elements, Jaro-Winkler and Damerau-Levenshtein from
RapidFuzz (the library DuckDB's own implementations come from).

Only the SQL that comparisons use is understood (see `_FUNCTIONS` and `_compile`); anything
else raises LinkageError when the model is loaded, so a new kind of level cannot be scored
wrongly in silence. `tests/integration/test_search_index.py` checks every level of the
warehouse model against DuckDB on thousands of record pairs.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlglot
from rapidfuzz.distance import DamerauLevenshtein, Hamming, JaroWinkler, Levenshtein
from sqlglot import exp

from joinedup.linkage.model import LinkageError

BoolArray = npt.NDArray[np.bool_]
_NONE = np.array(None, dtype=object)


@dataclass(frozen=True, slots=True)
class Truth:
    """A vector of SQL booleans: true, or NULL (unknown), else false."""

    true: BoolArray
    null: BoolArray

    @property
    def false(self) -> BoolArray:
        return ~self.true & ~self.null


class Env:
    """One left record against the right records numbered `rows`."""

    def __init__(self, left: Mapping[str, Any], right: Mapping[str, npt.NDArray[Any]],
                 rows: npt.NDArray[np.intp], memo: dict[Any, dict[Any, Any]] | None = None
                 ) -> None:
        self.left = left
        self.n = len(rows)
        self.memo: dict[Any, dict[Any, Any]] = {} if memo is None else memo
        """Function results by argument, shared by the Envs of one left record: levels
        repeat work (Jaro-Winkler at two thresholds, the year in two date levels)."""
        self._right = right
        self._rows = rows
        self._cache: dict[str, npt.NDArray[Any]] = {}

    def right(self, column: str) -> npt.NDArray[Any]:
        if column not in self._cache:
            self._cache[column] = self._right[column][self._rows]
        return self._cache[column]


Node = Callable[[Env], Any]
Condition = Callable[[Env], BoolArray]


def _objects(value: Any, n: int) -> npt.NDArray[Any]:
    """Any value as an object array of n (None for NULL)."""
    if isinstance(value, Truth):
        out = np.full(n, False, dtype=object)
        out[value.true] = True
        out[value.null] = None
        return out
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return value
        out = value.astype(object)
        out[np.isnan(value)] = None
        return out
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def _nulls(value: Any, n: int) -> BoolArray:
    """Which elements are NULL."""
    if isinstance(value, Truth):
        return value.null
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            return np.isnan(value)
        return np.asarray(np.equal(value, _NONE), dtype=np.bool_)
    return np.full(n, value is None)


def _truth(value: Any, n: int) -> Truth:
    if isinstance(value, Truth):
        return value
    if isinstance(value, np.ndarray):
        null = _nulls(value, n)
        return Truth(np.asarray(np.equal(_objects(value, n), True), dtype=bool) & ~null, null)
    return Truth(np.full(n, value is True), np.full(n, value is None))


def _is_number(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return bool(value.dtype.kind == "f")
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numbers(value: Any, n: int) -> npt.NDArray[np.float64]:
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(np.float64, copy=False)
    return np.full(n, math.nan if value is None else float(value))


def _result(kind: str, n: int, rows: npt.NDArray[np.intp], values: list[Any],
            null: BoolArray) -> Any:
    """A vector of n with `values` at `rows` and NULL elsewhere."""
    if kind == "number":
        numbers = np.full(n, math.nan)
        numbers[rows] = np.fromiter(values, np.float64, len(rows))
        return numbers
    if kind == "truth":
        true = np.zeros(n, bool)
        true[rows] = np.fromiter(values, bool, len(rows))
        return Truth(true, null)
    objects = np.full(n, None, dtype=object)
    objects[rows] = np.fromiter(values, object, len(rows))
    return objects


def _apply(function: Callable[..., Any], kind: str, args: Sequence[Any], n: int,
           memo: dict[Any, dict[Any, Any]] | None = None) -> Any:
    """`function` element by element; NULL in, NULL out. With one vector argument, the
    function runs once per distinct value (names and dates repeat among candidates), and
    `memo` keeps the results for later calls with the same other arguments."""
    vectors = [i for i, a in enumerate(args) if isinstance(a, np.ndarray | Truth)]
    if not vectors:
        return None if any(a is None for a in args) else function(*args)
    columns = [_objects(a, n) if i in vectors else a for i, a in enumerate(args)]
    null = np.zeros(n, bool)
    for arg in args:
        null |= _nulls(arg, n)
    rows = np.flatnonzero(~null)
    if len(vectors) == 1:
        where = vectors[0]
        fixed = list(columns)

        def call(value: Any) -> Any:
            fixed[where] = value
            return function(*fixed)

        try:
            key = (function, where, tuple(a for i, a in enumerate(args) if i != where))
            cache = {} if memo is None else memo.setdefault(key, {})
            subset = columns[where][rows]
            for value in dict.fromkeys(subset):
                if value not in cache:
                    cache[value] = call(value)
            values = list(map(cache.__getitem__, subset))
        except TypeError:  # an unhashable value: no cache
            values = list(map(call, columns[where][rows]))
    else:
        values = [function(*row) for row in zip(*(c[rows] for c in columns), strict=True)]
    return _result(kind, n, rows, values, null)


def _jaro_winkler(a: str, b: str) -> float:
    # DuckDB scores two empty strings 0; RapidFuzz scores them 1.
    return 0.0 if not a and not b else float(JaroWinkler.similarity(a, b, prefix_weight=0.1))


def _substring(start: int, length: int) -> Callable[[str], str]:
    begin = start - 1
    return lambda text: text[begin:begin + length]


def _intersection(a: Sequence[Any], b: Sequence[Any]) -> tuple[Any, ...]:
    right = {v for v in b if v is not None}
    return tuple(dict.fromkeys(v for v in a if v is not None and v in right))


def _contains(haystack: Any, needle: Any) -> bool:
    return needle in haystack


# sqlglot node -> (element function, result kind); arguments are `this` and `expression`.
_FUNCTIONS: dict[type[exp.Expression], tuple[Callable[..., Any], str]] = {
    exp.Length: (len, "number"),
    exp.Lower: (str.lower, "object"),
    exp.Upper: (str.upper, "object"),
    exp.StartsWith: (lambda a, b: a.startswith(b), "truth"),
    exp.EndsWith: (lambda a, b: a.endswith(b), "truth"),
    exp.Contains: (_contains, "truth"),
    exp.ArrayContains: (_contains, "truth"),
    exp.ArrayOverlaps: (lambda a, b: bool(_intersection(a, b)), "truth"),
    exp.ArraySize: (len, "number"),
    exp.JarowinklerSimilarity: (_jaro_winkler, "number"),
    exp.Levenshtein: (lambda a, b: Levenshtein.distance(a, b), "number"),
}
_ANONYMOUS: dict[str, tuple[Callable[..., Any], str]] = {
    "damerau_levenshtein": (lambda a, b: DamerauLevenshtein.distance(a, b), "number"),
    "hamming": (lambda a, b: Hamming.distance(a, b), "number"),
    "list_intersect": (_intersection, "object"),
}
_COMPARISONS: dict[type[exp.Expression], Callable[[Any, Any], Any]] = {
    exp.EQ: operator.eq, exp.NEQ: operator.ne, exp.GT: operator.gt,
    exp.GTE: operator.ge, exp.LT: operator.lt, exp.LTE: operator.le,
}


def _column(node: exp.Column) -> Node:
    name = node.name
    side, base = name[-2:].lower(), name[:-2]
    if node.table or side not in ("_l", "_r"):
        raise LinkageError(f"column {node.sql()} is not a left/right column (name_l, name_r)")
    if side == "_l":
        return lambda env: env.left[base]
    return lambda env: env.right(base)


def _literal(node: exp.Literal) -> Node:
    if node.is_string:
        text = node.this
        return lambda _env: text
    number = float(node.this) if any(c in node.this for c in ".eE") else int(node.this)
    return lambda _env: number


def _numeric(value: Any) -> bool:
    return value is None or _is_number(value)


def _compare(op: Callable[[Any, Any], Any], left: Node, right: Node) -> Node:
    def run(env: Env) -> Any:
        a, b = left(env), right(env)
        vectors = isinstance(a, np.ndarray) or isinstance(b, np.ndarray)
        if not vectors:
            return None if a is None or b is None else bool(op(a, b))
        null = _nulls(a, env.n) | _nulls(b, env.n)
        if _numeric(a) and _numeric(b):
            x, y = _numbers(a, env.n), _numbers(b, env.n)
            with np.errstate(invalid="ignore"):
                return Truth(np.asarray(op(x, y), bool) & ~null, null)
        if not isinstance(a, tuple | list) and not isinstance(b, tuple | list):
            # Strings: numpy compares object arrays element by element, in C.
            known = ~null
            true = np.zeros(env.n, bool)
            try:
                true[known] = np.asarray(op(_known(a, known), _known(b, known)), dtype=bool)
            except TypeError:
                return _apply(lambda p, q: bool(op(p, q)), "truth", (a, b), env.n)
            return Truth(true, null)
        return _apply(lambda p, q: bool(op(p, q)), "truth", (a, b), env.n)
    return run


def _known(value: Any, known: BoolArray) -> Any:
    """A vector's elements where `known` holds (a scalar as it is)."""
    if isinstance(value, np.ndarray | Truth):
        return _objects(value, len(known))[known]
    return value


def _logic(kind: type[exp.Expression], parts: Sequence[Node]) -> Node:
    def run(env: Env) -> Any:
        values = [_truth(part(env), env.n) for part in parts]
        if kind is exp.Not:
            return Truth(values[0].false, values[0].null)
        if kind is exp.And:
            true = values[0].true & values[1].true
            false = values[0].false | values[1].false
        else:
            true = values[0].true | values[1].true
            false = values[0].false & values[1].false
        return Truth(true, ~true & ~false)
    return run


def _is_null(inner: Node) -> Node:
    def run(env: Env) -> Any:
        value = inner(env)
        if isinstance(value, np.ndarray | Truth):
            return Truth(_nulls(value, env.n), np.zeros(env.n, bool))
        return value is None
    return run


def _extreme(pick: Callable[..., Any], parts: Sequence[Node]) -> Node:
    """least/greatest: NULL arguments are skipped, as DuckDB does."""
    def run(env: Env) -> Any:
        values = [part(env) for part in parts]
        if all(_is_number(v) or v is None for v in values):
            stacked = np.vstack([_numbers(v, env.n) for v in values])
            # fmin/fmax skip NaN (NULL) unless every argument is NULL.
            return (np.fmin if pick is min else np.fmax).reduce(stacked, axis=0)
        columns = [_objects(v, env.n) for v in values]
        chosen = (None if all(v is None for v in row) else pick(v for v in row if v is not None)
                  for row in zip(*columns, strict=True))
        return np.fromiter(chosen, object, env.n)
    return run


def _compile(node: exp.Expression) -> Node:
    if isinstance(node, exp.Paren):
        return _compile(node.this)
    if isinstance(node, exp.Column):
        return _column(node)
    if isinstance(node, exp.Literal):
        return _literal(node)
    if isinstance(node, exp.Null):
        return lambda _env: None
    if isinstance(node, exp.Boolean):
        flag = bool(node.this)
        return lambda _env: flag
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        return _is_null(_compile(node.this))
    if isinstance(node, exp.And | exp.Or):
        return _logic(type(node), [_compile(node.this), _compile(node.expression)])
    if isinstance(node, exp.Not):
        return _logic(exp.Not, [_compile(node.this)])
    if type(node) in _COMPARISONS:
        return _compare(_COMPARISONS[type(node)], _compile(node.this),
                        _compile(node.expression))
    if isinstance(node, exp.Least | exp.Greatest):
        parts = [_compile(p) for p in [node.this, *node.expressions]]
        return _extreme(min if isinstance(node, exp.Least) else max, parts)
    if isinstance(node, exp.Substring):
        start, length = node.args.get("start"), node.args.get("length")
        if not (isinstance(start, exp.Literal) and isinstance(length, exp.Literal)
                and int(start.this) >= 1):
            raise LinkageError(f"only substr(text, start >= 1, length) with numbers is "
                               f"understood, not {node.sql()}")
        return _function(_substring(int(start.this), int(length.this)), "object",
                         [_compile(node.this)])
    if type(node) in _FUNCTIONS:
        function, kind = _FUNCTIONS[type(node)]
        extra = [k for k, v in node.args.items() if v and k not in ("this", "expression")]
        if extra:
            raise LinkageError(f"'{node.sql(dialect='duckdb')}' has arguments search does not "
                               f"understand ({', '.join(extra)})")
        args = [a for a in (node.this, node.args.get("expression")) if a is not None]
        return _function(function, kind, [_compile(a) for a in args])
    if isinstance(node, exp.Anonymous) and node.name.lower() in _ANONYMOUS:
        function, kind = _ANONYMOUS[node.name.lower()]
        return _function(function, kind, [_compile(a) for a in node.expressions])
    raise LinkageError(f"'{node.sql(dialect='duckdb')}' ({type(node).__name__}) is not "
                       "understood by search")


def _function(function: Callable[..., Any], kind: str, parts: Sequence[Node]) -> Node:
    return lambda env: _apply(function, kind, [part(env) for part in parts], env.n, env.memo)


def parse_condition(sql: str) -> exp.Expression:
    """A model's SQL condition (DuckDB) as a sqlglot tree; LinkageError if it is not one."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise LinkageError(f"cannot parse the model's condition {sql!r}: {exc}") from exc
    if not isinstance(tree, exp.Expression):
        raise LinkageError(f"cannot parse the model's condition {sql!r}")
    return tree


def compile_condition(sql: str) -> Condition:
    """A level's SQL condition as a function: Env -> which right records satisfy it.

    Raises LinkageError naming the part of the SQL that is not understood.
    """
    node = _compile(parse_condition(sql))

    def condition(env: Env) -> BoolArray:
        return _truth(node(env), env.n).true

    return condition
