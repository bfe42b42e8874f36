"""Tables of many columns on a 360-pixel phone, in Persian: each row stacked, each cell
under its column's name, nothing cut off nor scrolled sideways."""

from __future__ import annotations

from datetime import date

import pytest
from tests.conftest import member
from tests.e2e.steps import login

from asylon.accounts.models import User
from asylon.accounts.roles import Role
from asylon.registry import services
from asylon.registry.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "field-officer-with-a-very-long-username-indeed"


def _fits(page, path: str) -> list[str]:
    """The labels shown before the cells of the page's stacked tables; asserts that no table
    is wider than its wrapper."""
    page.goto(path)
    overflow = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1)"
        ".map(w => w.scrollWidth)"
    )
    page.screenshot(path=f"artifacts/fa-360-stacked{path.replace('/', '_')}.png", full_page=True)
    assert overflow == [], f"{path}: a table scrolls sideways ({overflow}px)"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    return page.evaluate(
        "[...document.querySelectorAll('table.stack-sm td[data-label]')]"
        ".filter(td => td.offsetParent)"
        ".map(td => getComputedStyle(td, '::before').content.replace(/^\"|\"$/g, ''))"
    )


def test_wide_tables_are_stacked_on_a_phone_in_persian(browser, live_server, make_user, clerk, site_a):
    admin = make_user(Role.ADMINISTRATOR, sites=[site_a], username="site-admin")
    make_user(Role.REGISTRATION_CLERK, sites=[site_a], username=LONG)
    services.register_household(
        actor=clerk,
        site=site_a,
        members=[member(given_name="Maryam", family_name="Karimi", sex="F", date_of_birth=date(1977, 12, 3))],
    )
    maryam = Person.objects.get(given_name="Maryam")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        login(page, "site-admin")
        User.objects.filter(pk=admin.pk).update(language="fa")
        labels = _fits(page, "/accounts/users/")
        assert {"نقش", "محل‌ها"} <= set(labels)  # role, sites: each cell under its column's name
        assert page.get_by_role("link", name=LONG).is_visible()
        User.objects.filter(pk=clerk.pk).update(language="fa")
        context.clear_cookies()
        login(page, clerk.username)
        query = "given_name=Maryam&family_name=Karimi&date_of_birth=1977-12-03&sex=F"
        labels = _fits(page, f"/persons/duplicates/check/?site={site_a.code}&{query}")
        assert {"ورودی جدید", "سابقهٔ موجود"} <= set(labels)  # the new entry, the existing record
        labels = _fits(page, f"/persons/{maryam.reference}/status/")
        assert "تاریخ اجرا" in labels  # the date a status took effect, under its column's name
        # On a desktop the table is a table again, and no date is broken over two lines.
        page.set_viewport_size({"width": 1024, "height": 740})
        page.goto(f"/persons/{maryam.reference}/status/")
        lines = page.evaluate(
            "[...document.querySelectorAll('#status-history td.date')].map(td => {"
            " const r = document.createRange(); r.selectNodeContents(td);"
            " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })"
        )
        assert lines and all(n == 1 for n in lines), lines
    finally:
        context.close()
