"""Dates typed and shown in the user's calendar and digits, on every page form."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date

import pytest
from django import forms
from tests.signin import sign_in

import asylon
from asylon.accounts.models import User
from asylon.core import i18n
from asylon.core.forms import LocalDateField
from asylon.registry.models import Person

pytestmark = pytest.mark.django_db


def prefer(user, **values):
    User.objects.filter(pk=user.pk).update(**values)


def correction(person: Person, **changes) -> dict:
    data = {
        "given_name": person.given_name,
        "fathers_name": person.fathers_name,
        "family_name": person.family_name,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "dob_precision": person.dob_precision,
        "nationality": person.nationality.code or "",
        "country_of_origin": person.country_of_origin.code or "",
        "unit": person.unit_id or "",
        "reason": "Date of birth from the identity card",
    }
    return data | changes


def date_input(html: str, name: str) -> dict[str, str]:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag, f"no input {name}"
    return dict(re.findall(r'([a-z-]+)="([^"]*)"', tag.group(0)))


def test_a_solar_hijri_user_types_a_persian_date_and_reads_it_back(client, clerk, household):
    prefer(clerk, language="fa", calendar="persian", digits="arabext")
    sign_in(client, clerk)
    person = Person.objects.get(reference="AAA-000001")
    url = f"/persons/{person.reference}/correct/"

    response = client.post(url, correction(person, date_of_birth="۱۴۰۳/۰۱/۱۵"))

    assert response.status_code == 302, response.content.decode()[-2000:]
    person.refresh_from_db()
    assert person.date_of_birth == date(2024, 4, 3)
    shown = date_input(client.get(url).content.decode(), "date_of_birth")
    assert shown["value"] == "۱۴۰۳/۰۱/۱۵"
    assert shown["type"] == "text"  # no browser's date picker knows Solar Hijri


def test_a_gregorian_user_with_western_digits_keeps_the_browser_date_picker(client, clerk, household):
    sign_in(client, clerk)
    shown = date_input(client.get("/persons/AAA-000001/correct/").content.decode(), "date_of_birth")
    assert shown == shown | {"type": "date", "value": "1980-03-01"}


def test_a_wrong_date_names_the_field_and_the_expected_form(client, clerk, household):
    prefer(clerk, language="en", calendar="persian", digits="latn")
    sign_in(client, clerk)
    person = Person.objects.get(reference="AAA-000001")
    response = client.post(f"/persons/{person.reference}/correct/", correction(person, date_of_birth="15/01/1403"))
    assert response.status_code == 200
    assert "Date of birth: Enter a Solar Hijri date as year/month/day, e.g. 14" in response.content.decode()
    person.refresh_from_db()
    assert person.date_of_birth == date(1980, 3, 1)


@pytest.mark.parametrize(
    ("calendar", "typed", "read"),
    [
        ("persian", "۱۴۰۳/۰۱/۱۵", date(2024, 4, 3)),
        ("persian", "١٤٠٣-١-١٥", date(2024, 4, 3)),  # Arabic-Indic digits, no leading zero
        ("persian", "\u200f1403.01.15", date(2024, 4, 3)),  # a right-to-left mark pasted along
        ("persian", "2024-04-03", date(2024, 4, 3)),  # a Gregorian year is no Solar Hijri one
        ("persian", "1403/12/30", date(2025, 3, 20)),  # the leap day of 1403
        ("gregorian", "٢٠٢٤/٠٤/٠٣", date(2024, 4, 3)),
        ("gregorian", "2024-04-03", date(2024, 4, 3)),
    ],
    ids=["persian-digits", "arabic-digits", "rtl-mark", "gregorian-year", "leap-day", "gregorian-arabic", "iso"],
)
def test_typed_dates(calendar, typed, read):
    token = i18n.activate(i18n.Preferences(calendar=calendar))
    try:
        assert LocalDateField(label="Date").clean(typed) == read
    finally:
        i18n.deactivate(token)


@pytest.mark.parametrize(
    ("calendar", "typed"),
    [
        ("persian", "1402/12/30"),
        ("persian", "1403/07/31"),
        ("persian", "03/01/15"),
        ("gregorian", "04/03/2024"),
        ("gregorian", "2024-02-30"),
    ],
    ids=["not-leap", "month-of-30", "short-year", "month-first", "no-such-day"],
)
def test_impossible_dates_are_refused(calendar, typed):
    token = i18n.activate(i18n.Preferences(calendar=calendar))
    try:
        with pytest.raises(forms.ValidationError, match="Enter a (Solar Hijri )?date as year"):
            LocalDateField(label="Due").clean(typed)
    finally:
        i18n.deactivate(token)


def _page_forms():
    for module in pkgutil.walk_packages(asylon.__path__, "asylon."):
        if module.name.endswith(".forms"):
            for _name, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.name:
                    yield cls


def test_every_page_form_date_is_in_the_users_calendar():
    plain = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _page_forms()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField) and not isinstance(field, LocalDateField)
    ]
    assert plain == []
    assert any(isinstance(f, LocalDateField) for cls in _page_forms() for f in cls.base_fields.values())


def test_the_status_page_is_asked_for_a_day_in_the_users_calendar(client, clerk, household):
    prefer(clerk, language="fa", calendar="persian", digits="arabext")
    sign_in(client, clerk)
    html = client.get("/persons/AAA-000001/status/", {"on": "۱۳۹۱/۰۱/۰۱"}).content.decode()
    assert date_input(html, "on")["value"] == "۱۳۹۱/۰۱/۰۱"
    assert "on-error" not in html
    refused = client.get("/persons/AAA-000001/status/", {"on": "1391/13/01"}).content.decode()
    assert 'id="on-error"' in refused and "۱۴۰۵/۰۹/" not in date_input(refused, "on")["value"]
