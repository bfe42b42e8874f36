"""The API's edge, as architecture rules (STYLE.md 11): every route declares the permission
it needs (checked before its input), and every string and integer it reads is bounded.

A new route or schema field that breaks a rule fails here, naming it."""

from __future__ import annotations

import pytest

from asylon.api import api
from asylon.core.api_edge import LINE_PATTERN, TEXT_PATTERN, declared_permissions


def _operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield f"{method} {prefix.rstrip('/')}/{path.lstrip('/')}", operation


def test_every_route_declares_the_permission_it_needs():
    undeclared = sorted(name for name, op in _operations() if declared_permissions(op) is None)
    assert undeclared == [], f"routes without requires(...): {undeclared}"


def test_the_declared_permissions_exist_in_the_role_table():
    from asylon.accounts.roles import ROLE_PERMISSIONS

    known = {p for perms in ROLE_PERMISSIONS.values() for p in perms}
    unknown = sorted(
        f"{name}: {perm}" for name, op in _operations() for perm in declared_permissions(op) or () if perm not in known
    )
    assert unknown == []


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _unbounded(schema: dict, document: dict, where: str, seen: frozenset[str] = frozenset()):
    """Yield `where` for each string without a length and character rule, and each integer
    without a lower and upper bound, in `schema` and everything it contains."""
    if "$ref" in schema:
        name = schema["$ref"]
        if name in seen:
            return
        seen = seen | {name}
        schema = _resolve(schema, document)
    for key in ("anyOf", "allOf", "oneOf"):
        for option in schema.get(key, []):
            yield from _unbounded(option, document, where, seen)
    kind = schema.get("type")
    if kind == "string" and "format" not in schema and "enum" not in schema:
        if "maxLength" not in schema or schema.get("pattern") not in (LINE_PATTERN, TEXT_PATTERN):
            yield where
    elif kind == "integer" and ("minimum" not in schema or "maximum" not in schema):
        yield where
    elif kind == "array":
        yield from _unbounded(schema.get("items", {}), document, f"{where}[]", seen)
    elif kind == "object" or "properties" in schema:
        for field, sub in schema.get("properties", {}).items():
            yield from _unbounded(sub, document, f"{where}.{field}", seen)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            yield from _unbounded(extra, document, f"{where}.*", seen)


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema()


def test_every_parameter_and_body_field_is_bounded(document):
    loose = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            name = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                loose += _unbounded(parameter["schema"], document, f"{name} {parameter['in']} {parameter['name']}")
            for media in operation.get("requestBody", {}).get("content", {}).values():
                loose += _unbounded(media["schema"], document, f"{name} body")
    hint = "unbounded input (use Line, Text, Id, Offset or FromModel from core/api_edge.py):\n"
    assert loose == [], hint + "\n".join(loose)
