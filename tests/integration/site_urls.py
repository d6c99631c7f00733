"""Every URL of the site, from Django's resolver, and a real path for each: the security
tests walk these, so a page or endpoint added later is tested without anyone listing it."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse


def url_names() -> dict[str, str]:
    """Every named URL of the site: name -> route as written."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(p for p in (namespace, pattern.namespace) if p) or None
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = ":".join(p for p in (namespace, pattern.name) if p)
                found[name] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns, "", None)
    return found


def _arguments(name: str) -> list[str]:
    """The route's arguments: <converter:name> and <name> in paths, (?P<name>...) in regexes."""
    route = url_names()[name]
    return [part.split(">")[0].split(":")[-1] for part in route.split("<")[1:]] + [
        part.split(">")[0] for part in route.split("(?P<")[1:]]


def sample_path(name: str, values: dict[str, str]) -> str:
    """The path of URL ``name`` with its arguments taken from ``values``: by "name/argument"
    when two URLs use one argument name for different things (a plan's key, a dashboard's
    key), else by argument name."""
    wanted = _arguments(name)
    chosen = {arg: values.get(f"{name}/{arg}", values.get(arg)) for arg in wanted}
    missing = [arg for arg, value in chosen.items() if value is None]
    if missing:
        raise KeyError(f"{name}: give a sample value for {missing}")
    return reverse(name, kwargs=chosen)
