"""The API's outputs, as architecture rules (STYLE.md 8, 11): a route returns what a query or
a service gives it and its `response=` Schema builds the JSON (aliases, resolvers); reads go
through the owning app's queries. So a router neither restates a schema in a hand-written
`*_out()` dict nor queries the ORM itself (`Model.objects`).

A router that breaks a rule fails here, naming the module and the line."""

from __future__ import annotations

import inspect
import re
import sys

from asylon.api import api

# Routers still to follow the rules; remove a module here when its routes do.
PENDING = {"asylon.movements.api", "asylon.movements.evidence_api"}

OUT_BUILDER = re.compile(r"^def [a-z_]*_out\(", re.MULTILINE)
ORM_READ = re.compile(r"\.objects\.")


def _router_modules() -> set[str]:
    return {
        operation.view_func.__module__
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }


def _offences(pattern: re.Pattern) -> list[str]:
    found = []
    for name in sorted(_router_modules() - PENDING):
        source = inspect.getsource(sys.modules[name])
        for match in pattern.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            found.append(f"{name}:{line}")
    return found


def test_the_routers_are_found():
    assert {"asylon.registry.api", "asylon.incidents.api", "asylon.status.ending_api"} <= _router_modules()


def test_no_router_builds_its_output_by_hand():
    assert _offences(OUT_BUILDER) == []


def test_no_router_reads_the_orm_itself():
    assert _offences(ORM_READ) == []
