"""Turn a file's mapping into one set-based SQL statement that maps, types and validates.

The statement reads the reader's relation once and produces a staged table with, per row:
the typed value of every mapped model field (``t<target>_<field>``), ``_ju_valid``, and for
invalid rows only, the list of problems and the raw row as JSON. Nothing here runs per row in
Python; user-supplied text (codes, constants, column names) is always a bound parameter and
identifiers are always quoted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from joinedup.errors import MappingError
from joinedup.model import ENTITIES, Check, EntityInfo, FieldSpec, FieldType
from joinedup.sources.columns import resolve_columns
from joinedup.sources.macros import POSTCODE_PATTERN
from joinedup.sources.mapping import FieldMapping, FileMapping, SourceConfig
from joinedup.sources.raw import Params, RawSource
from joinedup.sources.schema import quote_ident

EARLIEST_DATE = dt.date(1900, 1, 1)
# Extracts are taken a little after their data_current_as_of date; a month covers that and
# dates keyed a few days ahead, while still catching 2062 typed for 2026.
FUTURE_TOLERANCE = dt.timedelta(days=31)
VALUE_LIMIT = 200
RAW_VALUE_LIMIT = 1000

# (start, end) field pairs in which the end may not come before the start.
DATE_ORDER: tuple[tuple[str, str], ...] = (
    ("start_date", "end_date"),
    ("event_date", "end_date"),
    ("start_date", "leave_date"),
    ("dob", "date_of_death"),
)

# Attendance in sessions: each count 0 to SESSIONS_A_WEEK, and the parts (when all are
# mapped) adding up to the sessions possible, as the DfE attendance codes do.
SESSIONS_POSSIBLE = "sessions_possible"
SESSION_PARTS = ("sessions_attended", "authorised_absence", "unauthorised_absence")
SESSIONS_A_WEEK = 14

_POSTCODE_RE = f"'{POSTCODE_PATTERN}'"

_CHECK_SQL: dict[Check, tuple[str, str]] = {
    Check.NHS_NUMBER: ("ju_nhs", "not a valid NHS number (10 digits ending in a modulus 11 "
                                 "check digit)"),
    Check.POSTCODE: ("ju_postcode", "not a UK postcode"),
    Check.PARTIAL_POSTCODE: ("ju_partial_postcode",
                             "not a partial postcode (outward code and sector digit, e.g. SK1 3)"),
    Check.UPRN: ("ju_uprn", "not a UPRN (1 to 12 digits)"),
    Check.UPN: ("ju_upn", "not a unique pupil number (a letter, 11 digits, then a digit or "
                          "letter)"),
    Check.EMAIL: ("ju_email", "not an email address"),
    Check.PHONE: ("ju_phone", "not a UK phone number (10 or 11 digits)"),
}


@dataclass(frozen=True, slots=True)
class FieldPlan:
    target: int
    spec: FieldSpec
    label: str  # "person.dob": what the quarantine's field column shows
    typed: str  # staged column holding the typed value


@dataclass
class TargetPlan:
    index: int
    info: EntityInfo
    fields: list[FieldPlan] = field(default_factory=list)

    @property
    def key_fields(self) -> list[FieldPlan]:
        by_name = {f.spec.name: f for f in self.fields}
        return [by_name[name] for name in self.info.key if name in by_name]


@dataclass
class Plan:
    sql: str  # SELECT producing the staged table
    params: Params
    relation: str  # the reader's relation (has _ju_seq and the file's columns)
    raw_json: str  # a row of ``relation`` (aliased _ju_src) as JSON text
    targets: list[TargetPlan]


def _origin(mapping: FieldMapping, resolved: dict[str, str]) -> str:
    if mapping.column is not None:
        return f'column "{resolved[mapping.column]}"'
    if mapping.columns:
        return "columns " + " + ".join(f'"{resolved[c]}"' for c in mapping.columns)
    return "constant value"


def _check_codes(label: str, spec: FieldSpec, mapping: FieldMapping, shown: str) -> None:
    if not (mapping.codes and spec.codes):
        return
    wrong = sorted({v for v in mapping.codes.values() if v and v not in spec.codes})
    if wrong:
        raise MappingError(
            f"{shown}: {label}: codes: translates to {wrong}, which are not codes of the model; "
            f"use one of {list(spec.codes)} (see docs/data-model.md)."
        )


def _allowed(codes: tuple[str, ...]) -> str:
    shown = ", ".join(codes[:15])
    return shown + (f" and {len(codes) - 15} more (see docs/data-model.md)"
                    if len(codes) > 15 else "")


class _Builder:
    def __init__(self, source: SourceConfig, fm: FileMapping, raw: RawSource,
                 shown: str) -> None:
        self.source, self.fm, self.raw, self.shown = source, fm, raw, shown
        self.p = raw.params
        self.l1: list[str] = []  # cleaned text
        self.cleaned: dict[str, str] = {}  # clean expression -> its alias, computed once
        self.l2: list[str] = []  # code translation
        self.lp: list[str] = []  # normalised forms some checks share (computed once)
        self.shared: dict[str, str] = {}  # lp expression -> its alias
        self.typed_alias: dict[str, str] = {}  # typed expression -> its staged column
        self.l3: list[str] = []  # typed values
        self.l4: list[str] = []  # reasons
        self.problems: list[str] = []
        self.reasons: list[str] = []
        self.latest = source.data_current_as_of + FUTURE_TOLERANCE
        wanted = [c for t in fm.targets for m in t.fields.values() for c in m.source_columns]
        self.resolved = resolve_columns(wanted, raw.columns, shown)

    def _clean(self, mapping: FieldMapping) -> str:
        if mapping.value is not None:
            return f"ju_clean({self.p.add(mapping.value)})"
        cols = [f"ju_clean({quote_ident(self.resolved[c])})" for c in mapping.source_columns]
        if len(cols) == 1:
            return cols[0]
        return f"nullif(concat_ws({self.p.add(mapping.separator)}, {', '.join(cols)}), '')"

    def _date_format(self, mapping: FieldMapping) -> str:
        if mapping.date_format:
            return mapping.date_format
        if self.fm.format == "ssda903" and "date_format" not in self.fm.model_fields_set:
            return "%d/%m/%Y"  # the DfE's SSDA903 specification
        return self.fm.date_format

    def _typed(self, spec: FieldSpec, x: str, mapping: FieldMapping,
               n: str) -> tuple[str, str]:
        """(typed SQL expression, reason when it is NULL although the text is not)."""
        if spec.type is FieldType.DATE:
            fmt = self._date_format(mapping)
            macro = "ju_date_typed" if self.raw.typed_dates else "ju_date"
            return f"{macro}({x}, {self.p.add(fmt)})", f"not a date in the format {fmt}"
        if spec.type is FieldType.INTEGER:
            return f"ju_integer({x})", "not a whole number"
        if spec.type is FieldType.DECIMAL:
            return f"ju_decimal({x})", "not a number (up to 14 digits before the point)"
        if spec.check is Check.NHS_NUMBER:
            # The digits and their integer value as columns of their own: the check digit
            # arithmetic then reads a column instead of re-deriving it ten times.
            digits = self._shared(f"ju_nhs_digits({x})", f"_ju_c{n}")
            number = self._shared(
                f"CASE WHEN regexp_full_match(ju_nhs_digits({x}), '[0-9]{{10}}') "
                f"THEN TRY_CAST(ju_nhs_digits({x}) AS BIGINT) END", f"_ju_i{n}")
            return (f"CASE WHEN ju_nhs_check({number}) THEN {digits} END",
                    _CHECK_SQL[spec.check][1])
        if spec.check is Check.POSTCODE:
            compact = self._shared(f"upper(replace({x}, ' ', ''))", f"_ju_c{n}")
            return (f"CASE WHEN regexp_full_match({compact}, {_POSTCODE_RE}) "
                    f"THEN ju_split_last({compact}, 3) ELSE ju_postcode({x}) END",
                    _CHECK_SQL[spec.check][1])
        if spec.check is not None:
            macro, reason = _CHECK_SQL[spec.check]
            return f"{macro}({x})", reason
        return x, ""

    def _shared(self, expression: str, alias: str) -> str:
        """A column of layer lp computing ``expression``; one column however many fields
        (e.g. the same postcode mapped by two targets) need it."""
        if expression not in self.shared:
            self.shared[expression] = alias
            self.lp.append(f"{expression} AS {alias}")
        return self.shared[expression]

    def add_field(self, target: TargetPlan, spec: FieldSpec, mapping: FieldMapping) -> None:
        n = f"{target.index}_{spec.name}"
        label = f"{target.info.name}.{spec.name}"
        origin = _origin(mapping, self.resolved)
        _check_codes(label, spec, mapping, self.shown)
        x, t, r = (f"_ju_x{n}", f"_ju_t{n}", f"_ju_r{n}")
        clean = self._clean(mapping)
        if mapping.value is not None or clean not in self.cleaned:
            self.cleaned[clean] = f"_ju_v{n}"
            self.l1.append(f"{clean} AS {self.cleaned[clean]}")
        v = self.cleaned[clean]
        whens: list[str] = []
        if mapping.codes:
            keys = [k for k in mapping.codes if k != ""]
            cases = " ".join(
                f"WHEN {v} = {self.p.add(k)} THEN {self.p.add(mapping.codes[k])}" for k in keys
            )
            empty = self.p.add(mapping.codes.get("", ""))
            self.l2.append(f"nullif(CASE WHEN {v} IS NULL THEN {empty} {cases} END, '') AS {x}")
            known = self.p.add(keys)
            whens.append(
                f"WHEN {v} IS NOT NULL AND NOT list_contains({known}, {v}) THEN "
                f"'\"' || ju_shorten({v}, 50) || '\" is not one of the codes the mapping "
                f"translates (' || {self.p.add(_allowed(tuple(keys)))} || '); add it under "
                f"codes: in sources.yaml [' || {self.p.add(origin)} || ']'"
            )
        elif spec.check is Check.UPN:
            x = f"ju_upn_known({v})"
        else:
            x = v
        typed, bad_type = self._typed(spec, x, mapping, n)
        if typed in self.typed_alias:  # e.g. one ID column mapped to several fields: store once
            t = self.typed_alias[typed]
        else:
            self.typed_alias[typed] = t
            self.l3.append(f"{typed} AS {t}")
        required = (self.p.add(f"required field is empty [{origin}]")
                    if spec.required else "NULL")
        whens.append(f"WHEN {x} IS NULL THEN {required}")
        if spec.type in (FieldType.TEXT, FieldType.CODE):
            whens.append(
                # strlen (bytes) is O(1) and never less than length (characters).
                f"WHEN strlen({x}) > {spec.max_length} AND length({x}) > {spec.max_length} "
                f"THEN 'text is ' || length({x}) || "
                f"' characters, longer than the limit of {spec.max_length} [' || "
                f"{self.p.add(origin)} || ']'"
            )
        if bad_type:
            whens.append(f"WHEN {t} IS NULL THEN {self.p.add(f'{bad_type} [{origin}]')}")
        if spec.type is FieldType.CODE and spec.codes and not mapping.codes:
            whens.append(
                f"WHEN NOT list_contains({self.p.add(list(spec.codes))}, {t}) THEN '\"' || "
                f"ju_shorten({x}, 50) || '\" is not a code of {label}; allowed: ' || "
                f"{self.p.add(_allowed(spec.codes))} || ' (translate local codes with "
                f"codes: in sources.yaml) [' || {self.p.add(origin)} || ']'"
            )
        if spec.type is FieldType.DATE:
            early = f"date before {EARLIEST_DATE.isoformat()} is not plausible [{origin}]"
            whens.append(f"WHEN {t} < {self.p.add(EARLIEST_DATE)} THEN {self.p.add(early)}")
            future = (f"date is after this source's data_current_as_of "
                      f"({self.source.data_current_as_of.isoformat()}) by more than "
                      f"{FUTURE_TOLERANCE.days} days [{origin}]")
            whens.append(f"WHEN {t} > {self.p.add(self.latest)} THEN {self.p.add(future)}")
        self.l4.append(f"CASE {' '.join(whens)} END AS {r}")
        self.reasons.append(r)
        self.problems.append(
            f"{{'field': {self.p.add(label)}, 'value': ju_shorten({v}, {VALUE_LIMIT}), "
            f"'reason': {r}}}"
        )
        target.fields.append(FieldPlan(target.index, spec, label, t))

    def add_date_order(self, target: TargetPlan) -> None:
        by_name = {f.spec.name: f for f in target.fields}
        for start, end in DATE_ORDER:
            if start in by_name and end in by_name:
                s, e = by_name[start].typed, by_name[end].typed
                r = f"_ju_o{target.index}_{end}"
                label = f"{target.info.name}.{end}"
                self.l4.append(
                    f"CASE WHEN {e} < {s} THEN '{end} ' || CAST({e} AS VARCHAR) || "
                    f"' is before {start} ' || CAST({s} AS VARCHAR) END AS {r}"
                )
                self.reasons.append(r)
                self.problems.append(
                    f"{{'field': {self.p.add(label)}, 'value': CAST({e} AS VARCHAR), "
                    f"'reason': {r}}}"
                )

    def add_session_counts(self, target: TargetPlan) -> None:
        by_name = {f.spec.name: f for f in target.fields}
        if SESSIONS_POSSIBLE not in by_name:
            return
        counts = [name for name in (SESSIONS_POSSIBLE, *SESSION_PARTS) if name in by_name]
        whens = [
            f"WHEN {by_name[name].typed} NOT BETWEEN 0 AND {SESSIONS_A_WEEK} THEN "
            f"'{name} ' || CAST({by_name[name].typed} AS VARCHAR) || ' is not 0 to "
            f"{SESSIONS_A_WEEK} sessions in a week'" for name in counts]
        if all(name in by_name for name in SESSION_PARTS):
            parts = [by_name[name].typed for name in SESSION_PARTS]
            total = by_name[SESSIONS_POSSIBLE].typed
            whens.append(
                f"WHEN {' + '.join(parts)} <> {total} THEN 'attended + authorised + "
                f"unauthorised absence (' || CAST({' + '.join(parts)} AS VARCHAR) || ') is "
                f"not the sessions possible (' || CAST({total} AS VARCHAR) || '): check the "
                f"attendance codes the school sent'")
        r = f"_ju_s{target.index}"
        label = f"{target.info.name}.{SESSIONS_POSSIBLE}"
        self.l4.append(f"CASE {' '.join(whens)} END AS {r}")
        self.reasons.append(r)
        self.problems.append(
            f"{{'field': {self.p.add(label)}, "
            f"'value': CAST({by_name[SESSIONS_POSSIBLE].typed} AS VARCHAR), 'reason': {r}}}")

    def raw_json(self, qualifier: str = "") -> str:
        """The raw row as JSON text (each value cut to RAW_VALUE_LIMIT characters)."""
        pairs = ", ".join(
            f"{self.p.add(c)}, ju_shorten({qualifier}{quote_ident(c)}, {RAW_VALUE_LIMIT})"
            for c in self.raw.columns
        )
        return f"CAST(json_object({pairs}) AS VARCHAR)" if pairs else "'{}'"

    def sql(self, targets: list[TargetPlan]) -> str:
        relation = self.raw.relation
        typed = list(dict.fromkeys(f.typed for t in targets for f in t.fields))
        valid = " AND ".join(f"{r} IS NULL" for r in self.reasons) or "true"
        raw_json = self.raw_json()
        problems = f"list_filter([{', '.join(self.problems)}], lambda p: p.reason IS NOT NULL)"
        if not self.problems:
            problems = "NULL"
        inner = f"SELECT * FROM {relation} AS _ju_src"
        for layer in (self.l1, self.l2, self.lp, self.l3, self.l4):
            if layer:
                inner = f"SELECT *, {', '.join(layer)} FROM ({inner})"
        inner = f"SELECT *, {valid} AS _ju_valid FROM ({inner})"
        outputs = ", ".join(["_ju_seq", "_ju_row", *typed, "_ju_valid"])
        return (
            f"SELECT {outputs}, "
            f"CASE WHEN NOT _ju_valid THEN {problems} END AS _ju_problems, "
            f"CASE WHEN NOT _ju_valid THEN {raw_json} END AS _ju_raw FROM ({inner})"
        )


def build_plan(source: SourceConfig, fm: FileMapping, raw: RawSource, shown: str) -> Plan:
    """The staged-table SQL for one file; raises SourceError for columns the file lacks."""
    builder = _Builder(source, fm, raw, shown)
    targets: list[TargetPlan] = []
    for index, mapping in enumerate(fm.targets):
        info = ENTITIES[mapping.entity]
        target = TargetPlan(index, info)
        for spec in info.fields:
            if spec.name in mapping.fields:
                builder.add_field(target, spec, mapping.fields[spec.name])
        builder.add_date_order(target)
        builder.add_session_counts(target)
        targets.append(target)
    return Plan(builder.sql(targets), builder.p, raw.relation, builder.raw_json("_ju_src."),
                targets)
