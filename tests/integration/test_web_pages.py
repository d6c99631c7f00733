"""The layout and the pages this app has so far: home per role, "How we use data", the data
banner, the API's first endpoints, and GOV.UK component rendering."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from django.contrib.auth.models import User
from django.template import engines
from django.test import Client
from govuk_frontend_django.components import base as gfd_base
from govuk_frontend_django.components.button import GovUKButton
from govuk_frontend_django.components.phase_banner import GovUKPhaseBanner
from govuk_frontend_django.components.tag import GovUKTag

from joinedup.warehouse.runinfo import RunInfo, write_run_metadata
from joinedup.warehouse.snapshots import SnapshotStore
from joinedup.web.accounts.roles import assign_role
from joinedup.web.core import components, dataset, govuk

pytestmark = pytest.mark.django_db


def _client(role: str | None) -> Client:
    user = User.objects.create_user(role or "nobody", password="correct-horse-battery-9")
    if role:
        assign_role(user, role)
    client = Client()
    client.force_login(user)
    return client


def _snapshot(home: Path, sources_dir: Path) -> None:
    """A committed snapshot whose run_info names sources.yaml in ``sources_dir``."""
    store = SnapshotStore(home / "warehouse" / "snapshots")
    store.root.mkdir(parents=True)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with store.lock(), store.build() as build:
        write_run_metadata(build.con, RunInfo(
            build.id, now, now, str(sources_dir / "sources.yaml"), "0" * 64, "0.1.0",
            duckdb.__version__, ()), [])
        build.commit()


@pytest.mark.parametrize(("role", "shown", "hidden"), [
    ("childrens_social_worker", ["Start now", "Child protection enquiry (section 47)",
                                 "Children&#x27;s social care", "Events on the timeline"],
     ["does not give access"]),
    ("adult_social_worker", ["Adult safeguarding enquiry (section 42)"],
     ["Child protection enquiry"]),
    ("analyst", ["does not give access to anyone"], ["Start now", "Reasons you can give"]),
    ("auditor", ["As an auditor"], ["Start now"]),
    ("administrator", ["joinedup web add-user"], ["Start now"]),
    (None, ["does not have a role yet"], ["Start now"]),
])
def test_home_page_per_role(role: str | None, shown: list[str], hidden: list[str]) -> None:
    html = _client(role).get("/").content.decode()
    for text in shown:
        assert text in html, text
    for text in hidden:
        assert text not in html, text


def test_header_shows_user_role_and_post_sign_out() -> None:
    html = _client("early_help_practitioner").get("/").content.decode()
    assert "Signed in as <strong>early_help_practitioner</strong>" in html
    assert "(Early help practitioner (council or voluntary sector))" in html
    assert '<form class="jup-inline-form" method="post" action="/accounts/sign-out/">' in html
    assert 'href="#main-content" class="govuk-skip-link"' in html


def test_how_we_use_data_is_generated_from_the_register() -> None:
    html = Client().get("/how-we-use-data/").content.decode()
    assert "Housing Act 1996 Part 7 and section 213B" in html
    assert "Shown for people aged 18 or over." in html  # police and adult social care
    assert "Shown for people aged 4 to 20." in html  # education
    assert "None: this role never opens a person's record." in html


def test_data_banner_follows_the_served_snapshot(home: Path) -> None:
    client = _client("analyst")
    assert dataset.warehouse_kind() == "none"
    assert "No warehouse snapshot has been loaded yet." in client.get("/").content.decode()
    borough = home / "sources"
    borough.mkdir()
    (borough / "manifest.json").write_text(json.dumps({"generator": "joinedup synth"}))
    _snapshot(home, borough)
    assert dataset.warehouse_kind() == "synthetic"
    assert "Synthetic data</strong>" in client.get("/").content.decode()


def test_a_real_extract_gets_no_synthetic_banner(home: Path) -> None:
    extracts = home / "extracts"
    extracts.mkdir()
    _snapshot(home, extracts)
    assert dataset.warehouse_kind() == "real"
    html = _client("analyst").get("/").content.decode()
    assert "Synthetic data" not in html and "No warehouse snapshot" not in html


def test_synth_marker_matches_the_generator() -> None:
    from joinedup.synth.borough import GENERATOR

    assert dataset.SYNTH_GENERATOR == GENERATOR


def test_api_me_and_health() -> None:
    client = _client("childrens_social_worker")
    me = client.get("/api/me").json()
    assert me == {"username": "childrens_social_worker", "role": "childrens_social_worker",
                  "role_label": "Children's social worker", "person_access": True,
                  "access_reason": None}
    client.post("/accounts/reason/", {"case_reference": "CP/9", "purpose": "child_protection"})
    assert client.get("/api/me").json()["access_reason"]["case_reference"] == "CP/9"
    assert client.get("/api/health").json()["status"] == "ok"
    assert _client("analyst").get("/api/me").json()["person_access"] is False


def test_fast_rendering_matches_the_library() -> None:
    made = [GovUKButton(text="Sign <in>", preventDoubleClick=True),
            GovUKPhaseBanner(text="Synthetic", tag=GovUKTag(text="Alpha"))]
    fast = [str(component) for component in made]
    slow = [str(govuk.LIBRARY_RENDER(component)) for component in made]
    assert fast == slow
    assert "Sign &lt;in&gt;" in fast[0]
    assert gfd_base.GovUKComponent.render is govuk.render


def test_gds_component_tag_and_govuk_tag() -> None:
    engine = engines["django"]
    html = engine.from_string(
        '{% load govuk_frontend_django govuk %}{% gds_component "back-link" href="/" %}'
        '{% govuk "warning-text" text="Check the case reference" %}').render({})
    assert 'class="govuk-back-link"' in html
    assert "Check the case reference" in html


def test_form_helpers_render_errors_and_values() -> None:
    from joinedup.access import purposes_for
    from joinedup.web.accounts.forms import ReasonForm

    form = ReasonForm(purposes_for("adult_social_worker"),
                      data={"case_reference": "", "purpose": "care_act_assessment"})
    assert not form.is_valid()
    summary = str(components.error_summary(form))
    assert 'href="#case_reference"' in summary and "Enter the case reference" in summary
    field = str(components.text_input(form["case_reference"], "Case reference"))
    assert 'id="case_reference-error"' in field and "govuk-input--error" in field
    choices = [(p.code, p.label) for p in purposes_for("adult_social_worker")]
    radios = str(components.radios(form["purpose"], "Purpose", choices))
    assert 'value="care_act_assessment" checked' in radios
