"""Logging in: Argon2, lock-out after repeated failures, the second factor, headers and cookies."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.signin import bearer, current_code, sign_in

import asylon
from asylon.accounts.roles import Role
from asylon.accounts.services import issue_api_token, issue_enrolment_code
from asylon.audit.models import AuditEvent
from asylon.core.errors import Conflict
from asylon.core.middleware import REFRESHED

PASSWORD = "correct horse battery staple"
SRC = Path(asylon.__file__).parent


def log_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(settings, make_user):
    from asylon import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    user = make_user(Role.REGISTRATION_CLERK, username="argon")
    assert user.password.startswith("argon2$")
    assert log_in(Client(), "argon").status_code == 302


def test_repeated_failures_lock_the_account_even_against_the_right_password(clerk):
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "clerk", "wrong password!!").status_code == 200
    assert log_in(client, "clerk", "wrong password!!").status_code == 429  # the last allowed failure locks
    locked = log_in(client, "clerk")
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address does not help: the lock is on the account.
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert log_in(other, "clerk").status_code == 429


def test_a_few_failures_do_not_lock(clerk):
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "clerk", "wrong password!!")
    assert log_in(client, "clerk").status_code == 302
    assert client.get("/persons/").status_code == 200


def test_protection_officer_enrols_then_needs_the_code_at_every_log_in(protection_officer):
    client = Client()
    assert log_in(client, "protection").status_code == 302
    # Password alone reaches no page.
    blocked = client.get("/persons/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/accounts/two-factor/")
    assert client.get("/audit/").status_code == 302
    assert client.get("/api/v1/persons").status_code in (401, 403)
    # First log-in: the enrolment code first, then a QR code as an image (no script).
    code = issue_enrolment_code(actor=None, user=protection_officer)
    asked = client.get("/accounts/two-factor/", follow=True).content.decode()
    assert "data:image/svg+xml" not in asked and "Enrolment code" in asked
    enrol = client.post("/accounts/two-factor/enrol/", {"code": code}, follow=True)
    html = enrol.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html and "<script" not in html
    device = TOTPDevice.objects.get(user=protection_officer, confirmed=False)
    wrong = client.post("/accounts/two-factor/enrol/", {"token": "000000" if current_code(device) != "000000" else "1"})
    assert wrong.status_code == 200 and client.get("/persons/").status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    done = client.post("/accounts/two-factor/enrol/", {"token": current_code(device), "next": "/persons/"})
    assert done.status_code == 302 and done["Location"] == "/persons/"
    assert client.get("/persons/").status_code == 200
    assert AuditEvent.objects.filter(action="user.second_factor_enrolled", actor=protection_officer).count() == 1

    # Next log-in: the code, not a new enrolment.
    again = Client()
    log_in(again, "protection")
    assert again.get("/accounts/two-factor/enrol/").status_code == 302
    assert again.post("/accounts/two-factor/", {"token": "12345"}).status_code == 200
    assert again.get("/persons/").status_code == 302
    device.refresh_from_db()
    ok = again.post("/accounts/two-factor/", {"token": current_code(device, steps_ahead=1), "next": "/persons/"})
    assert ok.status_code == 302
    assert again.get("/persons/").status_code == 200


def test_clerk_needs_no_second_factor(clerk):
    client = Client()
    log_in(client, "clerk")
    assert client.get("/persons/").status_code == 200


def test_second_factor_can_be_switched_off_by_setting(settings, protection_officer):
    settings.ASYLON_REQUIRE_2FA = False
    client = Client()
    log_in(client, "protection")
    assert client.get("/persons/").status_code == 200


def test_api_tokens_for_sensitive_roles_only_after_enrolment(protection_officer, clerk):
    with pytest.raises(Conflict):
        issue_api_token(actor=protection_officer, user=protection_officer)
    headers = bearer(protection_officer)  # enrols a device first
    assert Client().get("/api/v1/persons", **headers).status_code == 200
    # Without the device the token stops working.
    TOTPDevice.objects.filter(user=protection_officer).delete()
    assert Client().get("/api/v1/persons", **headers).status_code == 401
    # A clerk cannot issue a token for someone else.
    from asylon.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        issue_api_token(actor=clerk, user=protection_officer)


def test_session_api_needs_the_second_factor_too(protection_officer):
    client = Client()
    client.force_login(protection_officer)
    assert client.get("/api/v1/persons").status_code == 403
    sign_in(client, protection_officer)
    assert client.get("/api/v1/persons").status_code == 200


def test_revoked_token_is_refused(clerk):
    from asylon.accounts.models import ApiToken
    from asylon.accounts.services import revoke_api_token

    headers = bearer(clerk)
    assert Client().get("/api/v1/persons", **headers).status_code == 200
    revoke_api_token(actor=clerk, token=ApiToken.objects.get(user=clerk))
    assert Client().get("/api/v1/persons", **headers).status_code == 401
    assert ApiToken.objects.get(user=clerk).key_hash not in headers["HTTP_AUTHORIZATION"]


def test_security_headers_and_cookies(clerk):
    client = Client()
    response = log_in(client, "clerk")
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == django_settings.SESSION_COOKIE_AGE
    page = client.get("/persons/")
    csp = page["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'self'" in script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "unsafe-inline" not in csp
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"


def test_forms_need_a_csrf_token(clerk):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD}).status_code == 403
    client.force_login(clerk)
    assert client.post("/households/new/", {}).status_code == 403


def test_no_inline_script_and_no_csrf_exemption_in_the_code():
    for template in (SRC / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline <script> in {template}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {template}"
    for source in SRC.rglob("*.py"):
        assert "csrf_exempt" not in source.read_text(), f"csrf_exempt in {source}"


def test_a_request_moves_the_sessions_end_but_writes_it_at_most_once_a_minute(clerk):
    """The end counts from the last request, to within the minute between two saves: a page
    read less than a minute after the last save writes nothing (a save is a commit)."""
    client = Client()
    log_in(client, "clerk")
    key = client.cookies["sessionid"].value
    earlier = timezone.now() + timedelta(minutes=5)  # as if the last request were 25 minutes old
    Session.objects.filter(pk=key).update(expire_date=earlier)
    assert client.get("/persons/").status_code == 200
    assert Session.objects.get(pk=key).expire_date == earlier  # saved at sign-in, seconds ago

    session = client.session  # a minute later
    session[REFRESHED] -= django_settings.ASYLON_SESSION_REFRESH_SECONDS
    session.save()
    Session.objects.filter(pk=key).update(expire_date=earlier)
    assert client.get("/persons/").status_code == 200
    moved = Session.objects.get(pk=key).expire_date
    assert moved >= timezone.now() + timedelta(seconds=django_settings.SESSION_COOKIE_AGE - 60)
    assert int(client.cookies["sessionid"]["max-age"]) == django_settings.SESSION_COOKIE_AGE


def test_session_ends_after_inactivity(clerk, settings):
    assert 0 < django_settings.SESSION_COOKIE_AGE <= 60 * 60
    client = Client()
    log_in(client, "clerk")
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get("/persons/").status_code == 302
