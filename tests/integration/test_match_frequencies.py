"""Term frequencies kept with a model (`joinedup.linkage.frequencies`): a saved model scores
a pair the same way whatever else is in the input, so that adding a day's records cannot
move pairs between them and everyone else across the threshold."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_match_bad_input import FAST, _people, _write

from joinedup.commands.match import InputFile
from joinedup.linkage import LinkageError, MatchOptions, run_match
from joinedup.linkage.pipeline import MatchRun


def _weights(run: MatchRun) -> dict[tuple[str, str], float]:
    return {(str(a), str(b)): float(w) for a, b, w in run.con.execute(
        f'SELECT unique_id_l, unique_id_r, match_weight FROM "{run.predictions}"').fetchall()}


def test_saved_frequencies_score_old_pairs_alike_when_records_are_added(
        tmp_path: Path) -> None:
    ordinary = _people()
    model, frequencies = tmp_path / "model.json", tmp_path / "frequencies.parquet"
    trained = run_match([InputFile(_write(tmp_path / "day1.csv", ordinary)).read()[0]],
                        MatchOptions(training=FAST, save_model=model,
                                     save_frequencies=frequencies))
    before = _weights(trained)
    trained.close()
    assert frequencies.is_file()
    # The next day brings many more people with the same few names.
    more = _people(seed=10, people=400, prefix="N")
    both = InputFile(_write(tmp_path / "day2.csv", ordinary + more)).read()[0]

    fresh = run_match([both], MatchOptions(model=model))
    kept = run_match([both], MatchOptions(model=model, frequencies=frequencies))
    try:
        afresh, frozen = _weights(fresh), _weights(kept)
        # (A few old pairs are not blocked any more: a key shared by more records is not
        # rare now, `blocking.rare_keys_lost_sql`.)
        old = [pair for pair in before if pair in frozen]
        assert len(old) > 0.9 * len(before) > 0
        assert all(frozen[pair] == pytest.approx(before[pair], abs=1e-9) for pair in old)
        # Computed afresh, the names' frequencies moved and so did the old pairs' weights.
        assert sum(abs(afresh[pair] - before[pair]) > 1e-6 for pair in old) > len(old) / 2
    finally:
        fresh.close()
        kept.close()


def test_saved_frequencies_are_refused_on_spark(tmp_path: Path) -> None:
    rows = _people()
    model, frequencies = tmp_path / "model.json", tmp_path / "frequencies.parquet"
    run_match([InputFile(_write(tmp_path / "in.csv", rows)).read()[0]],
              MatchOptions(training=FAST, save_model=model,
                           save_frequencies=frequencies)).close()
    with pytest.raises(LinkageError, match="duckdb engine only"):
        run_match([InputFile(_write(tmp_path / "in.csv", rows)).read()[0]],
                  MatchOptions(model=model, frequencies=frequencies, engine="spark"))


def test_a_run_says_when_many_values_are_missing_from_the_saved_frequencies(
        tmp_path: Path) -> None:
    ordinary = _people()
    model, frequencies = tmp_path / "model.json", tmp_path / "frequencies.parquet"
    run_match([InputFile(_write(tmp_path / "day1.csv", ordinary)).read()[0]],
              MatchOptions(training=FAST, save_model=model,
                           save_frequencies=frequencies)).close()

    def said(rows: list[dict[str, str]], name: str) -> list[str]:
        heard: list[str] = []
        run_match([InputFile(_write(tmp_path / name, rows)).read()[0]],
                  MatchOptions(model=model, frequencies=frequencies), heard.append).close()
        return [line for line in heard if "retrain" in line]

    assert said(ordinary, "same.csv") == []
    # A new community's surnames: none is in the frequencies the model was trained with.
    newcomers = [dict(row, id=f"N{n:05d}", surname=f"{row['surname']}ska")
                 for n, row in enumerate(ordinary)]
    (line,) = said(ordinary + newcomers, "newcomers.csv")
    assert "surname 50%" in line and "joinedup link --retrain" in line
