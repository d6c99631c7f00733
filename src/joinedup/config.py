"""Settings, loaded once: environment (JOINEDUP_*), then a TOML file, then safe defaults.

The TOML file is ``joinedup.toml`` in the working directory, or the path in
``JOINEDUP_CONFIG``. Every setting carries a description; ``joinedup config`` prints them.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def _config_file() -> Path:
    return Path(os.environ.get("JOINEDUP_CONFIG", "joinedup.toml"))


class Settings(BaseSettings):
    """joinedup's configuration."""

    # An empty variable (as `make demo` passes when there is no reference data) means unset.
    model_config = SettingsConfigDict(env_prefix="JOINEDUP_", extra="ignore", env_ignore_empty=True)

    home: Path = Field(
        default=Path("data"),
        description=(
            "Data home: where synthetic extracts, warehouse snapshots and reports are written. "
            "Relative paths are taken from the working directory."
        ),
    )
    reference_data: Path | None = Field(
        default=None,
        description=(
            "Directory holding public reference data (dfe/ and geo/ subfolders). Tests and CI use "
            "../shared/data. Unset: everything runs on synthetic geography and statistics, "
            "and says so."
        ),
    )
    sources: Path | None = Field(
        default=None,
        description=(
            "The sources.yaml that lists the extracts to ingest. Unset: "
            "<home>/sources/sources.yaml, where `joinedup synth` writes by default."
        ),
    )
    snapshots_keep: int = Field(
        default=5,
        ge=1,
        description="How many warehouse snapshots to keep; older ones are deleted after a run.",
    )
    synth_people: int = Field(
        default=30_000,
        ge=100,
        description="Residents in the synthetic borough made by `joinedup demo`.",
    )
    synth_seed: int = Field(
        default=2026,
        description="Random seed for the synthetic borough; the same seed gives the same files.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the file, so CI and one-off runs can override a council's TOML.
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=_config_file()),
        )

    @property
    def sources_dir(self) -> Path:
        """Where `joinedup synth` writes extracts by default."""
        return self.home / "sources"

    @property
    def sources_file(self) -> Path:
        """The sources.yaml that `joinedup ingest` reads by default."""
        return self.sources if self.sources is not None else self.sources_dir / "sources.yaml"

    @property
    def warehouse_dir(self) -> Path:
        """Where warehouse snapshots live."""
        return self.home / "warehouse"

    @property
    def reports_dir(self) -> Path:
        """Where run reports and quarantine exports are written."""
        return self.home / "reports"

    def reference_path(self, *parts: str) -> Path | None:
        """A file under the reference data directory, or None when it is not there."""
        if self.reference_data is None:
            return None
        path = self.reference_data.joinpath(*parts)
        return path if path.exists() else None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings for this process, read once."""
    return Settings()
