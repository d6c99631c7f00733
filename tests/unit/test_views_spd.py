"""The SPD review's logic on hand-made rows: who counts as an adult, the ranking, the
account holder's own records, values and the clerical labels an outcome gives."""

from __future__ import annotations

import datetime as dt

import pytest

from joinedup.errors import JoinedUpError
from joinedup.views.charges import annual_charge
from joinedup.views.outcomes import labels_for
from joinedup.views.precision import precision_at
from joinedup.views.spd import SpdSettings, SpdWeights, assemble

ON = dt.date(2026, 10, 30)


def _account(no: str, lead: str, band: str = "B", postcode: str = "SK1 1AA") -> dict:
    return {"account_no": no, "source": "council_tax", "lead_record_id": f"R{no}",
            "account_start": dt.date(2015, 1, 1), "band": band, "lead_person_id": lead,
            "lead_confidence": 0.99, "postcode": postcode}


def _stay(person: str, hh: str, postcode: str = "SK1 1AA") -> dict:
    return {"person_id": person, "household_id": hh, "sources": ["council_tax"],
            "address": "1 Mill Lane", "postcode": postcode, "uprn": None, "communal": False}


def _resident(hh: str, person: str, dob: dt.date | None, sources: list[str],
              first: str = "Sam", surname: str = "Other") -> dict:
    return {"household_id": hh, "person_id": person, "start_date": dt.date(2020, 1, 1),
            "end_date": None, "sources": sources, "evidence": len(sources), "dated": True,
            "first_name": first, "surname": surname, "dob": dob}


def _link(person: str, source: str, prob: float = 0.99) -> dict:
    return {"person_id": person, "source": source, "source_record_id": f"{source}-{person}",
            "match_probability": prob}


def _run(accounts, stays, residents, links, names=()):
    return assemble(accounts, stays, residents, links, list(names), on=ON,
                    settings=SpdSettings(), weights=SpdWeights())


def _lead(person: str) -> dict:
    return {"person_id": person, "first_name": "Pat", "surname": "Lead",
            "dob": dt.date(1970, 1, 1)}


def test_adults_are_counted_on_the_review_date() -> None:
    eighteen_today = dt.date(2008, 10, 30)
    eighteen_tomorrow = dt.date(2008, 10, 31)
    reviews = _run(
        [_account("1", "L1")], [_stay("L1", "H1")],
        [_resident("H1", "L1", dt.date(1970, 1, 1), ["council_tax"], "Pat", "Lead"),
         _resident("H1", "A", eighteen_today, ["electoral_register", "housing"]),
         _resident("H1", "C", eighteen_tomorrow, ["health_child_health", "education"])],
        [_link("A", "electoral_register"), _link("A", "housing"), _link("C", "education")],
        [_lead("L1")])
    (review,) = reviews
    assert review.adults == 2
    by_id = {o.person_id: o for o in review.others}
    assert by_id["A"].adult is True and by_id["A"].age == 18
    assert by_id["C"].adult is False and by_id["C"].likelihood == 0.0
    assert review.score == by_id["A"].likelihood > 0.9


def test_ranking_puts_the_strongest_evidence_first_and_lone_holders_last() -> None:
    accounts = [_account("1", "L1"), _account("2", "L2"), _account("3", "L3", band="H")]
    stays = [_stay("L1", "H1"), _stay("L2", "H2"), _stay("L3", "H3")]
    residents = [
        _resident("H1", "W", dt.date(1990, 1, 1), ["housing"]),
        _resident("H2", "S", dt.date(1990, 1, 1), ["electoral_register", "housing"]),
    ]
    links = [_link("W", "housing"), _link("S", "electoral_register"), _link("S", "housing")]
    reviews = _run(accounts, stays, residents, links, [_lead("L1"), _lead("L2"), _lead("L3")])
    assert [r.account_no for r in reviews] == ["2", "1", "3"]
    assert [r.rank for r in reviews] == [1, 2, 3]
    assert reviews[2].score == 0.0 and reviews[2].adults == 1
    assert reviews[2].discount_value == round(2280 * 18 / 9 * 0.25, 2)


def test_unknown_age_electors_and_weak_matches() -> None:
    reviews = _run(
        [_account("1", "L1")], [_stay("L1", "H1")],
        [_resident("H1", "E", None, ["electoral_register"], "Eli", "Voter"),
         _resident("H1", "U", None, ["vcse_bridges"], "Una", "Known"),
         _resident("H1", "M", dt.date(1980, 5, 5), ["housing"], "Mo", "Weak")],
        [_link("E", "electoral_register"), _link("U", "vcse_bridges"),
         _link("M", "housing", 0.5), _link("M", "police", 0.95)], [_lead("L1")])
    by_id = {o.person_id: o for o in reviews[0].others}
    assert by_id["E"].adult is True and by_id["E"].adult_basis == "electoral_register"
    assert by_id["U"].adult is None and reviews[0].unknown_age == 1
    assert by_id["M"].match_confidence == 0.5
    assert by_id["M"].likelihood < by_id["E"].likelihood


def test_the_account_holders_own_records_are_not_a_second_adult() -> None:
    reviews = _run(
        [_account("1", "L1")], [_stay("L1", "H1")],
        [_resident("H1", "X", None, ["electoral_register", "housing"], "P", "Lead")],
        [_link("X", "electoral_register")], [_lead("L1")])
    other = reviews[0].others[0]
    assert other.maybe_account_holder
    assert other.likelihood < 0.2


def test_one_person_left_as_two_records_is_counted_once() -> None:
    reviews = _run(
        [_account("1", "L1")], [_stay("L1", "H1")],
        [_resident("H1", "A", dt.date(1990, 1, 1), ["health_child_health"], "Matthew", "Ray"),
         _resident("H1", "B", None, ["electoral_register"], "Matt", "Ray")],
        [_link("A", "health_child_health"), _link("B", "electoral_register")], [_lead("L1")])
    by_id = {o.person_id: o for o in reviews[0].others}
    assert by_id["B"].same_as == "A" and by_id["A"].same_as is None
    assert reviews[0].adults == 2


def test_the_property_is_the_stay_at_the_accounts_postcode() -> None:
    stays = [_stay("L1", "OLD", postcode="SK2 2BB"), _stay("L1", "NEW", postcode="sk11aa")]
    reviews = _run([_account("1", "L1")], stays,
                   [_resident("OLD", "Z", dt.date(1980, 1, 1), ["electoral_register"])],
                   [_link("Z", "electoral_register")], [_lead("L1")])
    assert reviews[0].household_id == "NEW" and reviews[0].placement == "postcode"
    assert reviews[0].others == ()


def test_outcomes_give_cannot_and_must_link_labels() -> None:
    (review,) = _run(
        [_account("1", "L1")], [_stay("L1", "H1")],
        [_resident("H1", "A", dt.date(1990, 1, 1), ["electoral_register", "housing"])],
        [_link("A", "housing"), _link("A", "electoral_register")], [_lead("L1")])
    (label,) = labels_for(review, "discount_removed", ["A"])
    assert label.decision == "different"
    assert label.left == ("council_tax", "R1")
    assert label.right == ("electoral_register", "electoral_register-A")
    assert labels_for(review, "matching_error", ["A"])[0].decision == "same"
    assert labels_for(review, "no_change", []) == []
    with pytest.raises(JoinedUpError, match="not among the people"):
        labels_for(review, "discount_removed", ["NOPE"])
    with pytest.raises(JoinedUpError, match="needs the people"):
        labels_for(review, "discount_removed", [])


def test_band_charges_and_precision() -> None:
    assert annual_charge("D") == 2280.0
    assert annual_charge("a", 1800) == 1200.0
    assert annual_charge("Z") is None
    top = precision_at(["1", "2", "3", "4"], {"1", "3", "9"}, [2, 10])
    assert (top[0].found, top[0].precision) == (1, 0.5)
    assert (top[1].reviewed, top[1].found, top[1].recall) == (4, 2, 0.667)


def test_only_council_tax_and_the_register_are_named_to_revenues() -> None:
    from joinedup.views.disclosure import disclosed

    shown = disclosed(["electoral_register", "csc_case_system", "police", "council_tax"],
                      {"electoral_register": "electoral_registration",
                       "csc_case_system": "childrens_social_care", "police": "police",
                       "council_tax": "council_tax"},
                      {"electoral_register": "Electoral register", "council_tax": "Council tax"})
    assert shown.named == ("Council tax", "Electoral register")
    assert shown.others == 2
