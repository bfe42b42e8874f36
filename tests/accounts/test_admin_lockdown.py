"""Issue 18, critical: the Django admin is a read-only window for superusers made on the
command line. An administrator (is_staff, role `administrator`) cannot reach it, and
nothing, for a superuser either, changes through it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from tests.signin import sign_in

from asylon.accounts.admin_site import ReadOnlyMixin
from asylon.accounts.models import User
from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent

PASSWORD = "correct horse battery staple"


@pytest.fixture
def administrator(make_user, site_a):
    user = make_user(Role.ADMINISTRATOR, username="site-admin")
    user.is_staff = True  # as the demo and older installs made them
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def superuser(db, site_a):
    user = User.objects.create_superuser("root", password=PASSWORD)  # what `asylon createsuperuser` does
    user.sites.add(site_a)
    return user


def test_an_administrator_is_sent_to_log_in_from_every_admin_page(client, administrator):
    client.force_login(administrator)
    for url in ("/admin/", f"/admin/accounts/user/{administrator.pk}/change/", "/admin/accounts/user/add/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_an_administrator_cannot_make_themselves_superuser_or_take_a_role_and_a_site(client, administrator, site_b):
    client.force_login(administrator)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/admin/accounts/user/{administrator.pk}/change/",
        {
            "username": administrator.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=Role.PROTECTION_OFFICER).pk],
            "sites": [site_b.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert administrator.role_names == [Role.ADMINISTRATOR]
    assert list(administrator.sites.values_list("code", flat=True)) == ["AAA"]
    assert AuditEvent.objects.count() == before


def test_an_administrator_cannot_reset_a_password_through_the_admin(client, administrator, clerk):
    client.force_login(administrator)
    response = client.post(
        f"/admin/accounts/user/{clerk.pk}/password/",
        {"password1": "a new secret for you 42", "password2": "a new secret for you 42"},
    )
    assert response.status_code in (302, 404)
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_the_admin_is_read_only_for_a_superuser(client, superuser, clerk, site_a):
    sign_in(client, superuser)
    assert client.get("/admin/").status_code == 200
    page = client.get(f"/admin/accounts/user/{clerk.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/accounts/user/{clerk.pk}/change/", {"username": "renamed"}).status_code == 403
    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.post(f"/admin/accounts/user/{clerk.pk}/delete/", {"post": "yes"}).status_code == 403
    # No password page: the URL falls to the admin's "see the change page" redirect.
    reset = {"password1": "a new secret for you 42", "password2": "a new secret for you 42"}
    assert client.post(f"/admin/accounts/user/{clerk.pk}/password/", reset).status_code in (302, 403, 404)
    assert (
        client.post(f"/admin/registry/site/{site_a.pk}/change/", {"code": "AAA", "name": "Renamed"}).status_code == 403
    )
    clerk.refresh_from_db()
    site_a.refresh_from_db()
    assert clerk.username == "clerk" and clerk.check_password(PASSWORD)
    assert site_a.name == "Site A"


def test_the_admin_offers_nobody_a_password_change(client, superuser):
    sign_in(client, superuser)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": "another long secret 9", "new_password2": "another long secret 9"},
    )
    assert response.status_code == 404
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)


def test_every_model_admin_is_read_only(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert admin.site._registry, "nothing registered"
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ReadOnlyMixin), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


def test_no_admin_page_shows_a_second_factor_secret(client, superuser, protection_officer):
    from tests.signin import totp_device

    device = totp_device(protection_officer)
    sign_in(client, superuser)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 404
    assert device.key not in client.get("/admin/").content.decode()


def test_an_inactive_superuser_is_refused(superuser):
    superuser.is_active = False
    superuser.save(update_fields=["is_active"])
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert not admin.site.has_permission(request)
    assert Client().get("/admin/").status_code == 302
