"""Need classes: fast needs with statutory clocks, slow community needs without, as data.

The classes and their clocks live in ``needs.yaml`` beside this module (or a file of the same
shape passed to :func:`load_needs`), so a council changes a local standard without code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from joinedup.errors import ConfigError

Speed = Literal["fast", "slow"]
Measure = Literal["new", "open"]
DayType = Literal["working", "calendar"]
Combine = Literal["dominant", "sum"]

NEEDS_FILE = Path(__file__).with_name("needs.yaml")
# Average days in a month, and working days in one (5 of 7 days, bank holidays ignored).
DAYS_PER_MONTH = 365.25 / 12
WORKING_DAYS_PER_MONTH = DAYS_PER_MONTH * 5 / 7


@dataclass(frozen=True, slots=True)
class Clock:
    """A statutory (or local) timescale: meet it ``within`` days, or repeat it ``every`` days."""

    name: str
    day_type: DayType
    basis: str
    within: int | None = None
    every: int | None = None

    def per_month(self) -> float:
        """How often a repeating clock falls due per open case per month (0 if it does not)."""
        if not self.every:
            return 0.0
        days = WORKING_DAYS_PER_MONTH if self.day_type == "working" else DAYS_PER_MONTH
        return days / self.every


@dataclass(frozen=True, slots=True)
class Need:
    """One need class and where its demand is counted."""

    code: str
    label: str
    speed: Speed
    measure: Measure
    event_types: tuple[str, ...] = ()
    involvement_types: tuple[str, ...] = ()
    team_pattern: str | None = None
    dfe: str | None = None
    clocks: tuple[Clock, ...] = ()
    combine: Combine = "dominant"

    @property
    def fast(self) -> bool:
        """True for needs with a statutory clock (duty, child protection, looked after)."""
        return self.speed == "fast"

    def matches_team(self, team: str | None) -> bool:
        """Whether an event handled by ``team`` belongs to this class (no pattern: any team)."""
        if self.team_pattern is None:
            return True
        return team is not None and re.search(self.team_pattern, team, re.IGNORECASE) is not None


@dataclass(frozen=True, slots=True)
class Needs:
    """The need classes in file order (the order that decides which class an event joins)."""

    items: tuple[Need, ...]
    source: str

    def __getitem__(self, code: str) -> Need:
        for need in self.items:
            if need.code == code:
                return need
        known = ", ".join(n.code for n in self.items)
        raise ConfigError(f"unknown need class {code!r} (known: {known}). Add it to "
                          f"{self.source} or use one of those.")

    def __contains__(self, code: object) -> bool:
        return any(need.code == code for need in self.items)

    def codes(self) -> list[str]:
        return [need.code for need in self.items]

    def by_speed(self, speed: Speed) -> list[Need]:
        """The classes that are fast (clocked) or slow (community)."""
        return [need for need in self.items if need.speed == speed]

    def classify(self, event_type: str, team: str | None = None) -> str | None:
        """The first new-demand class counting ``event_type`` for ``team``, else None."""
        for need in self.items:
            if (need.measure == "new" and event_type in need.event_types
                    and need.matches_team(team)):
                return need.code
        return None


def _fail(source: str, where: str, message: str) -> ConfigError:
    return ConfigError(f"{source}: {where}: {message}. Fix the need classes file "
                       "(see joinedup/workforce/needs.yaml for the shape).")


def _choice(source: str, where: str, raw: dict[str, Any], key: str, allowed: tuple[str, ...],
            default: str | None = None) -> str:
    value = raw.get(key, default)
    if value not in allowed:
        raise _fail(source, where, f"{key} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def _days(source: str, where: str, raw: dict[str, Any], key: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(source, where, f"{key} must be a whole number of days of at least 1, "
                    f"not {value!r}")
    return value


def _strings(source: str, where: str, raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(source, where, f"{key} must be a list of names")
    return tuple(value)


def _clock(source: str, where: str, raw: object) -> Clock:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise _fail(source, where, "each clock needs at least a name")
    where = f"{where} clock {raw['name']!r}"
    day_type = _choice(source, where, raw, "day_type", ("working", "calendar"), "working")
    return Clock(name=str(raw["name"]), day_type=day_type,  # type: ignore[arg-type]
                 basis=str(raw.get("basis", "")), within=_days(source, where, raw, "within"),
                 every=_days(source, where, raw, "every"))


def _need(source: str, code: str, raw: object) -> Need:
    where = f"need {code!r}"
    if not isinstance(raw, dict):
        raise _fail(source, where, "must be a mapping of label, speed, measure, ...")
    pattern = raw.get("team_pattern")
    if pattern is not None:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise _fail(source, where, f"team_pattern is not a valid pattern ({exc})") from exc
    clocks = raw.get("clocks") or []
    if not isinstance(clocks, list):
        raise _fail(source, where, "clocks must be a list")
    speed = _choice(source, where, raw, "speed", ("fast", "slow"))
    measure = _choice(source, where, raw, "measure", ("new", "open"), "new")
    combine = _choice(source, where, raw, "combine", ("dominant", "sum"), "dominant")
    return Need(
        code=code, label=str(raw.get("label", code)),
        speed=speed,  # type: ignore[arg-type]
        measure=measure,  # type: ignore[arg-type]
        event_types=_strings(source, where, raw, "event_types"),
        involvement_types=_strings(source, where, raw, "involvement_types"),
        team_pattern=None if pattern is None else str(pattern),
        dfe=None if raw.get("dfe") is None else str(raw["dfe"]),
        clocks=tuple(_clock(source, where, c) for c in clocks),
        combine=combine,  # type: ignore[arg-type]
    )


def parse_needs(text: str, source: str = "needs.yaml") -> Needs:
    """Need classes from YAML text; ConfigError naming the class and field when wrong."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML ({exc}). Fix the file.") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("needs"), dict) or not raw["needs"]:
        raise ConfigError(f"{source}: expected a top-level 'needs:' mapping of need classes. "
                          "Start from joinedup/workforce/needs.yaml.")
    return Needs(tuple(_need(source, str(code), item) for code, item in raw["needs"].items()),
                 source)


@lru_cache(maxsize=8)
def load_needs(path: Path | None = None) -> Needs:
    """The need classes from ``path`` (default: the packaged needs.yaml)."""
    target = path or NEEDS_FILE
    try:
        text = target.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read need classes file {target} ({exc}). Check the path, or "
                          "leave it out to use the packaged classes.") from exc
    return parse_needs(text, str(target))
