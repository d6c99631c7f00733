"""Shared fixtures. Tests never touch ./data: each gets its own data home."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from joinedup.config import get_settings
from linked_borough import LinkedBorough

REPO = Path(__file__).resolve().parent.parent


def _reference_dir() -> Path | None:
    configured = os.environ.get("JOINEDUP_TEST_REFERENCE_DATA")
    path = Path(configured) if configured else REPO.parent / "shared" / "data"
    return path if (path / "dfe").is_dir() else None


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """The public reference data (../shared/data); tests needing it skip clearly without it."""
    path = _reference_dir()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have ../shared/data beside the clone "
                        "(JOINEDUP_TEST_REFERENCE_DATA)")
        pytest.skip("reference data not found: set JOINEDUP_TEST_REFERENCE_DATA to shared/data")
    return path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data home with settings reloaded from the environment."""
    data_home = tmp_path / "home"
    data_home.mkdir()
    monkeypatch.setenv("JOINEDUP_HOME", str(data_home))
    monkeypatch.delenv("JOINEDUP_SOURCES", raising=False)
    monkeypatch.delenv("JOINEDUP_REFERENCE_DATA", raising=False)
    monkeypatch.setenv("JOINEDUP_CONFIG", str(tmp_path / "no-such-joinedup.toml"))
    get_settings.cache_clear()
    yield data_home
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def small_borough(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic borough (sources.yaml, extracts, ground truth), made once per run."""
    from joinedup.synth import generate_borough

    out = tmp_path_factory.mktemp("borough")
    generate_borough(out=out, people=2_000, seed=7, reference_data=_reference_dir())
    return out


@pytest.fixture(scope="session")
def linked_borough(small_borough: Path, tmp_path_factory: pytest.TempPathFactory
                   ) -> LinkedBorough:
    """`ingest` and `link` of the small borough, run once per session instead of once per
    module that only needs their snapshots (each run takes seconds).

    Run with the same environment as the ``home`` fixture gives, so a copy is what each
    module would have built itself."""
    from joinedup.linkage.warehouse_link import link_warehouse
    from joinedup.warehouse.ingest import run_ingest

    root = tmp_path_factory.mktemp("linked-borough")
    home = root / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINEDUP_HOME", str(home))
        patch.delenv("JOINEDUP_SOURCES", raising=False)
        patch.delenv("JOINEDUP_REFERENCE_DATA", raising=False)
        patch.setenv("JOINEDUP_CONFIG", str(root / "no-such-joinedup.toml"))
        get_settings.cache_clear()
        try:
            settings = get_settings()
            run_ingest(small_borough / "sources.yaml", settings)
            shutil.copytree(home, root / "ingested")
            link_warehouse(settings)
        finally:
            get_settings.cache_clear()
    return LinkedBorough(ingested=root / "ingested", linked=home)


# --- the app database: SQLite, and PostgreSQL when a server is given -----------------------

POSTGRES_URL_ENV = "JOINEDUP_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL server whose role may create databases (`.ci/postgres` prints one).
    Tests needing it skip without it, except in CI, where they must run."""
    url = os.environ.get(POSTGRES_URL_ENV, "")
    if not url:
        message = (f"PostgreSQL not given: set {POSTGRES_URL_ENV} (`.ci/postgres` starts "
                   "Debian's server and prints the URL)")
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test PostgreSQL. {message}")
        pytest.skip(message)
    return url


@pytest.fixture
def postgres_databases(postgres_url: str) -> Iterator[Callable[[], str]]:
    """Makes new, empty databases on that server (their URLs), all dropped afterwards."""
    import secrets
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    made: list[str] = []

    def make() -> str:
        name = f"joinedup_t_{secrets.token_hex(6)}"
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return urlunsplit(urlsplit(postgres_url)._replace(path=f"/{name}"))

    yield make
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        for name in made:
            _drop_database(admin, name)


def _drop_database(admin: Any, name: str) -> None:
    """Drop a test database, ending its sessions. An autovacuum worker busy in it (after a
    test that wrote a lot) belongs to no role, so FORCE may not end it without
    pg_signal_backend, which the CI role is not given; it leaves within moments: try again."""
    import time

    import psycopg

    for attempt in range(20):
        try:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            if attempt == 19:
                raise
            time.sleep(0.5)


@pytest.fixture
def fresh_postgres(postgres_databases: Callable[[], str]) -> str:
    """The URL of a new, empty database on that server, dropped afterwards."""
    return postgres_databases()


@pytest.fixture(params=["sqlite", "postgres"])
def app_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty app database of each kind, as a web_database_url."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.sqlite3'}"
    return str(request.getfixturevalue("fresh_postgres"))
