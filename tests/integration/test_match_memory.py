"""Matching within a memory limit (`MatchOptions.memory_limit`, the `match_memory_limit`
setting, `--memory-limit`): DuckDB holds no more than it is given and spills the rest into a
folder of the run's own, which only this user can read and which goes when the run does."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_match_bad_input import FAST, _people, _write

from joinedup.cli import cli
from joinedup.commands.match import InputFile
from joinedup.linkage import LinkageError, MatchOptions, run_match
from joinedup.linkage.pipeline import open_connection


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TMPDIR for the test alone, so that a spill folder left behind would show."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    return tmp_path


def test_a_run_holds_to_its_memory_limit_and_spills_privately(tmp_path: Path) -> None:
    table = InputFile(_write(tmp_path / "in.csv", _people())).read()[0]
    unlimited = run_match([table], MatchOptions(training=FAST))
    limited = run_match([table], MatchOptions(training=FAST, memory_limit="200MB"))
    try:
        setting = limited.con.execute("SELECT current_setting('memory_limit'), "
                                      "current_setting('temp_directory')").fetchall()[0]
        assert setting[0] in ("190.7 MiB", "200.0 MB")
        spill = Path(setting[1])
        assert spill == limited.spill and spill.is_dir()
        assert stat.S_IMODE(spill.stat().st_mode) == 0o700  # personal data: this user only
        assert spill.parent != Path.cwd()  # not DuckDB's default .tmp beside the caller
        # The limit changes where DuckDB keeps its pages, never who is matched with whom.
        assert limited.clusters.cluster_of == unlimited.clusters.cluster_of
    finally:
        limited.close()
        unlimited.close()
    assert not spill.exists()


def test_a_memory_limit_duckdb_cannot_read_is_refused_and_leaves_nothing(
        private_tmp: Path) -> None:
    with pytest.raises(LinkageError, match=r"'twelve gigs' is not a size .* 12GB"):
        open_connection("twelve gigs")
    assert not list(private_tmp.glob("joinedup-spill-*"))


def test_the_cli_passes_the_limit_and_explains_a_bad_one(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", _people())
    result = CliRunner().invoke(cli, ["match", "dedupe", str(source), "--out",
                                      str(tmp_path / "out.csv"), "--memory-limit", "lots"])
    assert result.exit_code != 0
    assert isinstance(result.exception, LinkageError)  # `joinedup.cli.main` prints it
    assert "'lots' is not a size DuckDB reads" in str(result.exception)
    result = CliRunner().invoke(cli, ["match", "dedupe", str(source), "--out",
                                      str(tmp_path / "out.csv"), "--memory-limit", "300MB"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.csv").is_file()


def test_running_out_of_memory_says_what_to_do_and_leaves_nothing(private_tmp: Path) -> None:
    """A limit too small for a step: DuckDB's own error (with its SET advice, which a user of
    joinedup cannot follow) becomes one naming the limit and the way out."""
    table = InputFile(_write(private_tmp / "in.csv", _people())).read()[0]
    with pytest.raises(LinkageError, match=r"ran out of memory: DuckDB was held to 1MB .* "
                                           r"Raise the limit"):
        run_match([table], MatchOptions(training=FAST, memory_limit="1MB"))
    assert not list(private_tmp.glob("joinedup-spill-*"))


def test_running_out_inside_splink_is_told_the_same_way(
        private_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Splink wraps DuckDB's error in its own, with the whole SQL (the 7 GB region run ran
    out while grouping the blocked pairs): the same message, from the chained cause."""
    import duckdb
    from splink.internals.exceptions import SplinkException

    from joinedup.linkage import pipeline

    def out_of_memory(*_args: object, **_kwargs: object) -> None:
        try:
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
        except duckdb.OutOfMemoryException as exc:
            raise SplinkException("Error executing the following sql ...") from exc

    monkeypatch.setattr(pipeline, "_linker", out_of_memory)
    table = InputFile(_write(private_tmp / "in.csv", _people())).read()[0]
    with pytest.raises(LinkageError, match=r"ran out of memory: DuckDB was held to 7GB"):
        run_match([table], MatchOptions(training=FAST, memory_limit="7GB"))
    assert not list(private_tmp.glob("joinedup-spill-*"))
