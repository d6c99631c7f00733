"""Sign-in and reason-for-access forms, with GOV.UK wording for their errors."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from joinedup.access import Purpose
from joinedup.web.accounts.reason import CASE_REFERENCE_RE


class SignInForm(AuthenticationForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "%s")  # GOV.UK ids are the field names
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.error_messages = {
            **self.error_messages,
            "invalid_login": "Enter a correct user name and password. Both are case-sensitive.",
            "inactive": "This account has been switched off. Ask your administrator.",
        }
        self.fields["username"].error_messages["required"] = "Enter your user name"
        self.fields["password"].error_messages["required"] = "Enter your password"


class ReasonForm(forms.Form):
    case_reference = forms.CharField(
        max_length=40, strip=True,
        error_messages={"required": "Enter the case reference for this piece of work",
                        "max_length": "Case reference must be 40 characters or fewer"})
    purpose = forms.ChoiceField(
        error_messages={"required": "Select why you need to see people's records",
                        "invalid_choice": "Select one of the purposes listed"})

    def __init__(self, purposes: tuple[Purpose, ...], *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.purposes = purposes
        field = self.fields["purpose"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.code, p.label) for p in purposes]

    def clean_case_reference(self) -> str:
        value = str(self.cleaned_data["case_reference"])
        if not CASE_REFERENCE_RE.match(value):
            raise forms.ValidationError(
                "Case reference must start with a letter or number and contain only letters, "
                "numbers, spaces, hyphens and slashes")
        return value
