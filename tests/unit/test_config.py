from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.config import Settings, get_settings


def test_every_setting_is_documented() -> None:
    undocumented = [
        name for name, info in Settings.model_fields.items()
        if not (info.description and len(info.description) > 20)
    ]
    assert undocumented == []


def test_defaults_are_safe_for_a_laptop(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOINEDUP_HOME")
    settings = Settings()
    assert settings.home == Path("data")
    assert settings.reference_data is None
    assert settings.sources_file == Path("data/sources/sources.yaml")
    assert settings.warehouse_dir == Path("data/warehouse")


def test_environment_overrides(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOINEDUP_REFERENCE_DATA", "/ref")
    monkeypatch.setenv("JOINEDUP_SOURCES", "/x/sources.yaml")
    settings = get_settings()
    assert settings.home == home
    assert settings.reference_data == Path("/ref")
    assert settings.sources_file == Path("/x/sources.yaml")


def test_toml_file_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "joinedup.toml"
    config.write_text('home = "/from/toml"\nsnapshots_keep = 9\n')
    monkeypatch.setenv("JOINEDUP_CONFIG", str(config))
    monkeypatch.delenv("JOINEDUP_HOME", raising=False)
    assert Settings().home == Path("/from/toml")
    assert Settings().snapshots_keep == 9
    monkeypatch.setenv("JOINEDUP_HOME", "/from/env")
    assert Settings().home == Path("/from/env")


def test_invalid_setting_is_rejected(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOINEDUP_SNAPSHOTS_KEEP", "0")
    with pytest.raises(ValueError, match="snapshots_keep"):
        Settings()


def test_reference_path_only_when_present(tmp_path: Path) -> None:
    (tmp_path / "dfe").mkdir()
    settings = Settings(reference_data=tmp_path)
    assert settings.reference_path("dfe") == tmp_path / "dfe"
    assert settings.reference_path("geo") is None
    assert Settings(reference_data=None).reference_path("dfe") is None


def test_empty_variable_means_unset(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOINEDUP_REFERENCE_DATA", "")
    assert Settings().reference_data is None
