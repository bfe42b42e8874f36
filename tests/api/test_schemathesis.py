"""schemathesis against the API's own OpenAPI document: no generated request answers 5xx.

Every operation is fed requests generated from its schema, valid ones and invalid ones
(schemathesis's positive and negative modes), by a privileged role and a low-privilege one,
each with a bearer token, over a world made through the services (two sites, a household,
an incident, an RSD case). Hypothesis runs derandomized with a fixed number of examples, so
a run is the same on every machine and on both databases; a 5xx fails naming the request.

The requests go through Django's test client (in process, inside the test's transaction);
a raw WSGI call would close the test's database connection at the end of each request.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from schemathesis.generation import GenerationMode
from tests.signin import bearer

from asylon.accounts.roles import Role
from asylon.api import api

EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3}
ROLES = {"privileged": Role.PROTECTION_OFFICER, "low-privilege": Role.FIELD_MONITOR}


def _operations():
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    return [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def world(household, site_a, site_b, protection_officer, make_user):
    """Records for the generated requests to find or miss: what a camp has on its first day."""
    from asylon.incidents import services as incidents
    from asylon.status import services as status

    incidents.report_incident(
        actor=protection_officer,
        site=site_a,
        kind="PROPERTY",
        occurred_at=datetime(2013, 5, 1, 10, tzinfo=UTC),
        severity=2,
        narrative="Synthetic: a tent was cut open at night.",
    )
    rsd = make_user(Role.RSD_OFFICER, username="rsd-fuzz")
    person = household.memberships.select_related("person").first().person
    status.register_rsd_case(actor=rsd, applicant=person, registered_on=date(2013, 5, 2))
    return household


def _send(client, headers, case):
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    path = kwargs["url"].removeprefix("http://testserver")
    body = ""
    content_type = "application/json"
    if "json" in kwargs:
        body = json.dumps(kwargs["json"])
    elif kwargs.get("data") is not None:
        body = kwargs["data"]
        content_type = (kwargs.get("headers") or {}).get("Content-Type", "application/octet-stream")
    return client.generic(
        kwargs["method"], path, body, content_type=content_type, QUERY_STRING=_query(kwargs.get("params")), **headers
    )


def _query(params) -> str:
    from urllib.parse import urlencode

    if not params:
        return ""
    return urlencode(params, doseq=True)


@pytest.mark.parametrize("role", list(ROLES.values()), ids=list(ROLES))
def test_no_generated_request_answers_5xx(client, make_user, world, role):
    headers = bearer(make_user(role, username=f"fuzz-{role}"))
    failures: list[str] = []
    for operation in _operations():
        for mode, examples in EXAMPLES.items():

            @hypothesis.settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                response = _send(client, headers, case)
                if response.status_code >= 500:
                    request = f"{case.method} {case.formatted_path} {case.query} {case.body!r}"
                    failures.append(f"{response.status_code} {request}")

            run()
    assert failures == []
