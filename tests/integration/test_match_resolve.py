"""The policies applied on top of the model's scores: possible twins stay apart."""

from __future__ import annotations

import itertools

import duckdb
import pyarrow as pa

from joinedup.linkage.fields import resolve_mapping
from joinedup.linkage.prepare import prepare_records
from joinedup.linkage.resolve import ClusterRules, cluster_predictions

FAMILY = [
    {"id": "oliver", "first_name": "Oliver", "surname": "Smith", "dob": "2015-05-01"},
    {"id": "ollie", "first_name": "Ollie", "surname": "Smith", "dob": "2015-05-01"},
    {"id": "amelia", "first_name": "Amelia", "surname": "Smith", "dob": "2015-05-01"},
    {"id": "baby", "first_name": "Baby of", "surname": "Smith", "dob": "2015-05-01"},
]


def _clusters(separate_twins: bool) -> dict[str, str]:
    con = duckdb.connect()
    con.register("incoming", pa.Table.from_pylist(FAMILY))
    con.execute("CREATE TABLE raw AS SELECT * FROM incoming")
    prepared = prepare_records(con, "raw", resolve_mapping(list(FAMILY[0]), {}), "p")
    # A model that scores every pair of the family as a near-certain match.
    pairs = list(itertools.combinations([row["id"] for row in FAMILY], 2))
    con.register("scored", pa.table({
        "unique_id_l": [a for a, _ in pairs], "unique_id_r": [b for _, b in pairs],
        "match_probability": [0.999] * len(pairs), "match_weight": [10.0] * len(pairs)}))
    rules = ClusterRules(threshold=0.9, max_cluster_size=50, min_average_weight=-3.0,
                         separate_twins=separate_twins)
    _, clusters = cluster_predictions(con, "scored", [prepared], False, rules)
    con.close()
    return clusters.cluster_of


def test_possible_twins_are_never_merged_even_through_a_third_record() -> None:
    clusters = _clusters(separate_twins=True)
    assert clusters["oliver"] == clusters["ollie"]  # a nickname is not a twin
    assert clusters["amelia"] != clusters["oliver"]


def test_without_the_policy_the_model_decides() -> None:
    clusters = _clusters(separate_twins=False)
    assert len(set(clusters.values())) == 1


def _copies(probability: float, copies: int = 120) -> tuple[dict[str, str], frozenset[str]]:
    """`copies` identical records (and one other person); blocking let one pair of copies
    through and the model scored it `probability`."""
    rows = [{"id": f"c{n:03d}", "first_name": "John", "surname": "Smith", "dob": "1980-01-01"}
            for n in range(copies)]
    rows.append({"id": "other", "first_name": "Jane", "surname": "Smith", "dob": "1981-02-03"})
    con = duckdb.connect()
    con.register("incoming", pa.Table.from_pylist(rows))
    con.execute("CREATE TABLE raw AS SELECT * FROM incoming")
    prepared = prepare_records(con, "raw", resolve_mapping(list(rows[0]), {}), "p")
    paired = con.execute("SELECT unique_id FROM p WHERE NOT copy_unpaired "
                         "AND unique_id <> 'other' ORDER BY 1").fetchall()
    assert [r[0] for r in paired] == ["c000", "c001"]  # only two copies are paired at all
    con.register("scored", pa.table({
        "unique_id_l": ["c000", "c000"], "unique_id_r": ["c001", "other"],
        "match_probability": [probability, 0.01], "match_weight": [5.0, -7.0]}))
    rules = ClusterRules(threshold=0.8, max_cluster_size=50, min_average_weight=-3.0,
                         separate_twins=True)
    _, clusters = cluster_predictions(con, "scored", [prepared], False, rules)
    con.close()
    return clusters.cluster_of, clusters.flagged


def test_copies_of_one_record_share_one_score_up_to_the_size_cap() -> None:
    clusters, flagged = _copies(0.97)
    sizes = {cluster: list(clusters.values()).count(cluster) for cluster in set(clusters.values())}
    assert sizes[clusters["c000"]] == 50  # the cap, not 120
    assert clusters["c000"] in flagged
    assert clusters["other"] not in {clusters[f"c{n:03d}"] for n in range(120)}


def test_copies_whose_pair_does_not_link_stay_apart() -> None:
    clusters, flagged = _copies(0.3)
    assert len({clusters[f"c{n:03d}"] for n in range(120)}) == 120
    assert not flagged


def _chain(third_from: str) -> dict[str, str]:
    """Three council tax accounts of one name at three postcodes: a1 then a2 then a3. The
    model links a1-a2 and a2-a3 (each a move) and scores a1-a3 far below the bar."""
    rows = [
        {"id": "a1", "first_name": "THOMAS", "surname": "KING", "postcode": "SK1 1AA",
         "address_from": "2018-01-01", "address_to": "2020-01-01"},
        {"id": "a2", "first_name": "THOMAS", "surname": "KING", "postcode": "SK2 2BB",
         "address_from": "2020-01-01", "address_to": "2022-01-01"},
        {"id": "a3", "first_name": "THOMAS", "surname": "KING", "postcode": "SK3 3CC",
         "address_from": third_from, "address_to": None},
    ]
    con = duckdb.connect()
    con.register("incoming", pa.Table.from_pylist(rows))
    con.execute("CREATE TABLE raw AS SELECT * FROM incoming")
    prepared = prepare_records(con, "raw", resolve_mapping(list(rows[0]), {}), "p")
    con.register("scored", pa.table({
        "unique_id_l": ["a1", "a2", "a1"], "unique_id_r": ["a2", "a3", "a3"],
        "match_probability": [0.99, 0.98, 0.0], "match_weight": [8.0, 6.0, -15.0]}))
    rules = ClusterRules(threshold=0.9, max_cluster_size=50, min_average_weight=-3.0,
                         separate_twins=True)
    _, clusters = cluster_predictions(con, "scored", [prepared], False, rules)
    con.close()
    return clusters.cluster_of


def test_a_chain_of_moves_is_not_held_apart_by_its_ends() -> None:
    # a1 was given up before a3 began: their different postcodes are a move, not evidence
    # against, so the chain is one person.
    clusters = _chain(third_from="2022-01-01")
    assert clusters["a1"] == clusters["a2"] == clusters["a3"]


def test_addresses_held_at_once_still_count_against() -> None:
    # a3 began while a1 was still held: two postcodes at the same time, so a1-a3's -15 counts
    # and the average between {a1, a2} and a3 ((6 - 15) / 2) is below -3.
    clusters = _chain(third_from="2019-06-01")
    assert clusters["a1"] == clusters["a2"] != clusters["a3"]
