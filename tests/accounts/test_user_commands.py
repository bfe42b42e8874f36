"""asylon adduser and asylon api-token, as an operator runs them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from asylon.accounts.models import ApiToken, User
from asylon.audit.models import AuditEvent


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_adduser_creates_a_user_who_can_log_in_with_the_printed_password(site_a, site_b):
    password = run("adduser", "amina", "--role", "registration_clerk", "--site", "AAA", "--site", "BBB")
    user = User.objects.get(username="amina")
    assert user.role_names == ["registration_clerk"]
    assert set(user.sites.values_list("code", flat=True)) == {"AAA", "BBB"}
    client = Client()
    assert client.post("/accounts/login/", {"username": "amina", "password": password}).status_code == 302
    event = AuditEvent.objects.get(action="user.created")
    assert event.actor_username == "system" and event.changes["role"] == "registration_clerk"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "wizard", "--site", "AAA"], "Unknown role 'wizard'"),
        (["--role", "partner", "--site", "ZZZ"], "Unknown site 'ZZZ'"),
    ],
)
def test_adduser_refuses_with_one_clear_line(site_a, args, message):
    with pytest.raises(CommandError, match=message):
        run("adduser", "someone", *args)
    assert not User.objects.filter(username="someone").exists()


def test_adduser_refuses_a_taken_username(site_a, clerk):
    with pytest.raises(CommandError, match="already taken"):
        run("adduser", "clerk", "--role", "partner", "--site", "AAA")


def test_api_token_is_printed_once_stored_hashed_and_revocable(clerk):
    token = run("api-token", "clerk", "--name", "laptop")
    row = ApiToken.objects.get(user=clerk)
    assert row.name == "laptop" and token not in row.key_hash and row.prefix in token
    assert Client().get("/api/v1/persons", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert run("api-token", "clerk", "--revoke", row.prefix).startswith("Revoked")
    assert Client().get("/api/v1/persons", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("seq"))[-2:] == [
        "api_token.issued",
        "api_token.revoked",
    ]


def test_api_token_refusals(clerk, protection_officer):
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run("api-token", "nobody")
    with pytest.raises(CommandError, match="second factor"):
        run("api-token", "protection")
    with pytest.raises(CommandError, match="no token with prefix"):
        run("api-token", "clerk", "--revoke", "deadbeef")
