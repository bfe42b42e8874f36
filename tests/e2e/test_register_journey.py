"""A clerk registers households, and the form stops a duplicate before it is saved.

In English on a desktop and in Persian on a 360-pixel phone: a household of three goes straight
through and is found in the list; then Naseem Ghassem Pahlavan, whom the register already has
as Nasim Ghasem Pahlavan, is shown with her match field by field, nothing is saved,
and the clerk's "a different person" registers her and closes the pair. The duplicate-check
page's "register this household" carries what was typed into the form. Every page is checked
as `Journey.see` does (language, direction, phone width, axe-core) and kept as a screenshot.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import pgettext
from playwright.sync_api import expect
from tests.conftest import member
from tests.e2e.steps import ENGLISH_DESKTOP, PERSIAN_PHONE, Journey, menu

from asylon.accounts.roles import Role
from asylon.matching.models import CandidateStatus, DuplicateCandidate
from asylon.registry import services
from asylon.registry.models import Household, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[ENGLISH_DESKTOP, PERSIAN_PHONE], ids=lambda s: s.id)
def journey(request, browser, live_server, site_a, unit_a):
    name = request.node.originalname.removeprefix("test_")[:40].replace("_", "-")
    walk = Journey(browser=browser, base_url=live_server.url, setting=request.param, name=name, site=site_a)
    yield walk
    walk.close()


@pytest.fixture
def nasim(clerk, site_a, unit_a) -> Person:
    household = services.register_household(
        actor=clerk,
        site=site_a,
        unit=unit_a,
        members=[
            member(
                given_name="Nasim",
                fathers_name="Ghasem",
                family_name="Pahlavan",
                sex="F",
                date_of_birth=date(1977, 12, 3),
            )
        ],
    )
    return Person.objects.get(memberships__household=household)


def fill_member(page, index: int, relationship: str, given: str, sex: str, dob: str, family: str, father="") -> None:
    page.locator(f"#id_members-{index}-relationship").select_option(relationship)
    page.locator(f"#id_members-{index}-given_name").fill(given)
    page.locator(f"#id_members-{index}-fathers_name").fill(father)
    page.locator(f"#id_members-{index}-family_name").fill(family)
    page.locator(f"#id_members-{index}-sex").select_option(sex)
    page.locator(f"#id_members-{index}-date_of_birth").fill(dob)
    page.locator(f"#id_members-{index}-dob_precision").select_option("EXACT")


def row(section, header: str):
    """The row of a match's table whose header cell reads `header`."""
    return section.locator("tr").filter(has=section.page.get_by_role("rowheader", name=header, exact=True))


def test_register_household_of_three_and_find_it(journey, unit_a, nasim):
    t = journey.t
    page = journey.open_as(Role.REGISTRATION_CLERK)
    menu(page, t("Register a household")).click()
    journey.see(page, "form")
    page.locator("#id_unit").select_option(str(unit_a.pk))
    fill_member(page, 0, "PA", "Farhad", "M", "1971-04-02", "Karimzadeh")
    fill_member(page, 1, "SPOUSE", "Golnaz", "F", "1975-08-19", "Karimzadeh")
    fill_member(page, 2, "CHILD", "Yasaman", "F", "2005-12-30", "Karimzadeh")
    page.get_by_role("button", name=t("Register the household")).click()
    page.wait_for_url(re.compile(r"/households/AAA-H-\d+/$"))
    journey.see(page, "household")
    expect(page.get_by_role("cell", name=t("principal applicant"))).to_have_count(1)
    assert Person.objects.filter(family_name="Karimzadeh").count() == 3

    menu(page, t("Persons"), exact=True).click()
    page.get_by_label(t("Sex"), exact=True).select_option("F")
    page.get_by_role("button", name=t("Filter")).click()
    rows = page.locator("table.list tbody tr")
    expect(rows.filter(has_text="Golnaz")).to_have_count(1)
    expect(rows.filter(has_text="Yasaman")).to_have_count(1)
    expect(rows.filter(has_text="Farhad")).to_have_count(0)
    journey.see(page, "list")


def test_a_probable_duplicate_is_shown_before_anything_is_saved(journey, unit_a, nasim):
    t = journey.t
    page = journey.open_as(Role.REGISTRATION_CLERK)
    # The duplicate-check page first, then its "register this household" into the form.
    page.goto("/persons/duplicates/check/")
    page.get_by_label(t("Given name"), exact=True).fill("Naseem")
    page.get_by_label(t("Father's name"), exact=True).fill("Ghassem")
    page.get_by_label(t("Family name"), exact=True).fill("Pahlavan")
    page.get_by_label(t("Date of birth"), exact=True).fill("1977-12-03")
    page.get_by_label(t("Sex"), exact=True).select_option("F")
    page.get_by_role("button", name=t("Check")).click()
    journey.see(page, "check")
    expect(page.locator("section.match h2").first).to_contain_text(nasim.reference)
    page.get_by_role("button", name=t("Register this household")).click()
    journey.see(page, "carried")
    expect(page.locator("#id_members-0-given_name")).to_have_value("Naseem")
    expect(page.locator("#id_members-0-fathers_name")).to_have_value("Ghassem")
    expect(page.locator("#id_members-0-date_of_birth")).to_have_value("1977-12-03")
    page.locator("#id_unit").select_option(str(unit_a.pk))
    page.locator("#id_members-0-relationship").select_option("PA")
    page.locator("#id_members-0-dob_precision").select_option("EXACT")
    households = Household.objects.count()

    page.get_by_role("button", name=t("Register the household")).click()
    journey.see(page, "duplicate-shown")
    expect(page.locator("#duplicates-summary")).to_be_visible()
    match = page.locator("section.duplicates")
    expect(match.locator("h3")).to_contain_text(f"{nasim.reference} — Nasim Ghasem Pahlavan")
    born = row(match, t("Date of birth"))
    # In the reader's calendar and digits, both sides (1977-12-03 is 1356/09/12 in Solar Hijri).
    expect(born).to_contain_text(re.compile(f"({journey.n('1977')}|{journey.n('1356')}).*" * 2))
    given = row(match, t("Given name"))
    expect(given).to_contain_text("Naseem")
    expect(given).to_contain_text("Nasim")
    with translation.override(journey.lang):
        expect(given).to_contain_text(pgettext("agreement of two records", "same name, spelled differently"))
    assert Household.objects.count() == households  # nothing saved

    page.get_by_label(t("A different person: register, and remember the decision")).check()
    page.get_by_role("button", name=t("Register the household")).click()
    page.wait_for_url(re.compile(r"/households/AAA-H-\d+/$"))
    journey.see(page, "registered")
    naseem = Person.objects.get(given_name="Naseem")
    expect(page.locator("main")).to_contain_text(naseem.reference)
    pair = DuplicateCandidate.objects.get()
    assert pair.status == CandidateStatus.DIFFERENT and {pair.person_a, pair.person_b} == {naseem, nasim}
