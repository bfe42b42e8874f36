"""Every route in the API docs has a summary line and, when it takes a body, an example request.

A client writer reads /api/v1/docs before the code: an operation with no example leaves them to
guess the shape of a body from the schema, and one with no summary shows only its function
name. The example is either `openapi_extra` on the route (a requestBody example) or
`Field(examples=[...])` on every field of the body schema; either way it must be a body the
route accepts, so each one is built into its own Schema with pydantic here."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from asylon.api import api

METHODS = ("get", "post", "put", "patch", "delete")


def _operations() -> dict[str, Any]:
    """operationId -> the ninja operation, as the document names them."""
    found = {}
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                found[operation.operation_id or api.get_openapi_operation_id(operation)] = operation
    return found


def _document() -> dict:
    return api.get_openapi_schema()


def _component(document: dict, schema: dict) -> dict:
    ref = schema.get("$ref")
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def body_example(document: dict, operation: dict) -> dict | None:
    """The example request body the docs show for an operation, or None."""
    content = operation["requestBody"].get("content", {}).get("application/json", {})
    if "example" in content:
        return content["example"]
    if content.get("examples"):
        return next(iter(content["examples"].values()))["value"]
    component = _component(document, content.get("schema", {}))
    if "example" in component:
        return component["example"]
    if component.get("examples"):
        return component["examples"][0]
    properties = component.get("properties", {})
    if properties and all(p.get("examples") for p in properties.values()):
        return {name: p["examples"][0] for name, p in properties.items()}
    return None


def _body_schema(operation) -> type[BaseModel]:
    (model,) = [m for m in operation.models if getattr(m, "__ninja_param_source__", None) == "body"]
    (field,) = model.model_fields.values()
    return field.annotation


def _routes(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def test_every_operation_has_a_summary_of_its_own():
    # Without summary= ninja titles the function name ("Transition"), which says nothing.
    operations = _operations()
    untitled = {
        op_id
        for op_id, operation in operations.items()
        if operation.summary == operation.view_func.__name__.title().replace("_", " ")
    }
    missing = [f"{method} {path}" for method, path, op in _routes(_document()) if op["operationId"] in untitled]
    assert missing == []
    assert all(op.get("summary") for _m, _p, op in _routes(_document()))


def is_json(operation: dict) -> bool:
    return "application/json" in operation["requestBody"].get("content", {})


def test_every_operation_with_a_body_shows_an_example():
    document = _document()
    missing = [
        f"{method} {path}"
        for method, path, operation in _routes(document)
        if "requestBody" in operation and is_json(operation) and body_example(document, operation) is None
    ]
    assert missing == []


def test_a_file_upload_describes_each_part_instead():
    # A photo's bytes make no example: the form's parts say what they take.
    uploads = [
        (f"{method} {path}", content["schema"])
        for method, path, operation in _routes(_document())
        if "requestBody" in operation and not is_json(operation)
        for content in operation["requestBody"]["content"].values()
    ]
    assert uploads
    for route, schema in uploads:
        assert all(part.get("description") for part in schema["properties"].values()), route


def _with_body():
    document = _document()
    return [
        pytest.param(method, path, body_example(document, operation), id=f"{method} {path}")
        for method, path, operation in _routes(document)
        if "requestBody" in operation and is_json(operation)
    ]


@pytest.mark.parametrize(("method", "path", "example"), _with_body())
def test_the_example_is_a_body_the_route_accepts(method, path, example):
    assert example is not None, f"{method} {path} shows no example request"
    operation_id = _document()["paths"][path][method.lower()]["operationId"]
    schema = _body_schema(_operations()[operation_id])
    schema.model_validate(example)


def test_the_walk_sees_a_body_of_each_way_of_giving_an_example():
    document = _document()
    routes = {f"{m} {p}": op for m, p, op in _routes(document)}
    by_extra = routes["POST /api/v1/movements"]["requestBody"]["content"]["application/json"]
    assert by_extra["example"]["kind"] == "INTERNAL_TRANSFER"
    assert body_example(document, routes["POST /api/v1/persons/{reference}/voluntariness-records"])["note"]


def test_examples_stay_out_of_the_responses():
    # The examples are for requests: the published responses must not carry them.
    for method, path, operation in _routes(_document()):
        for status, response in operation.get("responses", {}).items():
            for content in response.get("content", {}).values():
                assert "example" not in content and "examples" not in content, f"{method} {path} {status}"
