"""The main pages in Persian on a 360-pixel phone: the page never scrolls sideways (a wide
table scrolls inside its own box), links in tables and the menu are 44 px touch targets,
and the protection officer's menu shows its groups, not nineteen links."""

from __future__ import annotations

import pytest
from tests.e2e.steps import WIDEST, login, tr

from asylon.accounts.models import User
from asylon.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "clerk": ["/persons/", "/households/new/", "/imports/", "/persons/duplicates/"],
    "protection": ["/incidents/", "/movements/", "/persons/", "/audit/"],
    "resettlement": ["/resettlement/", "/resettlement/dashboard/"],
}
SMALL_TARGETS = """[...document.querySelectorAll('main table a, main table input, nav.menu summary, nav.menu a')]
  .filter(e => e.offsetParent && e.getBoundingClientRect().height < 44)
  .map(e => e.textContent.trim() || e.name)"""


def fits(page, path: str) -> None:
    page.goto(path)
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path=f"artifacts/fa-360{path.replace('/', '_')}.png", full_page=True)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"{path} is {width}px wide on a 360px screen: {page.evaluate(WIDEST)}"
    assert page.evaluate(SMALL_TARGETS) == [], f"touch targets lower than 44px on {path}"


@pytest.mark.parametrize("username", list(PAGES))
def test_main_pages_fit_a_360_pixel_phone_in_persian(browser, live_server, make_user, household, site_a, username):
    if username != "clerk":
        role = Role.PROTECTION_OFFICER if username == "protection" else Role.RESETTLEMENT_OFFICER
        make_user(role, sites=[site_a], username=username)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        login(page, username)
        User.objects.filter(username=username).update(language="fa")
        for path in PAGES[username]:
            fits(page, path)
    finally:
        context.close()


def test_the_protection_officers_menu_is_a_few_groups_that_open_from_the_keyboard(
    browser, live_server, make_user, site_a
):
    make_user(Role.PROTECTION_OFFICER, sites=[site_a], username="protection")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        login(page, "protection")
        User.objects.filter(username="protection").update(language="fa")
        page.goto("/persons/")
        menu = page.locator("nav.menu")
        groups = menu.locator("summary").all_inner_texts()
        assert groups == [
            tr("fa", g) for g in ("Register", "Protection", "Legal status", "Resettlement", "Reports", "Administration")
        ]
        height = menu.bounding_box()["height"]
        assert height <= 740 / 4, f"the closed menu is {height}px high"
        incidents = menu.get_by_role("link", name=tr("fa", "Incidents"), exact=True)
        assert not incidents.is_visible()
        menu.locator("summary", has_text=tr("fa", "Protection")).focus()
        page.keyboard.press("Enter")
        assert incidents.is_visible()
        incidents.click()
        page.wait_for_url("**/incidents/")
    finally:
        context.close()
