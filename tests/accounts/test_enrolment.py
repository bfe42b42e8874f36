"""Issue 18: enrolling a second factor takes an enrolment code, not only the password.

The code is issued by an administrator of the user's sites or at account creation, stored
hashed, used once, expires, is throttled, and its issue and use are in the audit chain."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.signin import current_code

from asylon.accounts import services
from asylon.accounts.models import EnrolmentCode, User
from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent

PASSWORD = "correct horse battery staple"
ENROL = "/accounts/two-factor/enrol/"


def logged_in(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def officer(site_a, db):
    account = services.create_user(
        actor=None, username="officer", role=Role.PROTECTION_OFFICER, sites=[site_a], password=PASSWORD
    )
    account.user.enrolment_code = account.enrolment_code  # type: ignore[attr-defined]
    return account.user


def test_a_password_alone_does_not_show_the_secret(officer):
    client = logged_in("officer")
    for response in (client.get(ENROL), client.post(ENROL, {"token": "123456"})):
        html = response.content.decode()
        assert response.status_code == 200
        assert "data:image/svg+xml" not in html and "Enrolment code from your administrator" in html
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_the_code_from_account_creation_opens_enrolment_once(officer):
    client = logged_in("officer")
    shown = client.post(ENROL, {"code": officer.enrolment_code.lower()}, follow=True).content.decode()
    assert 'src="data:image/svg+xml;base64,' in shown
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    done = client.post(ENROL, {"token": current_code(device), "next": "/persons/"})
    assert done.status_code == 302 and client.get("/persons/").status_code == 200
    actions = list(AuditEvent.objects.filter(object_id=str(officer.pk)).values_list("action", flat=True))
    assert {"user.enrolment_code_issued", "user.enrolment_code_used", "user.second_factor_enrolled"} <= set(actions)
    # Used up: a second session with the same password and code gets no secret.
    TOTPDevice.objects.filter(user=officer).delete()
    again = logged_in("officer")
    refused = again.post(ENROL, {"code": officer.enrolment_code}).content.decode()
    assert "data:image/svg+xml" not in refused and "not right, has expired or was already used" in refused
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_an_expired_code_is_refused(officer):
    EnrolmentCode.objects.filter(user=officer).update(expires_at=timezone.now() - timedelta(seconds=1))
    html = logged_in("officer").post(ENROL, {"code": officer.enrolment_code}).content.decode()
    assert "data:image/svg+xml" not in html and "has expired" in html


def test_wrong_codes_are_throttled_then_even_the_right_one_fails(officer):
    client = logged_in("officer")
    for _ in range(EnrolmentCode.MAX_FAILURES):
        client.post(ENROL, {"code": "AAAA-BBBB-CCCC"})
    html = client.post(ENROL, {"code": officer.enrolment_code}).content.decode()
    assert "data:image/svg+xml" not in html
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(action="user.enrolment_code_refused", actor=officer).count() == 6


def test_a_new_code_from_an_administrator_replaces_the_old(officer, make_user, site_a):
    admin = make_user(Role.ADMINISTRATOR, sites=[site_a], username="admin-a")
    new = services.issue_enrolment_code(actor=admin, user=officer)
    client = logged_in("officer")
    assert "data:image/svg+xml" not in client.post(ENROL, {"code": officer.enrolment_code}).content.decode()
    assert 'src="data:image/svg+xml' in client.post(ENROL, {"code": new}, follow=True).content.decode()
    assert AuditEvent.objects.filter(action="user.enrolment_code_issued", actor=admin).count() == 1


def test_codes_are_stored_hashed(officer):
    row = EnrolmentCode.objects.get(user=officer)
    assert officer.enrolment_code not in row.code_hash
    assert row.code_hash == EnrolmentCode.digest(officer.enrolment_code)
    assert row.expires_at - timezone.now() > timedelta(days=6)


def test_adduser_prints_the_password_and_the_enrolment_code(site_a):
    out = StringIO()
    call_command("adduser", "po2", "--role", "protection_officer", "--site", "AAA", stdout=out, stderr=StringIO())
    password, code = out.getvalue().split()
    user = User.objects.get(username="po2")
    assert user.check_password(password)
    assert EnrolmentCode.live(user).get().code_hash == EnrolmentCode.digest(code)


def test_the_operator_issues_a_code_for_a_superuser(db):
    root = User.objects.create_superuser("root", password=PASSWORD)
    out = StringIO()
    call_command("enrolment-code", "root", stdout=out)
    assert EnrolmentCode.live(root).get().code_hash == EnrolmentCode.digest(out.getvalue().strip())
    assert AuditEvent.objects.get(action="user.enrolment_code_issued").actor_username == "system"


def test_a_role_without_a_second_factor_gets_no_enrolment_code(site_a):
    account = services.create_user(actor=None, username="pair", role=Role.FIELD_MONITOR, sites=[site_a])
    assert account.user.check_password(account.password) and account.enrolment_code is None
