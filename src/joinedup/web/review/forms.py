"""The pair chooser on the explanation page and the reviewer's decision, with GOV.UK wording."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.linkage.state import DECISIONS

NOTE_MAX = 500
DECISION_LABELS = {"same": "Yes, they are the same person",
                   "different": "No, they are different people"}
assert set(DECISION_LABELS) == set(DECISIONS)


class PairForm(forms.Form):
    """Two records of the person, by their number in the list (never their ids)."""

    a = forms.TypedChoiceField(coerce=int, error_messages={
        "required": "Select the first record", "invalid_choice": "Select a record in the list"})
    b = forms.TypedChoiceField(coerce=int, error_messages={
        "required": "Select the second record", "invalid_choice": "Select a record in the list"})

    def __init__(self, records: int, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        choices = [(str(n), f"Record {n}") for n in range(1, records + 1)]
        for name in ("a", "b"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "a" in cleaned and "b" in cleaned and cleaned["a"] == cleaned["b"]:
            self.add_error("b", "Select two different records")
        return cleaned


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=list(DECISION_LABELS.items()),
        error_messages={"required": "Select whether the two records are the same person",
                        "invalid_choice": "Select whether the two records are the same person"})
    note = forms.CharField(
        required=False, max_length=NOTE_MAX, strip=True,
        error_messages={"max_length": f"Note must be {NOTE_MAX} characters or fewer"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
