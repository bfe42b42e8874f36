"""Phones fail during a roll call: a monitor prints the block's sheet from the roll call page,
counts on paper, then enters two rows; the page shows what it will record and asks first."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from tests.e2e.steps import login

from asylon.accounts.roles import Role
from asylon.accounts.services import create_user
from asylon.incidents import rollcall
from asylon.incidents.models import RollCallEntry
from asylon.registry import services as registry
from asylon.registry.models import Location, Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def test_a_monitor_prints_a_sheet_then_enters_two_rows(browser, live_server):
    site = Site.objects.create(code="SHX", name="Sheet camp", host_country="IQ", designation="TTL")
    officer = create_user(actor=None, username="officer", role=Role.PROTECTION_OFFICER, sites=[site], password=PASSWORD)
    create_user(actor=None, username="clerk", role=Role.REGISTRATION_CLERK, sites=[site], password=PASSWORD)
    create_user(actor=None, username="mon", role=Role.FIELD_MONITOR, sites=[site], password=PASSWORD)
    block = Location.objects.create(site=site, kind="BLOCK", name="Block S")
    unit = Location.objects.create(site=site, kind="UNIT", name="S1", parent=block)
    from asylon.accounts.models import User

    clerk = User.objects.get(username="clerk")
    for name in ("Arash", "Bahar", "Cyrus"):
        registry.register_household(
            actor=clerk,
            site=site,
            unit=unit,
            members=[
                {
                    "relationship": "PA",
                    "given_name": name,
                    "family_name": "Sheetfamily",
                    "sex": "M",
                    "date_of_birth": date(1990, 1, 1),
                }
            ],
        )
    rc = rollcall.start_roll_call(actor=officer.user, site=site)

    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    login(page, "mon")
    page.goto(f"/incidents/roll-calls/{rc.pk}/")
    page.get_by_role("link", name="Print sheets").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Print the sheet (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="Enter a filled sheet").click()
    page.get_by_label("Counted by (as written on the sheet)").fill("Nasrin")
    page.get_by_label("Counted at (as written on the sheet)").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Arash Sheetfamily").select_option("ACCOUNTED_SAFE")
    page.get_by_label("Bahar Sheetfamily").select_option("MISSING")
    page.get_by_role("button", name="Check what will be recorded").click()
    summary = page.locator("#confirm-summary")
    assert "2 rows" in summary.inner_text() and "Bahar Sheetfamily" in summary.inner_text()
    assert not RollCallEntry.objects.filter(roll_call=rc).exclude(result="NOT_YET_CHECKED").exists()
    page.get_by_role("button", name="Record 2 marks").click()
    page.wait_for_url(f"**/incidents/roll-calls/{rc.pk}/")
    marks = dict(RollCallEntry.objects.filter(roll_call=rc).values_list("person__given_name", "result"))
    assert marks == {"Arash": "ACCOUNTED_SAFE", "Bahar": "MISSING", "Cyrus": "NOT_YET_CHECKED"}
    context.close()
