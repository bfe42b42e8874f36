"""Every page and every API operation, for every role: allowed or refused as the matrix says.

A route with no entry in tests/access_matrix.py (or tests/<app>/access.py) fails here.
The same walk checks that no sensitive value reaches a role that may not see it.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from tests.access_matrix import (
    ANONYMOUS,
    API_NAMESPACE,
    EXEMPT_NAMESPACES,
    EXEMPT_PAGES,
    MATRIX,
    ROLES,
    SECRETS,
    Entry,
    build_world,
    resolve,
)
from tests.signin import bearer, sign_in

from asylon.api import api
from asylon.audit.models import AuditEvent

DOC_PAGES = {"openapi-json", "openapi-view", "api-root"}


def _walk(patterns, namespaces: list[str], prefix: str, out: dict[str, str]) -> None:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = [*namespaces, p.namespace] if p.namespace else namespaces
            if p.namespace in EXEMPT_NAMESPACES:
                continue
            _walk(p.url_patterns, ns, prefix + str(p.pattern), out)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if namespaces and namespaces[-1] == API_NAMESPACE and p.name not in DOC_PAGES:
                continue  # API operations are taken from the OpenAPI schema below (and checked there)
            out[f"page:{':'.join(namespaces)}:{p.name or '<unnamed ' + route + '>'}"] = route


def page_routes() -> dict[str, str]:
    out: dict[str, str] = {}
    _walk(get_resolver().url_patterns, [], "/", out)
    return out


def api_routes() -> dict[str, tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        f"api:{method.upper()} {path}": (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
    }


def api_paths_served() -> set[str]:
    """Every path the API's URL patterns serve, in OpenAPI spelling."""
    out: set[str] = set()

    def walk(patterns, prefix, inside):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), inside or p.namespace == API_NAMESPACE)
            elif inside and p.name not in DOC_PAGES:
                out.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", False)
    return out


def test_every_route_has_an_entry_and_every_entry_a_route():
    routes = set(page_routes()) | set(api_routes())
    routes -= EXEMPT_PAGES
    missing = sorted(routes - set(MATRIX))
    assert not missing, (
        "These routes have no entry in the access matrix. Add each, with the roles allowed, to "
        "tests/access_matrix.py or tests/<yourapp>/access.py:\n  " + "\n  ".join(missing)
    )
    stale = sorted(set(MATRIX) - routes)
    assert not stale, "These access-matrix entries name no route any more:\n  " + "\n  ".join(stale)


def test_every_api_path_is_in_the_schema():
    """An operation hidden from the schema would escape the matrix."""
    documented = {path for path in api.get_openapi_schema()["paths"]}
    assert api_paths_served() <= documented, api_paths_served() - documented


@pytest.fixture
def world(site_a, site_b, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the world stores evidence files
    return build_world(site_a, site_b, make_user)


LOGIN = "/accounts/login/"
SECOND_FACTOR = "/accounts/two-factor/"


def outcome(response, entry: Entry, public: bool) -> str:
    code = response.status_code
    if code >= 500:
        return f"error {code}"
    if code in (401, 403, 404, 429):
        return "deny"
    if code in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if not public and target in (LOGIN, SECOND_FACTOR):
            return "deny"
    return "allow"


def request(client: Client, key: str, entry: Entry, world, headers: dict[str, str]):
    params = {name: resolve(world, path) for name, path in entry.params.items()}
    body = entry.body(world) if entry.body else None
    method = entry.method.lower()
    if key.startswith("page:"):
        view_name = key.removeprefix("page:").lstrip(":")
        url = reverse(view_name, kwargs=params or None)
        return getattr(client, method)(url, body or {})
    path = key.split(" ", 1)[1].format(**params)
    if body is None:
        return getattr(client, method)(path, **headers)
    return getattr(client, method)(path, data=json.dumps(body, default=str), content_type="application/json", **headers)


def walk_matrix(role: str, world) -> tuple[list[str], dict[str, str]]:
    """Request every route as `role`; return the mismatches and every response body."""
    user = world.users.get(role)
    headers = bearer(user) if user is not None else {}
    problems, bodies = [], {}
    for key, entry in MATRIX.items():
        client = Client()
        if user is not None and key.startswith("page:"):
            sign_in(client, user)
        response = request(client, key, entry, world, headers)
        public = ANONYMOUS in entry.allow
        got = outcome(response, entry, public)
        expected = "allow" if role in entry.allow else "deny"
        if got != expected:
            problems.append(f"{key}: expected {expected}, got {got} ({response.status_code})")
        # Reading a streamed response to its end also closes it (and its file).
        content = b"".join(response.streaming_content) if response.streaming else response.content
        bodies[key] = content.decode(errors="replace")
    return problems, bodies


@pytest.mark.parametrize("role", [*ROLES, ANONYMOUS])
def test_each_role_gets_exactly_what_the_matrix_allows(role, world):
    problems, bodies = walk_matrix(role, world)
    assert not problems, f"As {role}:\n  " + "\n  ".join(problems)

    user = world.users.get(role)
    if user is None or not user.has_perm("registry.view_sensitive"):
        leaks = [
            f"{key} shows {secret}" for key, body in bodies.items() for secret in SECRETS.values() if secret in body
        ]
        assert not leaks, f"As {role}, sensitive values reached the response:\n  " + "\n  ".join(leaks)


@pytest.mark.parametrize("role", [r for r in ROLES if r in {"protection_officer", "rsd_officer"}])
def test_roles_that_may_see_sensitive_fields_see_them_and_are_recorded(role, world):
    user = world.users[role]
    assert user.has_perm("registry.view_sensitive")
    page = sign_in(Client(), user).get(f"/persons/{world.person.reference}/")
    api_body = Client().get(f"/api/v1/persons/{world.person.reference}", **bearer(user)).json()
    for secret in SECRETS.values():
        assert secret in page.content.decode()
    assert api_body["sensitive"]["religion"] == SECRETS["religion"]
    assert api_body["sensitive"]["torture_survivor"] is True
    views = AuditEvent.objects.filter(action="person.sensitive_viewed", actor=user, object_ref=world.person.reference)
    assert views.count() == 2
    # The trail says who looked, never what they saw.
    assert not any(secret in json.dumps(ev.changes) for ev in AuditEvent.objects.all() for secret in SECRETS.values())
