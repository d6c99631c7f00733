"""Fast rendering for govuk-frontend-django's components.

The library builds a new Jinja environment and compiles its macro templates on every
component it renders (about 18 ms each here); a page with a dozen components would spend most
of its time budget on that. ``install`` swaps in the same rendering with one environment and
compiled templates kept, so output is byte-for-byte the same (tests/integration/
test_web_pages.py checks) at well under a millisecond per component.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from govuk_frontend_django.components.base import GovUKComponent
from jinja2 import Environment, PackageLoader, PrefixLoader, Template, select_autoescape

_ENV = Environment(
    loader=PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    autoescape=select_autoescape(),
    auto_reload=False,
)


@cache
def _template(source: str) -> Template:
    return _ENV.from_string(source)


def _without_none(value: Any) -> Any:
    # The library drops None values at every level so the macros see them as "not given".
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def render(component: GovUKComponent, template_name: object = None, context: object = None,
           renderer: object = None, component_data: dict[str, Any] | None = None) -> SafeString:
    data = component.__dict__.copy()
    if component_data:
        data.update(component_data)
    source: str = component.build_jinja_template()  # type: ignore[no-untyped-call]
    html = _template(source).render(data=_without_none(data))
    return mark_safe(html)  # noqa: S308 - the Jinja environment autoescapes every value


# The library's own method, kept so a test can compare output byte for byte.
LIBRARY_RENDER = GovUKComponent.render


def install() -> None:
    """Route every component's rendering (render, str and the template-tag path) through here."""
    GovUKComponent.render = render  # type: ignore[method-assign]
    GovUKComponent.__str__ = render  # type: ignore[assignment,method-assign]
    GovUKComponent.__html__ = render  # type: ignore[attr-defined]
