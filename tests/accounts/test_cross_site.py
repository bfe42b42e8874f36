"""A user of site A never meets a person of site B: not by page, API, filter or guessed id."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.access_matrix import build_world
from tests.signin import bearer, sign_in

from asylon.accounts.roles import Role
from asylon.registry import queries


@pytest.fixture
def world(site_a, site_b, make_user):
    return build_world(site_a, site_b, make_user)


@pytest.mark.parametrize("role", [Role.REGISTRATION_CLERK, Role.PROTECTION_OFFICER, Role.ADMINISTRATOR])
def test_site_b_person_is_not_found_from_site_a(role, world):
    user = world.users[role]
    page = sign_in(Client(), user)
    api = Client()
    headers = bearer(user)
    ref_b, hh_b = world.person_b.reference, world.household_b.reference

    assert page.get(f"/persons/{ref_b}/").status_code == 404
    assert page.get(f"/persons/{ref_b}/correct/").status_code == 404
    assert page.post(f"/persons/{ref_b}/correct/", {"reason": "x", "given_name": "Hacked"}).status_code == 404
    assert page.get(f"/households/{hh_b}/").status_code == 404
    assert api.get(f"/api/v1/persons/{ref_b}", **headers).status_code == 404
    assert api.get(f"/api/v1/households/{hh_b}", **headers).status_code == 404
    patched = api.patch(
        f"/api/v1/persons/{ref_b}",
        data={"reason": "x", "given_name": "Hacked"},
        content_type="application/json",
        **headers,
    )
    # A role that may correct no one is refused before the reference is looked at (403, the
    # same for every reference); one that may is told site B's person does not exist.
    assert patched.status_code == (404 if user.has_perm("registry.change_person") else 403)
    world.person_b.refresh_from_db()
    assert world.person_b.given_name == "Behrouz"

    # A guessed reference that exists nowhere answers exactly as site B's does.
    missing = api.get("/api/v1/persons/BBB-999999", **headers)
    assert missing.json() == api.get(f"/api/v1/persons/{ref_b}", **headers).json()

    # Lists, filters and searches.
    for body in (
        page.get("/persons/").content.decode(),
        page.get(f"/persons/?household={hh_b}").content.decode(),
        page.get(f"/persons/?site={world.site_b.pk}").content.decode(),
        api.get("/api/v1/persons?limit=500", **headers).content.decode(),
        api.get(f"/api/v1/persons?household={hh_b}", **headers).content.decode(),
        api.get("/api/v1/households?limit=500", **headers).content.decode(),
        api.get("/api/v1/households?site=BBB", **headers).content.decode(),
    ):
        assert ref_b not in body and "Elsewhere" not in body  # (hh_b may be echoed from the query)
    assert hh_b not in api.get("/api/v1/households?limit=500", **headers).content.decode()
    assert api.get("/api/v1/persons?site=BBB", **headers).status_code == 422
    assert world.person.reference in api.get("/api/v1/persons", **headers).content.decode()


def test_scoped_queries_hold_for_every_role(world):
    for user in world.users.values():
        assert not queries.persons_for(user).filter(site=world.site_b).exists()
        assert not queries.households_for(user).filter(site=world.site_b).exists()


def test_a_user_of_both_sites_sees_both(world, make_user):
    both = make_user(Role.REGISTRATION_CLERK, sites=[world.site_a, world.site_b], username="both")
    refs = set(queries.persons_for(both).values_list("reference", flat=True))
    assert {world.person.reference, world.person_b.reference} <= refs
