"""The access policy's answers, hand-checked against policy.yaml."""

from __future__ import annotations

import datetime as dt

import pytest

from joinedup.access import (
    CARD_SERVICES,
    UnknownRoleError,
    age_in_years,
    can_view_people,
    can_view_person,
    field_purpose,
    has_capability,
    load_policy,
    purposes_for,
    role_codes,
    visible_fields,
    visible_services,
)

POLICY = load_policy()
PRACTITIONERS = ("childrens_social_worker", "early_help_practitioner", "adult_social_worker")
NO_PEOPLE = ("analyst", "auditor", "vcse_contributor", "administrator")


def test_the_roles_in_policy_order() -> None:
    # The inclusion officer sees pupils (person_view) but is not a practitioner above; the
    # revenues officer and GP practice see people only through their own single views.
    assert role_codes(POLICY) == (*PRACTITIONERS, "inclusion_officer", "revenues_officer",
                                  "gp_practice", "housing_association", *NO_PEOPLE)


def test_the_revenues_officer_sees_no_person_pages_but_gives_a_reason() -> None:
    assert not can_view_people("revenues_officer", POLICY)
    assert all(visible_fields("revenues_officer", s, POLICY) == () for s in CARD_SERVICES)
    assert has_capability("revenues_officer", "spd_review", POLICY)
    assert has_capability("revenues_officer", "debt_view", POLICY)
    assert [p.code for p in purposes_for("revenues_officer", POLICY)] == [
        "council_tax_review", "debt_recovery"]


def test_housing_association_staff_see_only_their_tenants_debts() -> None:
    role = "housing_association"
    assert not can_view_people(role, POLICY)
    assert has_capability(role, "tenant_debts", POLICY)
    assert not has_capability(role, "debt_view", POLICY)
    assert not has_capability(role, "spd_review", POLICY)
    assert [p.code for p in purposes_for(role, POLICY)] == ["debt_recovery"]


def test_inclusion_officer_sees_pupils_and_dashboards_not_adults() -> None:
    role = "inclusion_officer"
    assert has_capability(role, "insight", POLICY) and can_view_people(role, POLICY)
    assert visible_services(role, 12, POLICY) == (
        "childrens_social_care", "early_help", "education", "health")
    assert not can_view_person(role, 40, POLICY)  # subject_age: up to 25
    assert [p.code for p in purposes_for(role, POLICY)] == [
        "school_attendance_support", "early_help_assessment"]


@pytest.mark.parametrize("role", NO_PEOPLE)
def test_roles_without_person_access_see_nothing(role: str) -> None:
    assert not can_view_people(role, POLICY)
    for age in (None, 0, 10, 17, 40):
        assert not can_view_person(role, age, POLICY)
        assert visible_services(role, age, POLICY) == ()
    assert all(visible_fields(role, s, POLICY) == () for s in CARD_SERVICES)
    assert purposes_for(role, POLICY) == ()


def test_childrens_social_worker_sees_a_ten_year_old() -> None:
    # Education 4-20, children's social care to 25; housing 16+, police and adult care 18+.
    assert visible_services("childrens_social_worker", 10, POLICY) == (
        "childrens_social_care", "early_help", "education", "health", "vcse")


def test_childrens_social_worker_sees_a_parent() -> None:
    assert visible_services("childrens_social_worker", 30, POLICY) == (
        "early_help", "adult_social_care", "health", "housing", "police", "vcse")


@pytest.mark.parametrize(("age", "housing", "police", "education", "csc"), [
    (3, False, False, False, True),
    (4, False, False, True, True),
    (15, False, False, True, True),
    (16, True, False, True, True),
    (17, True, False, True, True),
    (18, True, True, True, True),
    (20, True, True, True, True),
    (21, True, True, False, True),
    (25, True, True, False, True),
    (26, True, True, False, False),
])
def test_age_boundaries_are_inclusive(age: int, housing: bool, police: bool, education: bool,
                                      csc: bool) -> None:
    seen = visible_services("childrens_social_worker", age, POLICY)
    assert ("housing" in seen, "police" in seen, "education" in seen,
            "childrens_social_care" in seen) == (housing, police, education, csc)


def test_unknown_age_shows_only_services_without_an_age_rule() -> None:
    assert visible_services("childrens_social_worker", None, POLICY) == (
        "early_help", "health", "vcse")


def test_adult_social_worker_cannot_open_a_young_child() -> None:
    assert not can_view_person("adult_social_worker", 15, POLICY)
    assert visible_services("adult_social_worker", 15, POLICY) == ()
    assert can_view_person("adult_social_worker", 16, POLICY)
    assert not can_view_person("adult_social_worker", None, POLICY)
    assert can_view_person("childrens_social_worker", None, POLICY)


def test_fields_per_role_and_service() -> None:
    assert visible_fields("early_help_practitioner", "police", POLICY) == ("status",)
    assert visible_fields("childrens_social_worker", "health", POLICY) == (
        "status", "key_worker", "contact", "dates")
    assert visible_fields("adult_social_worker", "education", POLICY) == ("status",)
    assert "facts" in visible_fields("childrens_social_worker", "police", POLICY)
    assert visible_fields("analyst", "health", POLICY) == ()


def test_purposes_per_role() -> None:
    assert [p.code for p in purposes_for("childrens_social_worker", POLICY)] == [
        "referral_triage", "child_in_need_assessment", "child_protection", "looked_after_child",
        "record_matching"]
    assert [p.code for p in purposes_for("adult_social_worker", POLICY)] == [
        "adult_safeguarding", "care_act_assessment", "record_matching"]
    section47 = purposes_for("childrens_social_worker", POLICY)[2]
    assert section47.label == "Child protection enquiry (section 47)"
    assert "Children Act 1989 section 47" in section47.legal_basis


def test_every_visible_field_has_a_purpose_and_a_legal_basis() -> None:
    for role in role_codes(POLICY):
        for service in CARD_SERVICES:
            for field in visible_fields(role, service, POLICY):
                entry = field_purpose(service, field, POLICY)
                assert len(entry.purpose) > 20 and len(entry.legal_basis) > 20, (role, service)
                assert "\n" not in entry.legal_basis


def test_capabilities() -> None:
    assert has_capability("auditor", "audit_read", POLICY)
    assert not has_capability("childrens_social_worker", "audit_read", POLICY)
    assert has_capability("administrator", "user_admin", POLICY)
    assert has_capability("analyst", "insight", POLICY)


def test_unknown_role_is_refused_not_ignored() -> None:
    with pytest.raises(UnknownRoleError, match="'superuser' is not a role"):
        visible_services("superuser", 30, POLICY)


@pytest.mark.parametrize(("born", "on", "age"), [
    (dt.date(2010, 6, 15), dt.date(2026, 6, 14), 15),
    (dt.date(2010, 6, 15), dt.date(2026, 6, 15), 16),
    (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),
    (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
    (dt.date(2026, 1, 1), dt.date(2026, 1, 1), 0),
])
def test_age_in_years(born: dt.date, on: dt.date, age: int) -> None:
    assert age_in_years(born, on) == age
