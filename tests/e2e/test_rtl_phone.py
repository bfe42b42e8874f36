"""Persian on a 360-pixel phone: right to left, and nothing wider than the screen."""

from __future__ import annotations

import pytest
from tests.e2e.steps import login

from asylon.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/persons/", "/households/new/", "/accounts/preferences/"]


def test_persian_pages_fit_a_360_pixel_phone(browser, live_server, household):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        login(page, "clerk")
        User.objects.filter(username="clerk").update(language="fa")
        for path in PAGES:
            page.goto(path)
            assert page.locator("html").get_attribute("dir") == "rtl"
            width = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=f"artifacts/fa-360{path.replace('/', '_')}.png", full_page=True)
            assert width <= 360, f"{path} is {width}px wide on a 360px screen"
        # The person list scrolls its table inside its own box, not the page.
        page.goto("/persons/")
        assert page.get_by_role("heading", name="افراد").is_visible()
        small = page.evaluate(
            "[...document.querySelectorAll('button, select, input:not([type=hidden])')]"
            ".filter(e => e.offsetParent && e.getBoundingClientRect().height < 44).length"
        )
        assert small == 0, "touch targets lower than 44px"
    finally:
        context.close()
