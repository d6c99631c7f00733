"""Stable person ids across link runs: hand-worked cases of new, merged, split, retired."""

from __future__ import annotations

import pytest

from joinedup.linkage.identity import assign_person_ids, format_person_id, person_number

A1, A2, A3 = ("cs", "a1"), ("school", "a2"), ("health", "a3")
B1, B2 = ("cs", "b1"), ("housing", "b2")
P1, P2, P3 = format_person_id(1), format_person_id(2), format_person_id(3)


def test_first_run_numbers_people_in_record_order() -> None:
    result = assign_person_ids({"k2": [B1, B2], "k1": [A1]}, {}, next_number=1)
    assert result.person_of_cluster == {"k1": P1, "k2": P2}
    assert [(e.kind, e.person_id, e.records) for e in result.events] == [
        ("new", P1, 1), ("new", P2, 2)]
    assert result.next_number == 3


def test_rerun_with_same_clusters_keeps_every_id_and_records_nothing() -> None:
    previous = {A1: P1, A2: P1, B1: P2}
    result = assign_person_ids({"x": [B1], "y": [A1, A2]}, previous, next_number=3)
    assert result.person_of_cluster == {"x": P2, "y": P1}
    assert result.events == ()
    assert result.next_number == 3


def test_new_records_join_people_without_renumbering() -> None:
    # A new record that sorts before everything else must not shift anyone's id.
    early = ("aaa", "0")
    previous = {A1: P1, B1: P2}
    result = assign_person_ids({"c1": [early, B1], "c2": [A1], "c3": [("aaa", "1")]},
                               previous, next_number=3)
    assert result.person_of_cluster == {"c1": P2, "c2": P1, "c3": P3}
    assert [(e.kind, e.person_id) for e in result.events] == [("new", P3)]


def test_merge_keeps_the_id_of_the_larger_side_and_retires_the_other() -> None:
    previous = {A1: P1, A2: P1, B1: P2}
    result = assign_person_ids({"m": [A1, A2, B1]}, previous, next_number=3)
    assert result.person_of_cluster == {"m": P1}
    assert [(e.kind, e.person_id, e.other_person_id, e.records) for e in result.events] == [
        ("merged", P2, P1, 1)]


def test_merge_of_equal_sides_keeps_the_older_id() -> None:
    previous = {A1: P2, B1: P1}
    result = assign_person_ids({"m": [A1, B1]}, previous, next_number=3)
    assert result.person_of_cluster == {"m": P1}
    assert result.events[0].person_id == P2


def test_split_gives_the_smaller_part_a_fresh_id() -> None:
    previous = {A1: P1, A2: P1, A3: P1}
    result = assign_person_ids({"s1": [A3], "s2": [A1, A2]}, previous, next_number=2)
    assert result.person_of_cluster == {"s1": P2, "s2": P1}
    assert [(e.kind, e.person_id, e.other_person_id, e.records) for e in result.events] == [
        ("split", P1, P2, 1)]
    assert result.next_number == 3


def test_person_whose_records_left_the_sources_is_retired() -> None:
    result = assign_person_ids({"a": [A1]}, {A1: P1, B1: P2}, next_number=3)
    assert [(e.kind, e.person_id) for e in result.events] == [("retired", P2)]


def test_person_number_rejects_other_text() -> None:
    assert person_number("JP00000042") == 42
    with pytest.raises(ValueError):
        person_number("42")


def test_a_merged_id_split_evenly_names_the_older_person_as_survivor() -> None:
    # P3's records went one each to P1's and P2's clusters; P3 keeps neither: merged into P1.
    previous = {A1: P1, A2: P3, B1: P2, B2: P3}
    result = assign_person_ids({"x": [B1, B2], "y": [A1, A2]}, previous, next_number=4)
    assert result.person_of_cluster == {"x": P2, "y": P1}
    assert [(e.kind, e.person_id, e.other_person_id, e.records) for e in result.events] == [
        ("merged", P3, P1, 2)]
