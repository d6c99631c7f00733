from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.errors import MappingError
from joinedup.sources.mapping import FieldMapping, load_sources_file

GOOD = """
version: 1
sources:
  - name: hope_trust
    system: Hope Trust spreadsheet
    service: vcse
    data_current_as_of: 2026-10-31
    files:
      - path: hope.csv
        date_format: "%d/%m/%Y"
        targets:
          - entity: person
            fields:
              source_record_id: Client Ref
              first_name: {column: First}
              sex: {column: Gender, codes: {Male: M, Female: F}}
              address: {columns: [Line 1, Town], separator: ", "}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads_with_shorthand(tmp_path: Path) -> None:
    parsed, base = load_sources_file(_write(tmp_path, GOOD))
    assert base == tmp_path
    fields = parsed.sources[0].files[0].targets[0].fields
    assert fields["source_record_id"] == FieldMapping(column="Client Ref")
    assert fields["address"].source_columns == ("Line 1", "Town")
    assert fields["sex"].codes == {"Male": "M", "Female": "F"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("service: vcse", "service: bakery"), "unknown service"),
        (("entity: person", "entity: pet"), "unknown entity"),
        (("first_name: {column: First}", "forename: {column: First}"), "has no field"),
        (("source_record_id: Client Ref", "surname: Client Ref"), "needs field"),
        (("name: hope_trust", "name: Hope Trust"), "name"),
        (("first_name: {column: First}", "first_name: {column: First, value: x}"),
         "exactly one"),
        (("data_current_as_of: 2026-10-31", "data_current_as_of: yesterday"),
         "data_current_as_of"),
    ],
)
def test_invalid_files_say_what_is_wrong(tmp_path: Path, change: tuple[str, str],
                                         message: str) -> None:
    with pytest.raises(MappingError, match=message) as info:
        load_sources_file(_write(tmp_path, GOOD.replace(*change)))
    assert str(tmp_path / "sources.yaml") in str(info.value)


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="joinedup synth"):
        load_sources_file(tmp_path / "nope.yaml")


def test_not_yaml(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="not valid YAML"):
        load_sources_file(_write(tmp_path, "sources: [unclosed"))


def test_duplicate_source_names(tmp_path: Path) -> None:
    text = GOOD + GOOD.split("sources:\n", 1)[1]
    with pytest.raises(MappingError, match="unique"):
        load_sources_file(_write(tmp_path, text))


AGREEMENT = """    agreement:
      organisation: Hope Trust
      reference: DSA-7
      signed: 2026-04-01
      review_by: 2027-03-31
      purpose: Support for families the trust and the council both help.
      legal_basis: UK GDPR Article 6(1)(f) for the trust.
"""


def test_a_partner_source_records_its_agreement(tmp_path: Path) -> None:
    text = GOOD.replace("    files:\n", AGREEMENT + "    files:\n", 1)
    parsed, _ = load_sources_file(_write(tmp_path, text))
    agreement = parsed.sources[0].agreement
    assert agreement is not None
    assert (agreement.organisation, agreement.reference) == ("Hope Trust", "DSA-7")
    assert load_sources_file(_write(tmp_path, GOOD))[0].sources[0].agreement is None


@pytest.mark.parametrize(("change", "message"), [
    (("review_by: 2027-03-31", "review_by: 2025-03-31"), "must come after signed"),
    (("      reference: DSA-7\n", ""), "reference"),
    (("      organisation: Hope Trust\n", "      organisation: Hope Trust\n      owner: x\n"),
     "owner"),
])
def test_an_incomplete_agreement_says_what_is_wrong(tmp_path: Path, change: tuple[str, str],
                                                    message: str) -> None:
    text = GOOD.replace("    files:\n", AGREEMENT.replace(*change) + "    files:\n", 1)
    with pytest.raises(MappingError, match=message):
        load_sources_file(_write(tmp_path, text))
