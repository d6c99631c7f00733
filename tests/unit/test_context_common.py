"""Small pure pieces of joinedup.context: ages, names, address keys, JSON output."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from joinedup.context.cards import KeyFact
from joinedup.context.common import age_on, full_name, service_order, to_jsonable
from joinedup.context.summary import address_key

D = dt.date


def test_age_counts_whole_years_and_stops_at_death() -> None:
    assert age_on(D(2015, 3, 10), D(2026, 3, 9)) == 10
    assert age_on(D(2015, 3, 10), D(2026, 3, 10)) == 11
    assert age_on(D(2016, 2, 29), D(2026, 2, 28)) == 9
    assert age_on(D(2016, 2, 29), D(2026, 3, 1)) == 10
    assert age_on(D(1950, 5, 1), D(2026, 1, 1), died=D(2020, 4, 30)) == 69
    assert age_on(None, D(2026, 1, 1)) is None
    assert age_on(D(2027, 1, 1), D(2026, 1, 1)) is None


def test_address_keys() -> None:
    assert address_key("12 Oak Rd, Town", "sk1 1aa", None) == address_key(
        "12 OAK ROAD, Somewhere Else", "SK11AA", "123")
    assert address_key("Flat 4, Grosvenor House, 19 Garden Lane, Norbury", "SK7 4AQ", None) == (
        "SK74AQ", "flat 4 grosvenor house 19 garden lane")
    assert address_key("12 Oak Road", "SK1 1AA", None) != address_key("14 Oak Road", "SK1 1AA",
                                                                       None)
    assert address_key(None, None, "00123") == ("UPRN", "123")
    assert address_key(" ", "", None) is None


def test_names_and_service_order() -> None:
    assert full_name(" Amy ", None, "van  der Berg") == "Amy van der Berg"
    assert service_order(["police", "zeta", "childrens_social_care", "police"]) == [
        "childrens_social_care", "police", "zeta"]


def test_json_output() -> None:
    fact = KeyFact("Attendance", "95%", D(2026, 1, 5))
    assert fact.as_dict() == {"label": "Attendance", "text": "95%", "date": "2026-01-05",
                              "end_date": None, "source": None, "event_type": None}
    value = to_jsonable({"a": (Decimal("1.5"), {"b", "a"}), "when": D(2026, 1, 1)})
    assert json.loads(json.dumps(value)) == {"a": [1.5, ["a", "b"]], "when": "2026-01-01"}
