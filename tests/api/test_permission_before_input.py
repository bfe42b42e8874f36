"""A role with no right to a write route is refused (403) whatever it sends: a malformed body
must not answer 422 (nor 409), which would tell it that the route is open to it and what the
route expects. Every write route of the access matrix, with the first role it refuses."""

from __future__ import annotations

import re

import pytest
from tests.access_matrix import MATRIX
from tests.signin import bearer

from asylon.accounts.roles import Role

# Roles that hold the fewest permissions first: the refused caller is as weak as it gets.
WEAKEST_FIRST = [
    Role.STATISTICS_VIEWER,
    Role.PARTNER,
    Role.FIELD_MONITOR,
    Role.ADMINISTRATOR,
    Role.REGISTRATION_CLERK,
    Role.RSD_OFFICER,
    Role.RESETTLEMENT_OFFICER,
    Role.PROTECTION_OFFICER,
]

MALFORMED = {
    "missing-fields": "{}",
    "wrong-types": '{"site": [1], "reason": {"a": 1}, "action": 12, "person": null, "persons": "x"}',
    "not-an-object": "[1, 2, 3]",
    "garbage-json": '{"unterminated',
    "nul-byte": '{"reason": "\\u0000", "site": "\\u0000"}',
}


def _write_routes():
    for key, entry in sorted(MATRIX.items()):
        if not key.startswith("api:") or entry.method == "GET":
            continue
        refused = next((role for role in WEAKEST_FIRST if role.value not in entry.allow), None)
        if refused is not None:
            method, path = key.removeprefix("api:").split(" ", 1)
            yield pytest.param(method, path, refused.value, id=f"{method} {path} as {refused.value}")


@pytest.mark.parametrize("body", list(MALFORMED.values()), ids=list(MALFORMED))
@pytest.mark.parametrize(("method", "path", "role"), list(_write_routes()))
def test_a_refused_role_gets_403_whatever_its_body(client, make_user, method, path, role, body):
    user = make_user(role, username=f"refused-{role}")
    # Any value will do in the path: the refusal comes before the route reads it.
    url = re.sub(r"\{[^}]+\}", "1", path)
    response = client.generic(method, url, body, content_type="application/json", **bearer(user))
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "not_permitted"
