"""The partner journey: the administrator records a resettlement country's
delegation, its agreement and links its partner account, on pages, in English on a desktop;
the partner, in Persian on a 360-pixel phone, reads a refusal page in Persian for a person
not shared with it (D3, 404) and for a page that asks more than the agreement covers (403),
never a server error."""

from __future__ import annotations

from datetime import date

import pytest
from tests.conftest import member
from tests.e2e.steps import SCREENSHOTS, login, tr

from asylon.accounts.models import User
from asylon.accounts.roles import Role
from asylon.accounts.services import create_user
from asylon.registry import services as registry
from asylon.sharing import services as sharing_services
from asylon.sharing.models import Recipient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def _account(username: str, role: str, site) -> User:
    return create_user(actor=None, username=username, role=role, sites=[site], password=PASSWORD).user


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"partner-{name}.png"), full_page=True)


def _form(page, what: str):
    return page.locator(f"form:has(input[name=what][value={what}])")


def test_the_administrator_links_a_delegation_and_the_partner_reads_refusals_in_persian(
    browser, live_server, clerk, site_a, unit_a
):
    _account("admin", Role.ADMINISTRATOR, site_a)
    partner = _account("delegation", Role.PARTNER, site_a)
    rso = _account("rso", Role.RESETTLEMENT_OFFICER, site_a)
    household = registry.register_household(
        actor=clerk,
        site=site_a,
        unit=unit_a,
        arrival_date=date(2012, 2, 18),
        members=[member(given_name="Shahin"), member("SPOUSE", given_name="Parvaneh", sex="F")],
    )
    shared, hidden = [m.person for m in household.memberships.order_by("pk")]

    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    try:
        login(page, "admin")
        page.goto("/movements/recipients/")
        form = _form(page, "recipient")
        form.locator("[name=name]").fill("Albania delegation")
        form.locator("[name=kind]").select_option("RESETTLEMENT_COUNTRY")
        form.locator("[name=country]").select_option("AL")
        form.get_by_role("button").click()
        page.wait_for_load_state()
        form = _form(page, "agreement")
        form.locator("[name=recipient]").select_option(label="Albania delegation")
        form.locator("[name=reference]").fill("AGR-AL-1")
        form.locator("[name=purpose]").fill("resettlement case processing")
        form.locator("[name=field_list]").fill("reference, full_name, sex, date_of_birth")
        form.locator("[name=valid_from]").fill("2012-01-01")
        form.get_by_role("button").click()
        page.wait_for_load_state()
        form = _form(page, "link")
        form.locator("[name=recipient]").select_option(label="Albania delegation")
        form.locator("[name=user]").select_option(label="delegation")
        form.get_by_role("button").click()
        page.wait_for_load_state()
        _shot(page, "admin-en-desktop")
        row = page.locator("tr", has_text="Albania delegation")
        assert "AGR-AL-1" in row.inner_text() and "delegation" in row.inner_text()
    finally:
        desk.close()
    delegation = Recipient.objects.get(name="Albania delegation")
    assert list(delegation.users.all()) == [partner]
    sharing_services.grant_sharing(
        actor=rso, recipient=delegation, persons=[shared], reason="Submission AL-1", source="e2e"
    )

    User.objects.filter(pk=partner.pk).update(language="fa")
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = phone.new_page()
    try:
        login(page, "delegation")
        response = page.goto(f"/persons/{hidden.reference}/")
        assert response is not None and response.status == 404
        assert page.locator("html").get_attribute("dir") == "rtl"
        text = page.locator("main").inner_text()
        assert tr("fa", "Not found") in text and "D3" in text and "Parvaneh" not in text
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        _shot(page, "fa-360-not-shared")

        response = page.goto(f"/persons/{shared.reference}/")
        assert response is not None and response.status == 403
        text = page.locator("main").inner_text()
        assert tr("fa", "Refused") in text and "D3" in text and "Shahin" not in text
        assert tr("fa", "Back to your start page") in text
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        _shot(page, "fa-360-refused")
    finally:
        phone.close()

    # The same pages the other way round: the administrator in Persian on the phone, the
    # partner in English on a desktop.
    User.objects.filter(username="admin").update(language="fa")
    User.objects.filter(pk=partner.pk).update(language="en")
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = phone.new_page()
    try:
        login(page, "admin")
        page.goto("/movements/recipients/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.get_by_role("heading", name=tr("fa", "Link a partner account to its recipient")).is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        _shot(page, "admin-fa-360")
    finally:
        phone.close()
    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    try:
        login(page, "delegation")
        response = page.goto(f"/persons/{shared.reference}/")
        assert response is not None and response.status == 403
        text = page.locator("main").inner_text()
        assert "Refused" in text and "Rule D3" in text and "Nothing was shown or released" in text
        _shot(page, "en-desktop-refused")
    finally:
        desk.close()
