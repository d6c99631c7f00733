"""``{% govuk "name" params %}``: any GOV.UK Frontend component from a template."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.safestring import SafeString

from joinedup.web.core.components import component

register = template.Library()


@register.simple_tag(name="govuk")
def govuk(name: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> SafeString:
    return component(name, {**(params or {}), **kwargs})
