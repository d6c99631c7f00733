"""The officer's outcome for one review."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.views.outcomes import LABEL_FOR, OUTCOMES


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=list(OUTCOMES.items()), error_messages={
        "required": "Select the outcome of the review",
        "invalid_choice": "Select one of the outcomes"})
    people = forms.MultipleChoiceField(required=False, error_messages={
        "invalid_choice": "Select people from the list"})

    def __init__(self, people: list[str], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(p, p) for p in people]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        outcome = cleaned.get("outcome")
        if outcome and LABEL_FOR.get(outcome) and not cleaned.get("people"):
            self.add_error("people", "Select the people the review confirmed")
        return cleaned
