from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from joinedup.cli import cli


def test_synth_command_writes_the_borough_and_reports(home: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = tmp_path / "borough"
    result = CliRunner().invoke(cli, ["synth", "--people", "300", "--seed", "5", "--out",
                                      str(out), "--as-of", "2025-06-30"])
    assert result.exit_code == 0, result.output
    assert "sources.yaml" in result.output
    assert "SYNTHETIC" in result.output  # no reference data configured in this test
    assert "csc/persons.csv" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2025-06-30"
    assert manifest["seed"] == 5


def test_synth_defaults_come_from_settings(home: Path, monkeypatch: pytest.MonkeyPatch,
                                           ) -> None:
    mp = monkeypatch
    mp.setenv("JOINEDUP_SYNTH_PEOPLE", "200")
    mp.setenv("JOINEDUP_SYNTH_SEED", "9")
    from joinedup.config import get_settings

    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["synth"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((home / "sources" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["people"], manifest["seed"], manifest["as_of"]) == (200, 9, "2026-10-31")


def test_bad_date_is_explained(home: Path) -> None:
    result = CliRunner().invoke(cli, ["synth", "--as-of", "31/10/2026"])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output
