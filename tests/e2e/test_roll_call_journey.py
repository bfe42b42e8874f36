"""A roll call after an attack: two monitors mark at once, the live count follows, closing
updates presences; a third monitor loses the network, marks ten residents, and all ten
arrive when it returns."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from tests.e2e.steps import login

from asylon.accounts.roles import Role
from asylon.accounts.services import create_user
from asylon.incidents.models import RollCall, RollCallEntry
from asylon.registry import services as registry
from asylon.registry.models import Location, Person, Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
NAMES = ["Arash", "Bahar", "Cyrus", "Darya", "Esfand", "Fereshteh", "Golshan", "Hamid", "Iraj", "Jaleh"]


@pytest.fixture
def camp(db):
    site = Site.objects.create(code="RCX", name="Roll-call camp", host_country="IQ", designation="TTL")
    users = {
        name: create_user(actor=None, username=name, role=role, sites=[site], password=PASSWORD)[0]
        for name, role in [
            ("officer", Role.PROTECTION_OFFICER),
            ("clerk", Role.REGISTRATION_CLERK),
            ("mon1", Role.FIELD_MONITOR),
            ("mon2", Role.FIELD_MONITOR),
            ("mon3", Role.FIELD_MONITOR),
        ]
    }
    block = Location.objects.create(site=site, kind="BLOCK", name="Block A")
    units = [Location.objects.create(site=site, kind="UNIT", name=f"U{i}", parent=block) for i in range(4)]
    for i in range(40):
        registry.register_household(
            actor=users["clerk"],
            site=site,
            unit=units[i % 4],
            members=[
                {
                    "relationship": "PA",
                    "given_name": f"{NAMES[i % 10]}{i:02d}",
                    "family_name": "Testfamily",
                    "sex": "F" if i % 2 else "M",
                    "date_of_birth": date(1990, 1, 1),
                }
            ],
        )
    return site, users


def monitor_page(browser, live_server, user, rc_pk):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, user)
    page.goto(f"/incidents/roll-calls/{rc_pk}/")
    page.locator("#rc-list li.rc-person").first.wait_for()
    return context, page


def mark(page, query: str, result_label: str) -> None:
    page.locator("#rc-search").fill(query)
    row = page.locator("#rc-list li.rc-person").filter(has_text=query)
    row.get_by_role("button", name=result_label, exact=True).click()


def test_roll_call_with_two_monitors_and_one_offline(browser, live_server, camp):
    site, users = camp
    officer_ctx = browser.new_context(base_url=live_server.url)
    officer = officer_ctx.new_page()
    login(officer, "officer")
    officer.goto("/incidents/roll-calls/new/")
    officer.get_by_label("Site", exact=True).select_option(str(site.pk))
    officer.get_by_role("button", name="Start the roll call").click()
    officer.wait_for_url("**/incidents/roll-calls/*/")
    rc = RollCall.objects.get()
    assert rc.entries.count() == 40

    ctx1, mon1 = monitor_page(browser, live_server, "mon1", rc.pk)
    ctx2, mon2 = monitor_page(browser, live_server, "mon2", rc.pk)
    # Two monitors at once: mon1 by search, mon2 down a unit's list.
    for i in range(0, 10):
        mark(mon1, f"{NAMES[i % 10]}{i:02d}", "safe")
    mon2.locator("#rc-unit").select_option("Block A / U1")
    for i in (1, 5, 9, 13):
        mark(mon2, f"{NAMES[i % 10]}{i:02d}", "injured" if i == 13 else "safe")
    mark(mon2, "Bahar21", "dead")
    mark(mon2, "Fereshteh25", "missing")
    for p in (mon1, mon2):
        expect(p.locator("#pending")).to_have_attribute("data-count", "0")
    # 10 + 4 (one of them, 13, not among mon1's) - overlap(1, 5, 9) + 2 = 13 marked; missing is unaccounted.
    marked = RollCallEntry.objects.filter(roll_call=rc).exclude(result="NOT_YET_CHECKED").count()
    assert marked == 13
    # The live count on the officer's page follows without a reload.
    expect(officer.locator("#count-accounted")).to_have_text("12", timeout=15000)
    assert officer.locator("#count-unaccounted").text_content() == "28"

    # A third monitor loses the network, marks ten residents, and comes back.
    ctx3, mon3 = monitor_page(browser, live_server, "mon3", rc.pk)
    expect(mon3.locator("#rollcall")).to_have_attribute("data-offline-ready", "1", timeout=10000)
    ctx3.set_offline(True)
    offline_ids = list(range(26, 36))
    for i in offline_ids:
        mark(mon3, f"{NAMES[i % 10]}{i:02d}", "safe")
    expect(mon3.locator("#pending")).to_have_attribute("data-count", "10")
    assert (
        RollCallEntry.objects.filter(roll_call=rc, person__given_name="Golshan26", result="ACCOUNTED_SAFE").count() == 0
    )
    # With the network gone, the page still loads from the service worker's cache.
    mon3.reload()
    mon3.locator("#rc-list li.rc-person").first.wait_for()
    expect(mon3.locator("#pending")).to_have_attribute("data-count", "10")
    ctx3.set_offline(False)
    expect(mon3.locator("#pending")).to_have_attribute("data-count", "0", timeout=15000)
    arrived = RollCallEntry.objects.filter(
        roll_call=rc, person__given_name__in=[f"{NAMES[i % 10]}{i:02d}" for i in offline_ids], result="ACCOUNTED_SAFE"
    )
    assert arrived.count() == 10

    officer.reload()
    officer.get_by_role("button", name="Close the roll call and produce its report").click()
    officer.wait_for_url("**/report/")
    assert officer.locator("#report-unaccounted").text_content() == "18"
    assert Person.objects.get(given_name="Bahar21").presence == "DECEASED"
    assert Person.objects.get(given_name="Fereshteh25").presence == "MISSING"
    assert Person.objects.get(given_name="Arash00").presence == "PRESENT"
    officer.screenshot(path="artifacts/roll-call-report.png", full_page=True)
    for ctx in (ctx1, ctx2, ctx3, officer_ctx):
        ctx.close()
