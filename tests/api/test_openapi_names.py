"""Every schema the OpenAPI document publishes has one name for one class.

The document keys its components by class name, so two classes with the same name (the RSD
case body and the resettlement case body, say) silently become one and a generated client
sends the wrong body. This walks every operation's request and response models, down to the
nested ones, and fails on any name that two classes share."""

from __future__ import annotations

import typing
from collections import defaultdict

from pydantic import BaseModel

from asylon.api import api


def _models(annotation, seen: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def published_models() -> set[type[BaseModel]]:
    seen: set = set()
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in operation.models:
                    _models(model, seen)
                for model in (operation.response_models or {}).values():
                    _models(model, seen)
    return {m for m in seen if not m.__module__.startswith(("ninja", "pydantic", "abc"))}


def test_the_walk_finds_the_schemas_of_both_case_apps():
    names = {f"{m.__module__}.{m.__qualname__}" for m in published_models()}
    assert {"asylon.status.api.RsdCaseIn", "asylon.solutions.api.ResettlementCaseIn"} <= names


def test_no_two_published_schemas_share_a_component_name():
    by_name = defaultdict(set)
    for model in published_models():
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert {name: sorted(owners) for name, owners in by_name.items() if len(owners) > 1} == {}


def test_the_rsd_case_body_is_the_rsd_one():
    schema = api.get_openapi_schema()
    body = schema["paths"]["/api/v1/rsd-cases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].rsplit("/", 1)[-1] == "RsdCaseIn"
    assert "RsdCaseIn" in schema["components"]["schemas"]
