"""Issue 18: API tokens expire (ASYLON_API_TOKEN_DAYS) and their expiry and last use are
shown where tokens are listed."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from tests.signin import bearer

from asylon.accounts.models import ApiToken


def test_a_token_expires_after_the_configured_days(settings, clerk):
    settings.ASYLON_API_TOKEN_DAYS = 30
    headers = bearer(clerk)
    token = ApiToken.objects.get(user=clerk)
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert Client().get("/api/v1/persons", **headers).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get("/api/v1/persons", **headers).status_code == 401
    token.refresh_from_db()
    assert not token.active


def test_the_command_lists_expiry_and_last_use(clerk):
    headers = bearer(clerk, name="laptop")
    Client().get("/api/v1/persons", **headers)
    token = ApiToken.objects.get(user=clerk)
    out = StringIO()
    call_command("api-token", "clerk", "--list", stdout=out)
    line = out.getvalue().strip()
    assert token.prefix in line and "active" in line and "laptop" in line
    assert f"expires {token.expires_at.isoformat(timespec='minutes')}" in line
    assert "last used never" not in line
    assert headers["HTTP_AUTHORIZATION"].split("_", 2)[2] not in line


def test_an_administrator_sees_a_users_tokens_with_expiry_and_last_use(make_user, clerk, site_a):
    from tests.signin import sign_in

    from asylon.accounts.roles import Role

    bearer(clerk, name="field tablet")
    admin = make_user(Role.ADMINISTRATOR, sites=[site_a], username="admin-a")
    html = sign_in(Client(), admin).get(f"/accounts/users/{clerk.pk}/").content.decode()
    token = ApiToken.objects.get(user=clerk)
    assert token.prefix in html and "field tablet" in html
