"""Check a JSON response against the response schema an OpenAPI 3 document declares for it:
types, required properties, items, nullability (anyOf with null) and $ref, which is all
django-ninja's schemas use. Small on purpose: no JSON Schema library is installed."""

from __future__ import annotations

from typing import Any

TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
         "boolean": bool, "null": type(None)}


def validate_response(document: dict[str, Any], path: str, status: int, body: Any) -> None:
    operation = document["paths"][path]["get"]
    responses = operation["responses"]
    assert str(status) in responses, f"{path} does not document status {status}"
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    problems = list(_check(document, schema, body, "$"))
    assert problems == [], problems


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _check(document: dict[str, Any], schema: dict[str, Any], value: Any, where: str
           ) -> list[str]:
    schema = _resolve(document, schema)
    if "anyOf" in schema:
        options = [list(_check(document, s, value, where)) for s in schema["anyOf"]]
        return [] if any(not o for o in options) else [f"{where}: matches no anyOf"]
    kind = schema.get("type")
    if kind is None:
        return []
    if kind in ("integer", "number") and isinstance(value, bool):
        return [f"{where}: boolean where {kind} expected"]
    if not isinstance(value, TYPES[kind]):
        return [f"{where}: {type(value).__name__} where {kind} expected"]
    problems: list[str] = []
    if kind == "object":
        for name in schema.get("required", []):
            if name not in value:
                problems.append(f"{where}: missing required {name}")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems += _check(document, sub, value[name], f"{where}.{name}")
    if kind == "array":
        for i, item in enumerate(value):
            problems += _check(document, schema.get("items", {}), item, f"{where}[{i}]")
    return problems
