"""The Dockerfile's build stage without Docker: copy GOV.UK Frontend into a copy of the
source, build the wheel that `pip install ".[postgres]"` would install, and check the image
would hold everything the app serves (assets, templates, migrations, the access policy).
Needs node_modules (npm ci) and the package index (build isolation fetches setuptools)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_what_the_app_serves(tmp_path: Path) -> None:
    node_modules = REPO / "node_modules"
    if not (node_modules / "govuk-frontend").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("node_modules must be installed in CI (make install)")
        pytest.skip("node_modules/govuk-frontend missing: run `npm ci`")
    src = tmp_path / "src-copy"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "src", src / "src", ignore=shutil.ignore_patterns(
        "__pycache__", "vendor", "*.egg-info"))
    (src / "node_modules").symlink_to(node_modules)
    env = {**os.environ, "PYTHONPATH": str(src / "src")}
    # -S: no site-packages, as in the image's build stage, where nothing is installed yet.
    subprocess.run([sys.executable, "-S", "-c",
                    "from joinedup.web.assets import build_assets; build_assets()"],
                   cwd=src, env=env, check=True, timeout=120)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "-w", str(tmp_path / "dist"), str(src)],
                           capture_output=True, text=True, timeout=600, check=False)
    if built.returncode != 0:
        pytest.fail(f"the wheel did not build:\n{built.stderr[-2000:]}")
    (wheel,) = (tmp_path / "dist").glob("joinedup-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("joinedup/web/core/static/vendor/govuk-frontend/govuk-frontend.min.css",
                   "joinedup/web/core/static/vendor/govuk-frontend/assets/images/favicon.ico",
                   "joinedup/web/core/static/web/init.mjs",
                   "joinedup/web/core/templates/base.html",
                   "joinedup/web/audit/migrations/0002_head_and_append_only_triggers.py",
                   "joinedup/access/policy.yaml"):
        assert needed in names, needed
