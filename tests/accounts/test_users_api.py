"""Users and roles over the API: an administrator reads and changes the users of their sites
as on the user pages, through the same services; no secret of a user ever leaves."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from tests.signin import bearer

from asylon.accounts.models import User
from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent


@pytest.fixture
def admin(make_user, site_a):
    return make_user(Role.ADMINISTRATOR, sites=[site_a], username="admin-a")


def _call(user, method: str, path: str, body: dict | None = None):
    data = json.dumps(body) if body is not None else ""
    return Client().generic(method, path, data, content_type="application/json", **bearer(user))


def test_the_user_list_shows_each_users_role_and_site_codes(admin, make_user, site_a, site_b):
    make_user(Role.FIELD_MONITOR, sites=[site_a], username="monitor-a")
    make_user(Role.FIELD_MONITOR, sites=[site_a, site_b], username="monitor-ab")  # a site not the admin's
    response = _call(admin, "GET", "/api/v1/users")
    users = {u["username"]: u for u in response.json()}
    assert users["monitor-a"]["role"] == "field_monitor"
    assert users["monitor-a"]["sites"] == ["AAA"]
    assert users["monitor-a"]["is_active"] is True
    assert "monitor-ab" not in users
    for secret in ("password", "pbkdf2", "md5$", "key", "token", "totp"):
        assert secret not in response.content.decode().lower()


def test_one_user_reads_as_in_the_list_and_another_sites_user_is_not_found(admin, make_user, site_b):
    monitor = make_user(Role.FIELD_MONITOR, username="monitor-a")
    body = _call(admin, "GET", f"/api/v1/users/{monitor.pk}").json()
    assert body["username"] == "monitor-a" and body["role"] == "field_monitor" and body["sites"] == ["AAA"]
    elsewhere = make_user(Role.FIELD_MONITOR, sites=[site_b], username="monitor-b")
    assert _call(admin, "GET", f"/api/v1/users/{elsewhere.pk}").status_code == 404


def test_an_administrator_creates_a_user_and_reads_the_password_once(admin):
    response = _call(
        admin, "POST", "/api/v1/users", {"username": "clerk-new", "role": "registration_clerk", "sites": ["AAA"]}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["username"] == "clerk-new" and body["user"]["role"] == "registration_clerk"
    assert body["user"]["sites"] == ["AAA"] and body["enrolment_code"] is None
    assert User.objects.get(username="clerk-new").check_password(body["password"])
    event = AuditEvent.objects.get(action="user.created", object_ref="", changes__username="clerk-new")
    assert event.actor_username == "admin-a" and event.changes["sites"] == ["AAA"]
    # A role that sees sensitive fields gets its second-factor enrolment code with it.
    officer = _call(
        admin, "POST", "/api/v1/users", {"username": "po-new", "role": "protection_officer", "sites": ["AAA"]}
    )
    assert officer.json()["enrolment_code"]


def test_a_new_user_is_given_the_language_they_read(admin):
    body = {"username": "clerk-fa", "role": "registration_clerk", "sites": ["AAA"], "language": "fa"}
    assert _call(admin, "POST", "/api/v1/users", body).json()["user"]["language"] == "fa"
    assert AuditEvent.objects.get(action="user.created", changes__username="clerk-fa").changes["language"] == "fa"
    refused = _call(admin, "POST", "/api/v1/users", {**body, "username": "clerk-xx", "language": "xx"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["language"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "x-new", "role": "registration_clerk", "sites": ["BBB"]}, "sites"),
        ({"username": "x-new", "role": "superhero", "sites": ["AAA"]}, "role"),
        ({"username": "admin-a", "role": "registration_clerk", "sites": ["AAA"]}, "username"),
    ],
    ids=["a-site-not-the-admins", "unknown-role", "username-taken"],
)
def test_a_refused_creation_names_the_field(admin, site_b, body, field):
    response = _call(admin, "POST", "/api/v1/users", body)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [[field]]


def test_an_administrator_changes_role_and_sites_and_deactivates(admin, make_user, site_a):
    monitor = make_user(Role.FIELD_MONITOR, username="monitor-a")
    changed = _call(admin, "PATCH", f"/api/v1/users/{monitor.pk}", {"role": "registration_clerk"}).json()
    assert changed["role"] == "registration_clerk" and changed["sites"] == ["AAA"] and changed["is_active"]
    off = _call(admin, "PATCH", f"/api/v1/users/{monitor.pk}", {"is_active": False}).json()
    assert off["is_active"] is False and off["role"] == "registration_clerk"
    actions = list(
        AuditEvent.objects.filter(object_type="accounts.user", object_id=str(monitor.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions[-2:] == ["user.role_changed", "user.deactivated"]
    outside = _call(admin, "PATCH", f"/api/v1/users/{monitor.pk}", {"sites": ["BBB"]})
    assert outside.status_code == 422 and outside.json()["detail"][0]["loc"] == ["sites"]


def test_an_administrator_cannot_change_their_own_account(admin):
    response = _call(admin, "PATCH", f"/api/v1/users/{admin.pk}", {"is_active": False})
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"
    admin.refresh_from_db()
    assert admin.is_active


def test_roles_are_listed_with_their_permissions(admin):
    roles = {r["code"]: r for r in _call(admin, "GET", "/api/v1/roles").json()}
    assert set(roles) == set(Role.values)
    assert "accounts.add_user" in roles["administrator"]["permissions"]
    assert "registry.view_sensitive" not in roles["registration_clerk"]["permissions"]
    assert roles["protection_officer"]["second_factor"] is True
    assert roles["registration_clerk"]["label"] == "Registration clerk"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/users"), ("POST", "/api/v1/users"), ("PATCH", "/api/v1/users/1"), ("GET", "/api/v1/roles")],
)
def test_a_clerk_gets_403(clerk, method, path):
    response = _call(clerk, method, path, {} if method != "GET" else None)
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"
