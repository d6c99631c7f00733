"""GOV.UK Frontend components from Python: the same macros govuk-frontend-django renders
(govuk-frontend-jinja, for the pinned GOV.UK Frontend version), taking the parameters the
GOV.UK Design System documents, plus helpers that fill them from a Django form.

govuk-frontend-django's own tag has no form-field components yet ("Use the
gds_field_component tag", which is unimplemented), so forms build their fields here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe

from joinedup.web.core.govuk import _template


def _macro(name: str) -> str:
    return "govuk" + "".join(part.capitalize() for part in name.split("-"))


def component(name: str, params: Mapping[str, Any]) -> SafeString:
    """Render one component, e.g. ``component("input", {"name": "q", "label": {...}})``."""
    source = (f"{{%- from 'govuk_frontend_jinja/components/{name}/macro.html' import "
              f"{_macro(name)} -%}}{{{{ {_macro(name)}(params) }}}}")
    html = _template(source).render(params=_clean(params))
    return mark_safe(html)  # noqa: S308 - the Jinja environment autoescapes every value


def _clean(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _error(field: forms.BoundField) -> dict[str, str] | None:
    return {"text": str(field.errors[0])} if field.errors else None


def text_input(field: forms.BoundField, label: str, **extra: Any) -> SafeString:
    """A GOV.UK text input for a form field, with its value and first error."""
    value = field.value()
    return component("input", {
        "id": field.id_for_label or field.html_name, "name": field.html_name,
        "value": "" if value is None else str(value),
        "label": {"text": label, "classes": "govuk-label--s"},
        "errorMessage": _error(field), **extra,
    })


def password_input(field: forms.BoundField, label: str, **extra: Any) -> SafeString:
    return component("password-input", {
        "id": field.id_for_label or field.html_name, "name": field.html_name,
        "label": {"text": label, "classes": "govuk-label--s"},
        "errorMessage": _error(field), **extra,
    })


def radios(field: forms.BoundField, legend: str, choices: Iterable[tuple[str, str]], *,
           hints: Mapping[str, str] | None = None, **extra: Any) -> SafeString:
    """GOV.UK radios for a choice field; ``hints`` adds a hint under an option."""
    current = field.value()
    items = [{"value": value, "text": text, "checked": value == current,
              "hint": {"text": hints[value]} if hints and value in hints else None}
             for value, text in choices]
    return component("radios", {
        "name": field.html_name, "idPrefix": field.auto_id or field.html_name,
        "fieldset": {"legend": {"text": legend, "classes": "govuk-fieldset__legend--m"}},
        "items": items, "errorMessage": _error(field), **extra,
    })


def error_summary(form: forms.Form, anchors: Mapping[str, str] | None = None) -> SafeString:
    """The error summary for a form, linking each error to its field (nothing if no errors)."""
    if not form.errors:
        return mark_safe("")
    errors: list[dict[str, str]] = []
    for name, messages in form.errors.items():
        target = next(iter(form.fields), "") if name == "__all__" else name
        anchor = (anchors or {}).get(target) or (form[target].auto_id if target else "")
        errors.extend({"text": str(m), "href": f"#{anchor}"} for m in messages)
    return component("error-summary", {"titleText": "There is a problem", "errorList": errors})
