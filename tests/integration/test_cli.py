from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from joinedup.cli import cli, main


def test_help_lists_the_pipeline_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("synth", "ingest", "snapshots", "demo", "config"):
        assert f"  {name}" in result.output, f"`joinedup {name}` is missing from --help"


def test_config_shows_every_setting(home: Path) -> None:
    result = CliRunner().invoke(cli, ["config"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "JOINEDUP_REFERENCE_DATA" in result.output
    assert str(home) in result.output


def test_expected_errors_are_a_message_not_a_traceback(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["joinedup", "ingest", str(home / "missing.yaml")])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "joinedup synth" in err
    assert "Traceback" not in err


def test_installed_entry_point_runs() -> None:
    joinedup = Path(sys.executable).with_name("joinedup")
    result = subprocess.run([str(joinedup), "--version"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0
    assert "joinedup" in result.stdout
