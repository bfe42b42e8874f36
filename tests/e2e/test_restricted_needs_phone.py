"""A registration clerk reading a survivor's page in Persian on a phone: the medical need is
there, the violence need is not named anywhere on the page, and the page fits the screen."""

from __future__ import annotations

import pytest
from tests.conftest import member
from tests.e2e.steps import login, tr

from asylon.accounts.models import User
from asylon.registry import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_reads_the_survivors_page_without_the_violence_need(browser, live_server, clerk, site_a, unit_a):
    household = services.register_household(
        actor=clerk,
        site=site_a,
        unit=unit_a,
        members=[member(given_name="Golnar", sex="F", specific_needs=["SV", "SM-CI"])],
    )
    person = household.memberships.get().person
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        login(page, "clerk")
        User.objects.filter(username="clerk").update(language="fa")
        page.goto(f"/persons/{person.reference}/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        text = page.locator("main").inner_text()
        assert f"SM-CI {tr('fa', 'Chronic illness')}" in text  # the label in Persian, not UNHCR's English
        assert "Chronic illness" not in text
        for hidden in ("SV", tr("fa", "Sexual and gender-based violence"), "Sexual and gender-based violence"):
            assert hidden not in text
        page.screenshot(path="artifacts/fa-360-person-restricted-need.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
