"""Issue 18: who may change an account, and how. An administrator manages only the users
whose every site is one of theirs, grants only their own sites, never changes their own
account, never touches a superuser; every permitted change is in the audit chain with the
value before and after. The pages say the same as the services."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.signin import sign_in

from asylon.accounts import services
from asylon.accounts.models import ApiToken, EnrolmentCode, User
from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.core.errors import InvalidInput, NotFound, NotPermitted

PASSWORD = "correct horse battery staple"


@pytest.fixture
def admin_a(make_user, site_a):
    return make_user(Role.ADMINISTRATOR, sites=[site_a], username="admin-a")


@pytest.fixture
def admin_b(make_user, site_b):
    return make_user(Role.ADMINISTRATOR, sites=[site_b], username="admin-b")


@pytest.fixture
def officer_b(make_user, site_b):
    return make_user(Role.PROTECTION_OFFICER, sites=[site_b], username="officer-b")


@pytest.fixture
def clerk_ab(make_user, site_a, site_b):
    return make_user(Role.REGISTRATION_CLERK, sites=[site_a, site_b], username="clerk-ab")


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("seq")


# Refusals: each leaves the account as it was.


def test_an_administrator_cannot_give_themselves_a_role(admin_a):
    with pytest.raises(NotPermitted):
        services.change_role(actor=admin_a, user=admin_a, role=Role.PROTECTION_OFFICER)
    assert User.objects.get(pk=admin_a.pk).role_names == [Role.ADMINISTRATOR]


def test_an_administrator_cannot_give_themselves_another_site(admin_a, site_a, site_b):
    with pytest.raises((NotPermitted, InvalidInput)):
        services.change_sites(actor=admin_a, user=admin_a, sites=[site_a, site_b])
    assert list(User.objects.get(pk=admin_a.pk).sites.values_list("code", flat=True)) == ["AAA"]


def test_an_administrator_cannot_deactivate_themselves(admin_a):
    with pytest.raises(NotPermitted):
        services.set_active(actor=admin_a, user=admin_a, active=False)
    assert User.objects.get(pk=admin_a.pk).is_active


def test_an_administrator_grants_only_the_sites_they_work_in(admin_a, clerk, site_a, site_b):
    with pytest.raises(InvalidInput) as refused:
        services.change_sites(actor=admin_a, user=clerk, sites=[site_a, site_b])
    assert refused.value.errors == {"sites": ["You may only grant sites you work in."]}
    assert list(User.objects.get(pk=clerk.pk).sites.values_list("code", flat=True)) == ["AAA"]


def test_an_administrator_cannot_reset_the_password_of_a_user_in_another_site(admin_a, officer_b):
    with pytest.raises(NotFound):
        services.reset_password(actor=admin_a, user=officer_b)
    assert User.objects.get(pk=officer_b.pk).check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="user.password_reset").exists()


def test_a_user_who_also_works_in_another_site_is_out_of_reach(admin_a, clerk_ab):
    with pytest.raises(NotFound):
        services.reset_password(actor=admin_a, user=clerk_ab)
    with pytest.raises(NotFound):
        services.change_role(actor=admin_a, user=clerk_ab, role=Role.ADMINISTRATOR)
    assert User.objects.get(pk=clerk_ab.pk).role_names == [Role.REGISTRATION_CLERK]


def test_an_administrator_cannot_issue_an_enrolment_code_outside_their_sites(admin_a, officer_b):
    with pytest.raises(NotFound):
        services.issue_enrolment_code(actor=admin_a, user=officer_b)
    assert not EnrolmentCode.objects.filter(user=officer_b, issued_by=admin_a).exists()


def test_nobody_issues_themselves_an_enrolment_code(make_user, site_a):
    admin_po = make_user(Role.ADMINISTRATOR, sites=[site_a], username="admin-po")
    with pytest.raises(NotPermitted):
        services.issue_enrolment_code(actor=admin_po, user=admin_po)
    assert not EnrolmentCode.objects.filter(user=admin_po, issued_by=admin_po).exists()


def test_an_administrator_never_touches_a_superuser(admin_a, site_a):
    root = User.objects.create_superuser("root", password=PASSWORD)
    root.sites.add(site_a)
    for call in (
        lambda: services.reset_password(actor=admin_a, user=root),
        lambda: services.set_active(actor=admin_a, user=root, active=False),
        lambda: services.change_role(actor=admin_a, user=root, role=Role.PARTNER),
    ):
        with pytest.raises(NotFound):
            call()
    root.refresh_from_db()
    assert root.is_superuser and root.is_active and root.check_password(PASSWORD)


def test_no_service_grants_superuser(admin_a, clerk, site_a):
    account = services.create_user(actor=admin_a, username="newbie", role=Role.ADMINISTRATOR, sites=[site_a])
    services.update_account(actor=admin_a, user=clerk, role=Role.ADMINISTRATOR, sites=[site_a], is_active=True)
    assert not User.objects.filter(is_superuser=True).exists()
    assert not account.user.is_superuser


def test_other_roles_manage_nobody(clerk, make_user, site_a):
    other = make_user(Role.FIELD_MONITOR, sites=[site_a], username="monitor")
    with pytest.raises(NotPermitted):
        services.reset_password(actor=clerk, user=other)
    with pytest.raises(NotPermitted):
        services.create_user(actor=clerk, username="sneaky", role=Role.ADMINISTRATOR, sites=[site_a])
    assert User.objects.get(pk=other.pk).check_password(PASSWORD)


def test_an_administrator_cannot_mint_an_api_token_for_a_user_of_another_site(admin_a, officer_b):
    from tests.signin import totp_device

    totp_device(officer_b)
    with pytest.raises(NotPermitted):
        services.issue_api_token(actor=admin_a, user=officer_b)
    assert not ApiToken.objects.filter(user=officer_b).exists()


# Permitted changes: each one event with before and after.


def test_a_role_change_is_audited_with_before_and_after(admin_a, clerk):
    services.change_role(actor=admin_a, user=clerk, role=Role.FIELD_MONITOR)
    assert User.objects.get(pk=clerk.pk).role_names == [Role.FIELD_MONITOR]
    event = last_event("user.role_changed")
    assert event.actor == admin_a and event.object_id == str(clerk.pk)
    assert event.changes == {"role": [[Role.REGISTRATION_CLERK], [Role.FIELD_MONITOR]]}


def test_a_sites_change_is_audited_with_before_and_after(make_user, site_a, site_b, clerk):
    admin_ab = make_user(Role.ADMINISTRATOR, sites=[site_a, site_b], username="admin-ab")
    services.change_sites(actor=admin_ab, user=clerk, sites=[site_a, site_b])
    assert last_event("user.sites_changed").changes == {"sites": [["AAA"], ["AAA", "BBB"]]}


def test_deactivation_is_audited_and_ends_log_in(admin_a, clerk):
    services.set_active(actor=admin_a, user=clerk, active=False)
    assert last_event("user.deactivated").changes == {"is_active": [True, False]}
    assert Client().post("/accounts/login/", {"username": "clerk", "password": PASSWORD}).status_code == 200
    services.set_active(actor=admin_a, user=clerk, active=True)
    assert last_event("user.reactivated").changes == {"is_active": [False, True]}


def test_a_password_reset_is_audited_without_the_password(admin_a, clerk):
    password = services.reset_password(actor=admin_a, user=clerk)
    clerk.refresh_from_db()
    assert clerk.check_password(password) and not clerk.check_password(PASSWORD)
    event = last_event("user.password_reset")
    assert event.actor == admin_a and password not in str(event.changes)


def test_an_enrolment_code_is_audited_without_the_code(admin_a, make_user, site_a):
    officer = make_user(Role.PROTECTION_OFFICER, sites=[site_a], username="officer-a")
    code = services.issue_enrolment_code(actor=admin_a, user=officer)
    event = last_event("user.enrolment_code_issued")
    assert event.actor == admin_a and event.object_id == str(officer.pk)
    assert code not in str(event.changes)
    assert EnrolmentCode.objects.filter(user=officer, used_at__isnull=True, voided_at__isnull=True).count() == 1


# Passwords: the numeric validator on every path that sets one.


def test_an_all_digit_password_is_refused(site_a):
    with pytest.raises(InvalidInput) as refused:
        services.create_user(
            actor=None, username="digits", role=Role.REGISTRATION_CLERK, sites=[site_a], password="123456789012345"
        )
    assert "This password is entirely numeric." in refused.value.errors["password"]
    assert not User.objects.filter(username="digits").exists()


def test_changepassword_refuses_an_all_digit_password(clerk):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="entirely numeric"):
        validate_password("123456789012345", clerk)  # what `asylon changepassword` runs


# Pages.


@pytest.fixture
def admin_page(admin_a):
    return sign_in(Client(), admin_a)


def test_the_user_list_shows_only_users_of_the_administrators_sites(admin_page, clerk, officer_b, clerk_ab):
    html = admin_page.get("/accounts/users/").content.decode()
    assert ">clerk<" in html and "Registration clerk" in html
    assert "officer-b" not in html and "clerk-ab" not in html


def test_a_user_of_another_site_is_a_404_on_every_user_page(admin_page, officer_b):
    assert admin_page.get(f"/accounts/users/{officer_b.pk}/").status_code == 404
    assert admin_page.post(f"/accounts/users/{officer_b.pk}/reset-password/").status_code == 404
    assert admin_page.post(f"/accounts/users/{officer_b.pk}/enrolment-code/").status_code == 404
    assert User.objects.get(pk=officer_b.pk).check_password(PASSWORD)


def test_the_user_pages_are_not_for_other_roles(clerk):
    page = sign_in(Client(), clerk)
    assert page.get("/accounts/users/").status_code == 404
    assert page.get("/accounts/users/new/").status_code == 404


def test_an_administrator_edits_a_user_on_the_page(admin_page, clerk, site_a):
    response = admin_page.post(
        f"/accounts/users/{clerk.pk}/", {"role": Role.FIELD_MONITOR, "sites": [site_a.pk], "is_active": "on"}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=clerk.pk).role_names == [Role.FIELD_MONITOR]


def test_the_page_refuses_a_change_to_ones_own_account(admin_page, admin_a, site_a):
    response = admin_page.post(
        f"/accounts/users/{admin_a.pk}/", {"role": Role.PROTECTION_OFFICER, "sites": [site_a.pk], "is_active": "on"}
    )
    assert response.status_code == 200
    assert "You cannot change your own account here" in response.content.decode()
    assert User.objects.get(pk=admin_a.pk).role_names == [Role.ADMINISTRATOR]


def test_the_page_refuses_a_site_the_administrator_does_not_work_in(admin_page, clerk, site_b):
    response = admin_page.post(
        f"/accounts/users/{clerk.pk}/", {"role": Role.REGISTRATION_CLERK, "sites": [site_b.pk], "is_active": "on"}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert list(User.objects.get(pk=clerk.pk).sites.values_list("code", flat=True)) == ["AAA"]


def test_creating_a_user_shows_the_password_and_enrolment_code_once(admin_page, site_a):
    response = admin_page.post(
        "/accounts/users/new/", {"username": "new-officer", "role": Role.PROTECTION_OFFICER, "sites": [site_a.pk]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    user = User.objects.get(username="new-officer")
    assert user.role_names == [Role.PROTECTION_OFFICER] and not user.is_superuser
    code = EnrolmentCode.objects.get(user=user)
    shown = [c for c in html.split('<code class="secret">')[1:]]
    password, enrolment = (s.split("</code>")[0] for s in shown)
    assert user.check_password(password)
    assert code.code_hash == EnrolmentCode.digest(enrolment)


def test_resetting_a_password_on_the_page_shows_it_once(admin_page, clerk):
    html = admin_page.post(f"/accounts/users/{clerk.pk}/reset-password/").content.decode()
    password = html.split('<code class="secret">')[1].split("</code>")[0]
    clerk.refresh_from_db()
    assert clerk.check_password(password)


PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@pytest.mark.parametrize("issue", ["created", "reset"])
def test_a_generated_password_opens_the_account_and_is_stored_at_full_cost_once_used(issue, admin_a, site_a, settings):
    """A generated password (120 random bits) is stored with a light Argon2id at first; the
    first log-in stores it again at the site's full cost. A chosen password never goes light."""
    from django.contrib.auth.hashers import get_hasher

    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    account = services.create_user(actor=admin_a, username="newclerk", role=Role.REGISTRATION_CLERK, sites=[site_a])
    password = account.password
    if issue == "reset":
        password = services.reset_password(actor=admin_a, user=account.user)
    user = User.objects.get(username="newclerk")
    assert user.password.startswith("argon2$argon2id$")
    assert not user.check_password(password[:-1])
    assert get_hasher().must_update(user.password)  # light until used
    assert user.check_password(password)
    user.refresh_from_db()
    assert user.check_password(password) and not get_hasher().must_update(user.password)

    chosen = services.create_user(
        actor=admin_a, username="chosen", role=Role.REGISTRATION_CLERK, sites=[site_a], password="a chosen phrase 7"
    )
    assert not get_hasher().must_update(User.objects.get(pk=chosen.user.pk).password)
