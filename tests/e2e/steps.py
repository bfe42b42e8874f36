"""Steps the browser journeys share."""

from __future__ import annotations

from tests.signin import current_code, totp_device


def login(page, username: str, password: str = "correct horse battery staple") -> None:
    """Log in as a person would, typing the authenticator's code when the role needs one."""
    from asylon.accounts.models import User
    from asylon.accounts.twofactor import needs_second_factor

    user = User.objects.get(username=username)
    device = totp_device(user) if needs_second_factor(user) else None
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if device is not None:
        page.wait_for_url("**/accounts/two-factor/**")
        page.get_by_label("Code from your authenticator app").fill(current_code(device))
        page.get_by_role("button", name="Verify").click()
        page.wait_for_load_state()
