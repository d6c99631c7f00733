"""The Dockerfile and compose.yaml, read as text and YAML (no Docker daemon needed): the
image runs as a non-root user, installs the pinned packages, probes the app's health, and
compose runs the app beside PostgreSQL, reachable only through the host's proxy."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per line of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def _final_stage() -> list[tuple[str, str]]:
    steps = _instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def test_the_image_runs_as_a_numeric_non_root_user() -> None:
    stage = _final_stage()
    users = [args for word, args in stage if word == "USER"]
    assert users, "the final stage has no USER: it would run as root"
    user = users[-1].split(":")[0]
    assert user.isdigit() and int(user) >= 1000, user
    # Nothing after USER may need root (a RUN there would run as the user anyway, but an
    # instruction order that puts USER before setup is how root creeps back in).
    after = [word for word, _ in stage[[w for w, _ in stage].index("USER"):]]
    assert "RUN" not in after
    made = " ".join(args for word, args in stage if word == "RUN")
    assert f"--uid {user}" in made and "chown" in made


def test_the_image_installs_the_pinned_project_not_loose_packages() -> None:
    runs = " && ".join(args for word, args in _instructions() if word == "RUN")
    installs = [found.strip() for found in re.findall(r"pip install ([^&]+)", runs)]
    assert installs == ['".[postgres]"'], installs  # pyproject.toml's pins, and the driver
    assert "npm ci" in runs and "npm install" not in runs  # package-lock.json's pins
    pins = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert all("==" in dep for dep in pins["dependencies"])
    assert all("==" in dep for dep in pins["optional-dependencies"]["postgres"])


def test_base_images_are_pinned_and_match_what_is_tested() -> None:
    args = {k: v for k, _, v in (a.partition("=") for w, a in _instructions() if w == "ARG")}
    for image in (args["PYTHON_IMAGE"], args["NODE_IMAGE"]):
        assert re.search(r":\d+\.\d+\.\d+-", image), f"{image}: pin the version"
    python = re.search(r"python:(\d+)\.(\d+)", args["PYTHON_IMAGE"])
    assert python is not None
    wanted = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    assert wanted == ">=3.11" and (int(python[1]), int(python[2])) >= (3, 11)


def test_the_image_serves_on_all_addresses_and_checks_liveness() -> None:
    stage = dict(_final_stage())
    assert stage["ENTRYPOINT"] == '["joinedup"]'
    assert stage["CMD"].startswith('["serve", "--host", "0.0.0.0", "--port", "8000"')
    assert "/healthz" in stage["HEALTHCHECK"]
    assert "JOINEDUP_HOME=/srv/joinedup" in stage["ENV"]


def _compose() -> dict[str, object]:
    loaded = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_compose_runs_the_app_beside_postgresql() -> None:
    services = _compose()["services"]
    assert isinstance(services, dict) and set(services) == {"app", "db"}
    db, app = services["db"], services["app"]
    assert re.fullmatch(r"postgres:15\.\d+-bookworm", db["image"])  # Debian's 15, as in CI
    assert app["depends_on"] == {"db": {"condition": "service_healthy"}}
    env = app["environment"]
    assert env["JOINEDUP_WEB_DATABASE_URL"].startswith("postgresql://joinedup:")
    assert env["JOINEDUP_WEB_DATABASE_URL"].endswith("@db:5432/joinedup")
    assert env["JOINEDUP_WEB_HTTPS"] == "true"


def test_compose_keeps_secrets_out_and_the_app_unprivileged() -> None:
    compose = _compose()
    services = compose["services"]
    assert isinstance(services, dict)
    app, db = services["app"], services["db"]
    # Passwords come from .env, and compose refuses to start without them.
    assert db["environment"]["POSTGRES_PASSWORD"].startswith("${JOINEDUP_DB_PASSWORD:?")
    assert "${JOINEDUP_DB_PASSWORD:?" in app["environment"]["JOINEDUP_WEB_DATABASE_URL"]
    assert app["user"].split(":")[0] not in ("0", "root")
    assert app["read_only"] is True and app["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in app["security_opt"]
    # Only the host's proxy reaches the app; the database is not published at all.
    assert app["ports"] == ["127.0.0.1:8000:8000"] and "ports" not in db
    assert "/readyz" in " ".join(app["healthcheck"]["test"])


def test_compose_trusts_forwarded_headers_from_its_own_gateway_only() -> None:
    compose = _compose()
    gateway = compose["networks"]["backend"]["ipam"]["config"][0]["gateway"]  # type: ignore[index]
    app = compose["services"]["app"]  # type: ignore[index]
    assert yaml.safe_load(app["environment"]["JOINEDUP_WEB_PROXY_ADDRESSES"]) == [gateway]
