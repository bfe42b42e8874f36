"""A clerk logs in, registers a household of three, and finds it in the list."""

from __future__ import annotations

import pytest
from tests.e2e.steps import login

from asylon.registry.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_member(page, index: int, relationship: str, given: str, sex: str, dob: str) -> None:
    page.locator(f"#id_members-{index}-relationship").select_option(relationship)
    page.locator(f"#id_members-{index}-given_name").fill(given)
    page.locator(f"#id_members-{index}-family_name").fill("Karimzadeh")
    page.locator(f"#id_members-{index}-sex").select_option(sex)
    page.locator(f"#id_members-{index}-date_of_birth").fill(dob)


def test_register_household_of_three_and_find_it(page, clerk, unit_a):
    login(page, "clerk")
    page.get_by_role("link", name="Register a household").click()
    page.locator("#id_unit").select_option(str(unit_a.pk))
    fill_member(page, 0, "PA", "Farhad", "M", "1971-04-02")
    fill_member(page, 1, "SPOUSE", "Golnaz", "F", "1975-08-19")
    fill_member(page, 2, "CHILD", "Yasaman", "F", "2005-12-30")
    page.get_by_role("button", name="Register the household").click()
    page.wait_for_url("**/households/AAA-H-*/")
    assert page.get_by_role("cell", name="principal applicant").count() == 1
    assert Person.objects.filter(family_name="Karimzadeh").count() == 3

    page.get_by_role("link", name="Persons").click()
    page.get_by_label("Sex").select_option("F")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.list tbody tr")
    assert rows.filter(has_text="Golnaz").count() == 1
    assert rows.filter(has_text="Yasaman").count() == 1
    assert rows.filter(has_text="Farhad").count() == 0
    page.screenshot(path="artifacts/register-journey.png", full_page=True)
