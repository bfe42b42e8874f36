"""The administrator's user pages in Persian on a 360-pixel phone: right to left, nothing
wider than the screen, touch targets 44 px high."""

from __future__ import annotations

import pytest
from tests.e2e.steps import login

from asylon.accounts.models import User
from asylon.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_user_pages_fit_a_360_pixel_phone_in_persian(browser, live_server, make_user, clerk, site_a):
    make_user(Role.ADMINISTRATOR, sites=[site_a], username="site-admin")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        login(page, "site-admin")
        User.objects.filter(username="site-admin").update(language="fa")
        for path in ("/accounts/users/", "/accounts/users/new/", f"/accounts/users/{clerk.pk}/"):
            page.goto(path)
            assert page.locator("html").get_attribute("dir") == "rtl"
            width = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=f"artifacts/fa-360{path.replace('/', '_')}.png", full_page=True)
            assert width <= 360, f"{path} is {width}px wide on a 360px screen"
            small = page.evaluate(
                "[...document.querySelectorAll('button, select, input:not([type=hidden])')]"
                ".filter(e => e.offsetParent && e.getBoundingClientRect().height < 44).map(e => e.name)"
            )
            assert small == [], f"touch targets lower than 44px on {path}: {small}"
    finally:
        context.close()
