"""Regions: named lists of councils, predefined in regions.yaml and extendable in a user file.

A region's ``councils`` add up to the region; its ``comparison`` councils are planned and shown
beside it, marked as comparators, but never counted in its totals.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from joinedup.errors import ConfigError
from joinedup.workforce.assumptions import field_errors


class Region(BaseModel):
    """A named list of councils; ``comparison`` councils are shown but not summed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    councils: tuple[str, ...] = Field(min_length=1)
    comparison: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _distinct(self) -> Region:
        seen = [normalise(c) for c in (*self.councils, *self.comparison)]
        dupes = sorted({c for c in seen if seen.count(c) > 1})
        if dupes:
            raise ValueError("a council is listed twice: " + ", ".join(dupes))
        return self

    @property
    def members(self) -> tuple[str, ...]:
        """Every council planned: the region's own, then the comparators."""
        return (*self.councils, *self.comparison)

    def is_comparison(self, council: str) -> bool:
        return normalise(council) in {normalise(c) for c in self.comparison}


class _RegionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    regions: tuple[Region, ...]


def normalise(name: str) -> str:
    """A council name for matching: lower case, no full stops, single spaces, '&' as 'and'."""
    text = name.lower().replace("&", " and ").replace(".", " ")
    return re.sub(r"\s+", " ", text).strip()


def _parse(text: str, origin: str) -> tuple[Region, ...]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin} is not valid YAML ({exc}). Fix the syntax.") from exc
    try:
        return _RegionFile.model_validate(data).regions
    except ValidationError as exc:
        raise ConfigError(f"{origin}: {field_errors(exc)}. Each region needs a name and a "
                          "list of councils.") from exc


def predefined_regions() -> tuple[Region, ...]:
    """The regions shipped with joinedup."""
    text = resources.files("joinedup.workforce").joinpath("regions.yaml").read_text("utf-8")
    return _parse(text, "joinedup/workforce/regions.yaml")


def load_regions(extra: Path | None = None) -> dict[str, Region]:
    """Predefined regions plus those in ``extra`` (same name: the file's wins), by name."""
    regions = {normalise(r.name): r for r in predefined_regions()}
    if extra is not None:
        try:
            text = extra.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read the regions file {extra} ({exc.strerror}). Fix the "
                              "workforce_regions setting (JOINEDUP_WORKFORCE_REGIONS).") from exc
        for region in _parse(text, str(extra)):
            regions[normalise(region.name)] = region
    return {r.name: r for r in regions.values()}


def find_region(name: str, regions: dict[str, Region]) -> Region:
    """The region called ``name`` (case and full stops ignored), or a ConfigError listing them."""
    for region in regions.values():
        if normalise(region.name) == normalise(name):
            return region
    known = ", ".join(sorted(regions))
    raise ConfigError(f"no region called {name!r}. Known regions: {known}. Add one in a YAML "
                      "file named by the workforce_regions setting.")
