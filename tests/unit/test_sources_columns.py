"""Matching mapping columns to file columns, and naming header cells."""

from __future__ import annotations

import pytest

from joinedup.errors import SourceError
from joinedup.sources.columns import resolve_columns
from joinedup.sources.csv_reader import column_names

FILE = ("Client Ref", "First name", "Date of Birth", "Postcode")


def test_exact_and_loose_matches() -> None:
    assert resolve_columns(["Client Ref", "date of  birth", "POSTCODE"], FILE, "f.csv") == {
        "Client Ref": "Client Ref", "date of  birth": "Date of Birth", "POSTCODE": "Postcode"}


def test_ambiguous_loose_matches_are_not_guessed() -> None:
    with pytest.raises(SourceError, match="'ref'"):
        resolve_columns(["ref"], ("Ref", "REF"), "f.csv")


def test_missing_columns_are_all_named_with_suggestions() -> None:
    with pytest.raises(SourceError) as caught:
        resolve_columns(["Client Reference", "Forename", "Postcode"], FILE, "people.csv")
    error = caught.value
    assert error.file == "people.csv" and error.field == "Client Reference, Forename"
    assert "'Client Reference' (did you mean 'Client Ref'?)" in str(error)
    assert "'Forename' (did you mean 'First name'?)" in str(error)
    assert "The file's columns are: 'Client Ref', 'First name', 'Date of Birth', 'Postcode'" in \
        str(error)


def test_one_column_with_separators_hints_at_the_delimiter() -> None:
    with pytest.raises(SourceError, match="set `delimiter:`"):
        resolve_columns(["Ref"], ("Ref;Name;DOB",), "f.csv")


def test_header_names() -> None:
    assert column_names([" Ref ", "", "Name", "Name", "Name_1", ""]) == (
        "Ref", "column1", "Name", "Name_1", "Name_1_1", "column5")
