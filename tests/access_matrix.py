"""The access matrix: every page and every API operation, and the roles that may use it.

Adding a route? Add its entry, here or in `tests/<yourapp>/access.py` (collected
automatically), or `tests/accounts/test_matrix.py` fails naming the route:

    # tests/<yourapp>/access.py
    from tests.access_matrix import CLERK, PROTECTION, Entry
    ROUTES = {
        "page:status:case_detail": Entry(CLERK | PROTECTION, params={"reference": "case.reference"}),
        "api:POST /api/v1/cases": Entry(PROTECTION, body=lambda w: {"person": w.person.reference}),
    }
    def build_world(world):            # optional: objects your routes' parameters name
        world.case = open_case(actor=world.users["rsd_officer"], person=world.person, ...)

Keys: "page:<namespace>:<url name>" for pages; "api:<METHOD> <path as in the OpenAPI schema>"
for API operations. `allow` is the set of roles that get through (ANONYMOUS for public
pages); every other role must be refused (401/403/404, or sent to log in). Parameters are
filled from the world: objects made in site A through services, one user per role.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from asylon.accounts.roles import ROLE_PERMISSIONS, Role

ANONYMOUS = "anonymous"
ROLES: list[str] = list(Role.values)
ALL = frozenset(ROLES)
EVERYONE = ALL | {ANONYMOUS}
NOBODY: frozenset[str] = frozenset()
CLERK = frozenset({Role.REGISTRATION_CLERK.value})
PROTECTION = frozenset({Role.PROTECTION_OFFICER.value})
ADMIN = frozenset({Role.ADMINISTRATOR.value})


def having(perm: str) -> frozenset[str]:
    """The roles whose permissions include `perm` (ROLE_PERMISSIONS is the source of truth)."""
    return frozenset(str(r) for r, perms in ROLE_PERMISSIONS.items() if perm in perms)


@dataclass(frozen=True)
class Entry:
    allow: frozenset[str]
    params: dict[str, str] = field(default_factory=dict)  # URL parameter -> world attribute path
    method: str = "GET"
    body: Callable[[Any], dict] | None = None  # JSON (API) or form data (pages), from the world


# Explicitly outside the matrix: Django's admin (staff only, its own permission checks),
# the language switch (no data, works for anyone) and static files (not views).
EXEMPT_NAMESPACES = {"admin"}
EXEMPT_PAGES = {"page::set_language"}
API_NAMESPACE = "api-v1"

SECRETS = {
    "religion": "RELIGION-SECRET-7731",
    "ethnicity": "ETHNICITY-SECRET-4410",
    "political_profile": "POLITICS-SECRET-9902",
    "medical_notes": "MEDICAL-SECRET-3318",
}

VIEW_REGISTER = having("registry.view_person")

MATRIX: dict[str, Entry] = {
    # registry
    "page:registry:home": Entry(ALL),
    "page:registry:person_list": Entry(VIEW_REGISTER),
    "page:registry:person_detail": Entry(VIEW_REGISTER, params={"reference": "person.reference"}),
    "page:registry:person_correct": Entry(having("registry.change_person"), params={"reference": "person.reference"}),
    "page:registry:household_register": Entry(having("registry.add_household")),
    "page:registry:household_detail": Entry(
        having("registry.view_household"), params={"reference": "household.reference"}
    ),
    "api:POST /api/v1/households": Entry(
        having("registry.add_household"),
        method="POST",
        body=lambda w: {
            "site": w.site_a.code,
            "members": [{"relationship": "PA", "given_name": "Navid", "family_name": "Matrix", "sex": "M"}],
        },
    ),
    "api:GET /api/v1/households": Entry(having("registry.view_household")),
    "api:GET /api/v1/households/{reference}": Entry(
        having("registry.view_household"), params={"reference": "household.reference"}
    ),
    # Partners list only the persons shared with their country (D3): an empty list otherwise.
    "api:GET /api/v1/persons": Entry(VIEW_REGISTER | having("movements.read_shared_cases")),
    "api:GET /api/v1/persons/{reference}": Entry(VIEW_REGISTER, params={"reference": "person.reference"}),
    "api:PATCH /api/v1/persons/{reference}": Entry(
        having("registry.change_person"),
        method="PATCH",
        params={"reference": "person.reference"},
        body=lambda w: {"reason": "Interpreter corrected the spelling", "languages": "fa, en"},
    ),
    # accounts
    "page:accounts:login": Entry(EVERYONE),
    "page::healthz": Entry(EVERYONE),  # health figures, no personal data
    "page:accounts:logout": Entry(EVERYONE, method="POST"),
    "page:accounts:second_factor": Entry(ALL),
    "page:accounts:enrol_second_factor": Entry(ALL),
    "page:accounts:preferences": Entry(ALL),
    # audit
    "page:audit:event_list": Entry(having("audit.view_audit_trail")),
    # the API's own documentation: public, it holds no data
    "page:api-v1:openapi-json": Entry(EVERYONE),
    "page:api-v1:openapi-view": Entry(EVERYONE),
    "page:api-v1:api-root": Entry(NOBODY),  # django-ninja's root: always 404
}

# Objects every route can name: built in order, each with the world built so far.
WORLD_BUILDERS: list[Callable[[Any], None]] = []


def _collect_app_entries() -> None:
    """Merge ROUTES and build_world of every tests/<app>/access.py."""
    for module_file in sorted(Path(__file__).parent.glob("*/access.py")):
        module = importlib.import_module(f"tests.{module_file.parent.name}.access")
        for key, entry in getattr(module, "ROUTES", {}).items():
            if key in MATRIX:
                raise AssertionError(f"{key} has two entries in the access matrix ({module_file}).")
            MATRIX[key] = entry
        if hasattr(module, "build_world"):
            WORLD_BUILDERS.append(module.build_world)


_collect_app_entries()


class World:
    """Two sites, one user per role in site A, and a household in each site."""

    site_a: Any
    site_b: Any
    users: dict[str, Any]
    person: Any
    household: Any
    person_b: Any
    household_b: Any


def build_world(site_a, site_b, make_user) -> World:
    from asylon.registry import services
    from asylon.registry.models import Location

    w = World()
    w.site_a, w.site_b = site_a, site_b
    w.users = {role: make_user(role, sites=[site_a], username=f"m-{role}") for role in ROLES}
    protection = w.users[Role.PROTECTION_OFFICER]
    block = Location.objects.create(site=site_a, kind="BLOCK", name="Block M")
    unit = Location.objects.create(site=site_a, kind="UNIT", name="M01", parent=block)
    w.household = services.register_household(
        actor=protection,
        site=site_a,
        unit=unit,
        arrival_date=date(2013, 4, 2),
        members=[
            {
                "relationship": "PA",
                "given_name": "Soraya",
                "family_name": "Matrixi",
                "sex": "F",
                "date_of_birth": date(1979, 1, 1),
                "sensitive": {**SECRETS, "torture_survivor": True},
            }
        ],
    )
    w.person = _first_member(w.household)
    other = make_user(Role.PROTECTION_OFFICER, sites=[site_b], username="m-protection-b")
    w.household_b = services.register_household(
        actor=other,
        site=site_b,
        members=[{"relationship": "PA", "given_name": "Behrouz", "family_name": "Elsewhere", "sex": "M"}],
    )
    w.person_b = _first_member(w.household_b)
    for build in WORLD_BUILDERS:
        build(w)
    return w


def _first_member(household):
    return household.memberships.select_related("person").first().person


def resolve(world: World, path: str) -> Any:
    value: Any = world
    for part in path.split("."):
        value = getattr(value, part)
    return value
