"""Settings, loaded once: environment (JOINEDUP_*), then a TOML file, then safe defaults.

The TOML file is ``joinedup.toml`` in the working directory, or the path in
``JOINEDUP_CONFIG``. Every setting carries a description; ``joinedup config`` prints them.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
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
    workforce_regions: Path | None = Field(
        default=None,
        description=(
            "A YAML file of extra regions (named lists of councils) for `joinedup workforce "
            "plan --region`. Its regions are added to the predefined ones (Cheshire and "
            "Merseyside, Greater Manchester); one with the same name replaces the predefined one."
        ),
    )
    disclosure_threshold: int = Field(
        default=5,
        ge=1,
        description=(
            "Smallest count of people the dashboards show to roles without record-level "
            "access: smaller counts are hidden (shown as c), with further cells hidden so "
            "that totals cannot reveal them (joinedup.opendata.disclosure)."
        ),
    )
    spark_master: str = Field(
        default="local[2]",
        description=(
            "Where `joinedup match --engine spark` scores pairs: local[N] starts Spark in "
            "the process on N cores (needs Java 17+ and the `spark` extra); spark://host:7077 "
            "uses a standalone cluster (see docs/matching.md, Running on Spark)."
        ),
    )
    spark_staging: Path | None = Field(
        default=None,
        description=(
            "Folder for the Parquet files `--engine spark` exchanges with Spark. Unset: a "
            "temporary folder, which suits local[N]; on a cluster, a folder this machine and "
            "every executor can read and write (a shared mount)."
        ),
    )
    match_memory_limit: str | None = Field(
        default=None,
        description=(
            "How much memory DuckDB may hold while matching (`joinedup link`, `joinedup "
            "match`), e.g. 12GB; beyond it DuckDB spills to a private temporary folder "
            "(under TMPDIR), slower but within the machine. Unset: DuckDB's default, 80% of "
            "the memory. Set it below the machine's memory when matching a region on one "
            "machine, leaving room for the clustering's own (see docs/matching.md)."
        ),
    )
    access_policy: Path | None = Field(
        default=None,
        description=(
            "A YAML access policy (roles, the services and fields each sees, purposes, age "
            "rules) replacing the built-in joinedup/access/policy.yaml. Unset: the built-in one."
        ),
    )
    # The web app (`joinedup serve`); docs/web.md explains each choice.
    web_database_url: SecretStr | None = Field(
        default=None,
        description=(
            "The web app's own database (users, audit log, sessions). Unset: SQLite at "
            "<home>/web/app.sqlite3. For PostgreSQL: postgresql://user:password@host:5432/name "
            "(install the `postgres` extra for the driver)."
        ),
    )
    web_secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Django's secret key (signs sessions and keys the audit log's search-term hashes). "
            "Unset: generated once into <home>/web/secret_key, readable by the owner only."
        ),
    )
    web_session_idle_minutes: int = Field(
        default=15,
        ge=1,
        le=480,
        description="Minutes without a request after which a signed-in user is signed out.",
    )
    web_allowed_hosts: list[str] = Field(
        default=["127.0.0.1", "localhost"],
        description=(
            "Host names the web app answers to (Django ALLOWED_HOSTS). Add the council's own "
            "name for the service when it is served behind a proxy."
        ),
    )
    web_https: bool = Field(
        default=False,
        description=(
            "The app is reached over HTTPS through a TLS-terminating proxy that sets "
            "X-Forwarded-Proto: turns on HSTS and redirects plain HTTP to HTTPS."
        ),
    )
    web_proxy_addresses: list[str] = Field(
        default=["127.0.0.1", "::1"],
        description=(
            "Addresses of the TLS-terminating proxy whose X-Forwarded-* headers gunicorn "
            "trusts when web_https is on (gunicorn's forwarded_allow_ips). In a container the "
            "proxy is not on loopback: name its address, e.g. the compose network's gateway."
        ),
    )
    web_insecure_local_http: bool = Field(
        default=False,
        description=(
            "Send session and CSRF cookies without the Secure flag when `joinedup serve` binds "
            "a loopback address (127.0.0.1, ::1) over plain HTTP. Chromium, Edge and Firefox "
            "keep Secure cookies from http://127.0.0.1, so this is only for a browser that does "
            "not (Safari). Ignored on any other address: there cookies are always Secure."
        ),
    )
    web_server_timing: bool = Field(
        default=False,
        description=(
            "Add a Server-Timing header (app;dur=<milliseconds>) to every response, for "
            "bench/web.py and performance checks. Off by default: precise server timings help "
            "anyone probing which person ids exist."
        ),
    )
    web_login_failure_limit: int = Field(
        default=5,
        ge=1,
        description=(
            "Failed sign-ins for one user name from one address, within the lockout window, "
            "after which further attempts are refused until the window has passed."
        ),
    )
    web_login_lockout_minutes: int = Field(
        default=15,
        ge=1,
        description="The window, in minutes, over which failed sign-ins are counted.",
    )
    web_oidc_enabled: bool = Field(
        default=False,
        description=(
            "Sign in through OpenID Connect (Microsoft Entra ID) instead of local passwords. "
            "Needs the web_oidc_* endpoints, client id and secret."
        ),
    )
    web_oidc_client_id: str = Field(
        default="",
        description="OIDC client (application) id registered with the identity provider.",
    )
    web_oidc_client_secret: SecretStr | None = Field(
        default=None,
        description="OIDC client secret registered with the identity provider.",
    )
    web_oidc_authorization_endpoint: str = Field(
        default="",
        description=(
            "OIDC authorisation endpoint, for Entra ID "
            "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/authorize."
        ),
    )
    web_oidc_token_endpoint: str = Field(
        default="",
        description=(
            "OIDC token endpoint, for Entra ID "
            "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token."
        ),
    )
    web_oidc_jwks_endpoint: str = Field(
        default="",
        description=(
            "OIDC signing keys (JWKS) endpoint, for Entra ID "
            "https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys."
        ),
    )
    web_oidc_role_claim: str = Field(
        default="roles",
        description=(
            "The ID-token claim holding the user's app roles; each value must be a joinedup "
            "role code (see docs/web.md). A user with no recognised role is refused."
        ),
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

    @property
    def web_dir(self) -> Path:
        """The web app's own files: SQLite database, generated secret key, collected static."""
        return self.home / "web"

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
