"""Sites, blocks and units over the API: the caller's sites only; the register's readers list
them, administrators add blocks and units through the service, and each is on the trail."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from tests.signin import bearer

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.registry.models import Location


@pytest.fixture
def admin(make_user, site_a):
    return make_user(Role.ADMINISTRATOR, sites=[site_a], username="admin-a")


def _call(user, method: str, path: str, body: dict | None = None):
    data = json.dumps(body) if body is not None else ""
    return Client().generic(method, path, data, content_type="application/json", **bearer(user))


def test_a_clerk_lists_only_their_own_sites(clerk, site_a, site_b):
    sites = _call(clerk, "GET", "/api/v1/sites").json()
    assert [s["code"] for s in sites] == ["AAA"]
    assert sites[0] == {
        "code": "AAA",
        "name": "Site A",
        "host_country": "IQ",
        "designation": "TTL",
        "designated_on": None,
        "capacity": None,
    }
    assert _call(clerk, "GET", "/api/v1/sites/AAA").json()["name"] == "Site A"
    assert _call(clerk, "GET", "/api/v1/sites/BBB").status_code == 404
    assert _call(clerk, "GET", "/api/v1/sites/BBB/blocks").status_code == 404


def test_blocks_list_their_units_and_units_name_their_block(clerk, unit_a):
    blocks = _call(clerk, "GET", "/api/v1/sites/AAA/blocks").json()
    assert blocks == [
        {
            "id": unit_a.parent_id,
            "name": "Block 1",
            "units": [{"id": unit_a.pk, "name": "T01", "block_id": unit_a.parent_id, "block": "Block 1"}],
        }
    ]
    assert _call(clerk, "GET", "/api/v1/sites/AAA/units").json() == blocks[0]["units"]


def test_an_administrator_adds_a_block_and_a_unit_in_it(admin, site_a):
    made = _call(admin, "POST", "/api/v1/sites/AAA/blocks", {"name": "Block 07"})
    assert made.status_code == 201, made.content
    block = made.json()
    assert block["name"] == "Block 07" and block["units"] == []
    unit = _call(admin, "POST", f"/api/v1/sites/AAA/blocks/{block['id']}/units", {"name": "T07-01"})
    assert unit.status_code == 201
    assert unit.json() == {"id": unit.json()["id"], "name": "T07-01", "block_id": block["id"], "block": "Block 07"}
    listed = _call(admin, "GET", "/api/v1/sites/AAA/blocks").json()
    assert [u["name"] for b in listed if b["name"] == "Block 07" for u in b["units"]] == ["T07-01"]
    created = AuditEvent.objects.filter(action="location.created", actor_username="admin-a")
    assert sorted(e.changes["name"] for e in created) == ["Block 07", "Block 07 / T07-01"]
    # The same name again is the place already there, not a second one.
    again = _call(admin, "POST", "/api/v1/sites/AAA/blocks", {"name": "Block 07"}).json()
    assert again["id"] == block["id"] and Location.objects.filter(name="Block 07").count() == 1


def test_a_unit_goes_only_into_a_block_of_that_site(admin, site_b, make_user):
    other = Location.objects.create(site=site_b, kind="BLOCK", name="Block B")
    assert _call(admin, "POST", f"/api/v1/sites/AAA/blocks/{other.pk}/units", {"name": "X"}).status_code == 404
    assert _call(admin, "POST", "/api/v1/sites/BBB/blocks", {"name": "Block 9"}).status_code == 404
    assert _call(admin, "POST", "/api/v1/sites/AAA/blocks", {"name": ""}).status_code == 422
    assert not Location.objects.filter(name__in=["X", "Block 9", ""]).exists()


def test_a_clerk_may_not_add_places_and_a_partner_may_not_read_them(clerk, make_user):
    refused = _call(clerk, "POST", "/api/v1/sites/AAA/blocks", {"name": "Block 8"})
    assert refused.status_code == 403 and refused.json()["code"] == "not_permitted"
    partner = make_user(Role.PARTNER, username="partner")
    assert _call(partner, "GET", "/api/v1/sites").status_code == 403
