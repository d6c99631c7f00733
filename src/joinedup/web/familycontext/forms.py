"""The search form: what a practitioner may type, checked with GOV.UK wording, and turned into
a `SearchQuery` for the matching model and a terms mapping for the audit digest."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.safestring import SafeString

from joinedup.linkage.search import SearchQuery
from joinedup.web.core import components

DOB_PARTS = ("dob_day", "dob_month", "dob_year")
TERMS = ("name", "dob", "nhs_number", "upn", "case_id", "postcode")
"""The search fields, as the audit digest and the API name them."""
_NOT_DIGIT = re.compile(r"[^0-9]")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


class SearchForm(forms.Form):
    name = forms.CharField(required=False, max_length=100, strip=True, error_messages={
        "max_length": "Name must be 100 characters or fewer"})
    dob_day = forms.CharField(required=False, max_length=2, strip=True)
    dob_month = forms.CharField(required=False, max_length=2, strip=True)
    dob_year = forms.CharField(required=False, max_length=4, strip=True)
    nhs_number = forms.CharField(required=False, max_length=20, strip=True)
    upn = forms.CharField(required=False, max_length=20, strip=True)
    case_id = forms.CharField(required=False, max_length=60, strip=True, error_messages={
        "max_length": "Case ID must be 60 characters or fewer"})
    postcode = forms.CharField(required=False, max_length=10, strip=True, error_messages={
        "max_length": "Postcode must be 10 characters or fewer"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def clean_nhs_number(self) -> str:
        value = str(self.cleaned_data["nhs_number"])
        if value and len(_NOT_DIGIT.sub("", value)) != 10:
            raise forms.ValidationError("NHS number must be 10 digits, like 485 777 3456")
        return value

    def clean_upn(self) -> str:
        value = str(self.cleaned_data["upn"])
        if value and len(_NOT_ALNUM.sub("", value)) != 13:
            raise forms.ValidationError("UPN must be 13 characters, like A123456789012")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [str(data.get(p) or "") for p in DOB_PARTS]
        data["dob"] = None
        if any(parts) and "dob_day" not in self.errors:
            data["dob"] = self._date(parts)
        filled = [t for t in TERMS if t != "dob" and data.get(t)] + (["dob"] if any(parts) else [])
        if not filled and not self.errors:
            raise forms.ValidationError(
                "Enter a name, date of birth, NHS number, UPN, case ID or postcode")
        return data

    def _date(self, parts: list[str]) -> dt.date | None:
        day, month, year = parts
        missing = [label for label, value in zip(("a day", "a month", "a year"), parts,
                                                  strict=True) if not value]
        if missing:
            self.add_error("dob_day", "Date of birth must include " + " and ".join(missing))
            return None
        try:
            born = dt.date(int(year), int(month), int(day))
        except ValueError:
            self.add_error("dob_day", "Date of birth must be a real date, like 27 3 2012")
            return None
        if len(year) != 4:
            self.add_error("dob_day", "Year must include 4 numbers")
            return None
        if born > timezone.localdate():
            self.add_error("dob_day", "Date of birth must be today or in the past")
            return None
        return born

    def terms(self) -> dict[str, str]:
        """What was searched for, field by field (for `terms_digest` and `terms_used`)."""
        data = self.cleaned_data
        dob = data.get("dob")
        return {t: (dob.isoformat() if t == "dob" and dob else str(data.get(t) or ""))
                for t in TERMS}

    def query(self) -> SearchQuery:
        return query_from_terms(self.terms())

    def fields_html(self) -> dict[str, SafeString]:
        """The GOV.UK inputs of the form, with their values and errors."""
        dob_error = self.errors.get("dob_day")
        return {
            "name": components.text_input(
                self["name"], "Name", spellcheck=False, autocomplete="off",
                hint={"text": "First name and surname in any order, or part of a name. "
                              "Spelling mistakes and nicknames are allowed for."}),
            "dob": components.component("date-input", {
                "id": "dob",
                "fieldset": {"legend": {"text": "Date of birth",
                                        "classes": "govuk-fieldset__legend--s"}},
                "hint": {"text": "For example, 27 3 2012"},
                "errorMessage": {"text": str(dob_error[0])} if dob_error else None,
                "items": [
                    {"id": part, "name": part, "label": label,
                     "value": str(self[part].value() or ""), "autocomplete": "off",
                     "classes": f"govuk-input--width-{width}"
                                + (" govuk-input--error" if dob_error else "")}
                    for part, label, width in (("dob_day", "Day", 2), ("dob_month", "Month", 2),
                                               ("dob_year", "Year", 4))],
            }),
            "nhs_number": components.text_input(
                self["nhs_number"], "NHS number", classes="govuk-input--width-10",
                inputmode="numeric", spellcheck=False, autocomplete="off"),
            "upn": components.text_input(
                self["upn"], "Unique pupil number (UPN)", classes="govuk-input--width-20",
                spellcheck=False, autocomplete="off"),
            "case_id": components.text_input(
                self["case_id"], "Case ID", classes="govuk-input--width-20",
                spellcheck=False, autocomplete="off",
                hint={"text": "A person or case number from any connected system"}),
            "postcode": components.text_input(
                self["postcode"], "Postcode", classes="govuk-input--width-10",
                spellcheck=False, autocomplete="off"),
        }


def query_from_terms(terms: dict[str, str]) -> SearchQuery:
    """The matching model's query for a search's terms (the same for the page and the API)."""
    def given(name: str) -> str | None:
        return terms.get(name) or None

    return SearchQuery(full_name=given("name"), dob=given("dob"), nhs_number=given("nhs_number"),
                       upn=given("upn"), record_id=given("case_id"), postcode=given("postcode"))


def form_data_from_terms(terms: dict[str, str]) -> dict[str, str]:
    """Form data that fills the form in again with a stored search's terms."""
    data = {t: terms.get(t, "") for t in TERMS if t != "dob"}
    dob = terms.get("dob")
    if dob:
        born = dt.date.fromisoformat(dob)
        data.update(dob_day=str(born.day), dob_month=str(born.month), dob_year=str(born.year))
    return data
