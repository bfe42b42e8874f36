"""The gate's reference data through the API, with the page's services: a protection officer
records an onward-return policy (and the gate then reads it, N6), ends it on a date (and the
gate no longer reads it after), and records a country authority (and a recipient named like
it then acts for that state, D1). Whoever reads risk profiles reads them; nobody else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.signin import bearer

from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.movements import gate
from asylon.movements.models import OnwardReturnPolicy
from asylon.sharing import services as sharing_services

POLICIES = "/api/v1/onward-return-policies"
AUTHORITIES = "/api/v1/country-authorities"
SINCE = today() - timedelta(days=400)


def call(client, user, method, url, body=None, **query):
    headers = bearer(user, name=f"{user.get_username()}-{method}")
    if body is None:
        return getattr(client, method)(url, query, **headers)
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def _policy(**extra) -> dict:
    return {
        "country": "TR",
        "nationality": "IR",
        "returns_to": "IR",
        "valid_from": SINCE.isoformat(),
        "source": "Country report on returns, section 3.2.",
    } | extra


def _sent_on_from_turkey(po, person) -> bool:
    """Whether the gate refuses a departure to Turkey as refoulement by another route (N6)."""
    answer = gate.preview_movement(actor=po, persons=[person], kind="RESETTLEMENT_DEPARTURE", destination_country="TR")[
        person.pk
    ]
    return any(b.rule == "N6" and "known to send people" in b.detail for b in answer.blocks)


def test_a_policy_recorded_through_the_api_is_what_the_gate_reads_until_it_ends(client, po, resident):
    person = resident("REFUGEE")  # Iranian
    r = call(client, po, "post", POLICIES, _policy())
    assert r.status_code == 201, r.content
    policy = r.json()
    assert policy == {
        "id": policy["id"],
        "country": "TR",
        "nationality": "IR",
        "returns_to": "IR",
        "valid_from": SINCE.isoformat(),
        "valid_to": None,
        "source": "Country report on returns, section 3.2.",
        "recorded_at": policy["recorded_at"],
    }
    assert _sent_on_from_turkey(po, person)  # Turkey would send her on to Iran

    r = call(
        client, po, "post", f"{POLICIES}/{policy['id']}/end", {"valid_to": (SINCE - timedelta(days=1)).isoformat()}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["valid_to"]
    ended_on = today() - timedelta(days=1)
    r = call(client, po, "post", f"{POLICIES}/{policy['id']}/end", {"valid_to": ended_on.isoformat()})
    assert r.status_code == 200 and r.json()["valid_to"] == ended_on.isoformat()
    assert OnwardReturnPolicy.objects.count() == 1  # ended, not deleted
    assert not _sent_on_from_turkey(po, person)

    assert call(client, po, "get", f"{POLICIES}/{policy['id']}").json()["valid_to"] == ended_on.isoformat()
    assert [p["id"] for p in call(client, po, "get", POLICIES).json()] == [policy["id"]]
    assert call(client, po, "get", POLICIES, on=today().isoformat()).json() == []  # no longer in force
    assert [p["id"] for p in call(client, po, "get", POLICIES, on=ended_on.isoformat()).json()] == [policy["id"]]
    assert call(client, po, "get", POLICIES, country="LB").json() == []
    assert call(client, po, "get", f"{POLICIES}/{policy['id'] + 1}").status_code == 404


def test_a_policy_needs_two_countries_and_a_source(client, po):
    r = call(client, po, "post", POLICIES, _policy(returns_to="TR", source=" "))
    assert r.status_code == 422
    assert {tuple(e["loc"]) for e in r.json()["detail"]} == {("returns_to",), ("source",)}
    assert not OnwardReturnPolicy.objects.exists()


def test_a_recorded_authority_makes_a_recipient_named_like_it_act_for_its_state(client, po):
    body = {
        "name": "Consular section of the embassy",
        "country": "IR",
        "kind": "EMBASSY",
        "valid_from": SINCE.isoformat(),
        "source": "Diplomatic list, 2020.",
    }
    r = call(client, po, "post", AUTHORITIES, body)
    assert r.status_code == 201, r.content
    assert r.json() == body | {"id": r.json()["id"], "valid_to": None}
    recipient = sharing_services.create_recipient(actor=po, name="Consular section of the embassy", kind="NGO")
    assert (recipient.country.code, recipient.acts_for_id) == ("IR", r.json()["id"])
    assert [a["name"] for a in call(client, po, "get", AUTHORITIES, country="ir").json()] == [body["name"]]
    assert call(client, po, "get", AUTHORITIES, country="IQ").json() == []
    r = call(client, po, "post", AUTHORITIES, body | {"kind": "CLUB", "name": ""})
    assert r.status_code == 422 and {e["loc"][0] for e in r.json()["detail"]} == {"kind", "name"}


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [
        (Role.PROTECTION_OFFICER, 200, 201),
        (Role.RSD_OFFICER, 200, 403),
        (Role.RESETTLEMENT_OFFICER, 403, 403),
        (Role.ADMINISTRATOR, 403, 403),
        (Role.PARTNER, 403, 403),
    ],
)
def test_protection_officers_keep_reference_data_and_rsd_officers_read_it(client, make_user, role, reads, writes):
    user = make_user(role, username=f"reference-{role}")
    assert call(client, user, "get", POLICIES).status_code == reads
    assert call(client, user, "get", AUTHORITIES).status_code == reads
    r = call(client, user, "post", POLICIES, _policy())
    assert r.status_code == writes
    if writes == 403:
        assert r.json()["code"] == "not_permitted"
