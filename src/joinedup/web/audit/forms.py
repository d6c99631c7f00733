"""The auditor's look-up forms: a person, a user, a day for the unusual-access report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from joinedup.web.audit.record import PERSON_ID_RE


class PersonLookupForm(forms.Form):
    person_id = forms.CharField(max_length=14, strip=True, error_messages={
        "required": "Enter the person's id", "max_length": "Enter an id like JP00001234"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def clean_person_id(self) -> str:
        value = str(self.cleaned_data["person_id"]).upper()
        if not PERSON_ID_RE.match(value):
            raise forms.ValidationError("Enter an id like JP00001234: JP followed by digits")
        return value


class UserLookupForm(forms.Form):
    username = forms.CharField(max_length=150, strip=True, error_messages={
        "required": "Enter the user name",
        "max_length": "User name must be 150 characters or fewer"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)


class UnusualForm(forms.Form):
    """A day (GOV.UK date input: day, month, year) and the families-per-day threshold."""

    day = forms.IntegerField(required=False)
    month = forms.IntegerField(required=False)
    year = forms.IntegerField(required=False)
    threshold = forms.IntegerField(min_value=1, max_value=1000, error_messages={
        "required": "Enter how many families in a day count as unusual",
        "invalid": "Enter the number of families as a whole number, like 20",
        "min_value": "Number of families must be 1 or more",
        "max_value": "Number of families must be 1000 or fewer"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        for name in ("day", "month", "year"):
            self.fields[name].error_messages["invalid"] = "Date must be a real date"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, month, year = (cleaned.get(n) for n in ("day", "month", "year"))
        if day is None or month is None or year is None:
            self.add_error("day", "Enter the day to report on, with a day, month and year")
            return cleaned
        try:
            cleaned["date"] = dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            self.add_error("day", "Date must be a real date")
        return cleaned
