"""Loading the access policy: the built-in file is valid, and mistakes fail with a named cause."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from joinedup.access import current_policy, load_policy, role_uses, service_uses
from joinedup.access.policy import DEFAULT_POLICY
from joinedup.config import get_settings
from joinedup.errors import ConfigError


def _write(tmp_path: Path, change: dict[str, object]) -> Path:
    raw = yaml.safe_load(DEFAULT_POLICY.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        node = raw
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node[part]
        node[leaf] = value
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "message"), [
    ({"roles.analyst.services": {"health": ["status"]}}, "no person_view capability"),
    ({"roles.early_help_practitioner.services.police": ["key_worker"]}, "needs 'status' first"),
    ({"roles.early_help_practitioner.services.police": ["status", "gp_notes"]},
     "unknown field 'gp_notes'"),
    ({"roles.auditor.capabilities": ["audit_read", "time_travel"]},
     "unknown capability 'time_travel'"),
    ({"roles.adult_social_worker.purposes": ["curiosity"]}, "unknown purpose 'curiosity'"),
    ({"services.police.min_age": 30, "services.police.max_age": 20}, "above max_age"),
    ({"services.council_tax": {"what": "Council tax accounts",
                               "legal_basis": "Local Government Finance Act 1992"}},
     "not a card service"),
    ({"roles.analyst.can_export": True}, "can_export"),
])
def test_policy_mistakes_are_named(tmp_path: Path, change: dict[str, object],
                                   message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_policy(_write(tmp_path, change))


def test_missing_policy_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="access_policy setting"):
        load_policy(tmp_path / "nope.yaml")


def test_the_setting_replaces_the_built_in_policy(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, {"roles.early_help_practitioner.services.police":
                             ["status", "key_worker"]})
    monkeypatch.setenv("JOINEDUP_ACCESS_POLICY", str(path))
    get_settings.cache_clear()
    fields = current_policy().roles["early_help_practitioner"].services["police"]
    assert fields == ("status", "key_worker")


def test_register_lists_each_service_with_whom_it_is_shown() -> None:
    uses = {u.service: u for u in service_uses(load_policy())}
    assert list(uses) == ["childrens_social_care", "early_help", "adult_social_care",
                          "education", "health", "housing", "police", "vcse"]
    police = uses["police"]
    assert police.ages == "aged 18 or over"
    contact = next(f for f in police.fields if f.field.field == "contact")
    # Early help practitioners see only whether the police know someone.
    assert contact.roles == ("Children's social worker", "Adult social worker")
    assert uses["education"].ages == "aged 4 to 20"


def test_register_lists_roles_and_their_reasons() -> None:
    roles = {r.code: r for r in role_uses(load_policy())}
    assert not roles["analyst"].sees_people and roles["analyst"].purposes == ()
    assert [p.code for p in roles["early_help_practitioner"].purposes] == [
        "early_help_assessment", "referral_triage"]
