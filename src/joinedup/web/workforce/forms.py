"""The plan form (source and scenarios) and the scenario editor's form."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from joinedup.errors import ConfigError
from joinedup.web.workforce import scenario_store
from joinedup.web.workforce.runs import SOURCES
from joinedup.workforce.scenarios import Scenario

MAX_COUNTS_BYTES = 5_000_000


class PlanForm(forms.Form):
    source = forms.ChoiceField(choices=list(SOURCES.items()), error_messages={
        "required": "Choose where the plan's figures come from",
        "invalid_choice": "Choose where the plan's figures come from"})
    council = forms.ChoiceField(required=False, choices=[])
    region = forms.ChoiceField(required=False, choices=[])
    counts = forms.FileField(required=False)
    supply = forms.FileField(required=False)
    scenarios = forms.MultipleChoiceField(required=False, choices=[], error_messages={
        "invalid_choice": "Choose scenarios from the list"})

    def __init__(self, *args: Any, councils: list[str], regions: list[str],
                 scenarios: list[tuple[str, Scenario]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.scenario_choices = [(k, s.name) for k, s in scenarios]
        cast(forms.ChoiceField, self.fields["council"]).choices = [("", "")] + [
            (c, c) for c in councils]
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "")] + [
            (r, r) for r in regions]
        cast(forms.ChoiceField, self.fields["scenarios"]).choices = self.scenario_choices
        self.scenario_map = dict(scenarios)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = data.get("source")
        if source == "council" and not data.get("council"):
            self.add_error("council", "Choose a council")
        if source == "region" and not data.get("region"):
            self.add_error("region", "Choose a region")
        if source == "counts":
            upload = data.get("counts")
            if upload is None:
                self.add_error("counts", "Choose a CSV file of counts")
            elif upload.size > MAX_COUNTS_BYTES:
                self.add_error("counts", "The CSV file must be smaller than 5 MB")
        supply = data.get("supply")
        if supply is not None and supply.size > MAX_COUNTS_BYTES:
            self.add_error("supply", "The staffing CSV file must be smaller than 5 MB")
        chosen = [self.scenario_map[k] for k in data.get("scenarios", [])]
        names = [s.name for s in chosen]
        if len(set(names)) != len(names):
            self.add_error("scenarios", "Two chosen scenarios have the same name: choose one")
        data["chosen"] = tuple(chosen)
        return data


class ScenarioForm(forms.Form):
    """A scenario as YAML, typed or pasted in, or uploaded as a file."""

    text = forms.CharField(required=False, widget=forms.Textarea)
    upload = forms.FileField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.scenario: Scenario | None = None
        self.yaml_text = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        text = str(data.get("text") or "")
        field = "text"
        if upload is not None:
            field = "upload"
            if upload.size > scenario_store.MAX_BYTES:
                self.add_error("upload", "The scenario file must be smaller than 20 KB")
                return data
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("upload", "The scenario file must be YAML text (UTF-8)")
                return data
        if not text.strip():
            self.add_error("text", "Enter a scenario in YAML, or choose a file")
            return data
        try:
            self.scenario = scenario_store.parse_text(text)
        except ConfigError as exc:
            self.add_error(field, str(exc).removeprefix("scenario: "))
            return data
        self.yaml_text = text
        return data
