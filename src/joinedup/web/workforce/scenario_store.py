"""Scenarios for the web pages: the examples shipped with joinedup, and each user's own.

A user's saved scenarios are YAML files under ``<home>/web/workforce/scenarios/<user id>/``,
one per scenario, named after it. They are validated by
:func:`joinedup.workforce.scenarios.parse_scenario` when saved and again when read, so a file
edited by hand that no longer validates is skipped rather than breaking the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from joinedup.config import Settings
from joinedup.errors import ConfigError, JoinedUpError
from joinedup.workforce.scenarios import Scenario, example_scenarios, load_scenario, parse_scenario

MAX_BYTES = 20_000
SHIPPED = "shipped"
SAVED = "saved"


def user_dir(settings: Settings, user_id: int) -> Path:
    return settings.web_dir / "workforce" / "scenarios" / str(int(user_id))


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60] or "scenario"


def shipped() -> dict[str, Scenario]:
    """The example scenarios by file stem."""
    return {path.stem: load_scenario(path) for path in example_scenarios()}


def shipped_text(stem: str) -> str | None:
    for path in example_scenarios():
        if path.stem == stem:
            return path.read_text(encoding="utf-8")
    return None


def saved(settings: Settings, user_id: int) -> dict[str, Scenario]:
    """The user's saved scenarios by slug (files that no longer validate are left out)."""
    out: dict[str, Scenario] = {}
    folder = user_dir(settings, user_id)
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            out[path.stem] = load_scenario(path)
        except JoinedUpError:
            continue
    return out


def parse_text(text: str, origin: str = "scenario") -> Scenario:
    """A scenario from YAML text; ConfigError naming each bad field."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ConfigError(f"{origin}: longer than {MAX_BYTES:,} bytes. A scenario names only "
                          "the values it changes.")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML ({exc}). Fix the syntax.") from exc
    return parse_scenario(data, origin)


def save(settings: Settings, user_id: int, text: str) -> tuple[str, Scenario]:
    """Validate and save a scenario for the user (replacing one of the same name)."""
    scenario = parse_text(text)
    if scenario.name.lower() == "baseline":
        raise ConfigError("scenario: name: `baseline` is the plan without changes; give the "
                          "scenario another name.")
    folder = user_dir(settings, user_id)
    folder.mkdir(parents=True, exist_ok=True)
    key = slug(scenario.name)
    (folder / f"{key}.yaml").write_text(text, encoding="utf-8")
    return key, scenario


def saved_text(settings: Settings, user_id: int, key: str) -> str | None:
    if key != slug(key):
        return None
    path = user_dir(settings, user_id) / f"{key}.yaml"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def delete(settings: Settings, user_id: int, key: str) -> bool:
    if key != slug(key):
        return False
    path = user_dir(settings, user_id) / f"{key}.yaml"
    if not path.is_file():
        return False
    path.unlink()
    return True


def choices(settings: Settings, user_id: int) -> list[tuple[str, Scenario]]:
    """Every scenario the user may add to a plan: ("shipped:<stem>" or "saved:<slug>", it)."""
    out = [(f"{SHIPPED}:{k}", s) for k, s in shipped().items()]
    return out + [(f"{SAVED}:{k}", s) for k, s in saved(settings, user_id).items()]
