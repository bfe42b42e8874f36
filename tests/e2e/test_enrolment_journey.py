"""Issue 18 in the browser: an administrator creates a protection officer, who logs in with
the password and the enrolment code handed over, scans the secret and reaches the register.
Also proves the e2e sign-in helper (`steps.login`) still works for a second-factor role."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.e2e.steps import login
from tests.signin import current_code

from asylon.accounts.models import User
from asylon.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_created_by_an_administrator_enrols_with_the_code(page, make_user, site_a):
    make_user(Role.ADMINISTRATOR, sites=[site_a], username="site-admin")
    login(page, "site-admin")
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Create a user").click()
    page.get_by_label("Username").fill("new-officer")
    page.get_by_label("Role").select_option(Role.PROTECTION_OFFICER.value)
    page.get_by_label("AAA").check()
    page.get_by_role("button", name="Create").click()
    password, code = page.locator("code.secret").all_inner_texts()
    page.get_by_role("button", name="Log out").click()

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("new-officer")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/two-factor/enrol/**")
    assert page.locator("img.qr").count() == 0  # no secret before the code
    page.get_by_label("Enrolment code from your administrator").fill(code)
    page.get_by_role("button", name="Continue").click()
    assert page.locator("img.qr").count() == 1
    device = TOTPDevice.objects.get(user=User.objects.get(username="new-officer"), confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(current_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/work/")  # enrolled, the officer lands on their work
    device.refresh_from_db()
    assert device.confirmed


def test_the_sign_in_helper_still_passes_the_second_factor(page, make_user, site_a):
    make_user(Role.PROTECTION_OFFICER, sites=[site_a], username="officer")
    login(page, "officer")
    page.goto("/persons/")
    assert "/accounts/two-factor/" not in page.url
