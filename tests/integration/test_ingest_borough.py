"""Ingest of the small synthetic borough: every source loads, reconciles and repeats exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_ingest_real import content_hashes

import joinedup.synth
from joinedup.config import get_settings
from joinedup.sources.mapping import load_sources_file
from joinedup.warehouse import open_current
from joinedup.warehouse.ingest import run_ingest

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        not hasattr(joinedup.synth, "generate_borough"),
        reason="joinedup.synth.generate_borough (contract 1) is not written yet",
    ),
    pytest.mark.skipif(
        not (REPO / "src" / "joinedup" / "sources" / "load.py").exists(),
        reason="joinedup.sources.load (contract 2) is not written yet",
    ),
]


def test_the_small_borough_ingests_reconciled_and_deterministic(
    small_borough: Path, home: Path
) -> None:
    settings = get_settings()
    sources_file = small_borough / "sources.yaml"
    config, _ = load_sources_file(sources_file)
    first = run_ingest(sources_file, settings)
    assert [s.name for s in first.sources] == [s.name for s in config.sources]
    for source in first.sources:
        assert source.rows_read > 0, source.name
        assert source.rows_read == source.rows_loaded + source.rows_quarantined
    # Synthetic data is mostly clean: quarantine is the exception, not the rule.
    assert first.rows_loaded > 0.9 * first.rows_read
    with open_current() as con:
        (people,) = con.execute("SELECT count(*) FROM person_record").fetchone() or (0,)
    assert people > 2_000
    second = run_ingest(sources_file, settings)
    assert content_hashes(first.snapshot_path) == content_hashes(second.snapshot_path)
