"""The duplicate check at registration shows dates and sex as the rest of the site does."""

from __future__ import annotations

import re
from datetime import date

import pytest
from tests.conftest import member
from tests.signin import sign_in

from asylon.accounts.models import User
from asylon.registry import services

pytestmark = pytest.mark.django_db

QUERY = {"given_name": "Maryam", "family_name": "Karimi", "date_of_birth": "1977-12-03", "sex": "F"}


@pytest.fixture
def maryam(clerk, site_a):
    services.register_household(
        actor=clerk,
        site=site_a,
        members=[member(given_name="Maryam", family_name="Karimi", sex="F", date_of_birth=date(1977, 12, 3))],
    )


def _check(client, clerk, site_a, **preferences) -> str:
    User.objects.filter(pk=clerk.pk).update(**preferences)
    response = sign_in(client, clerk).get("/persons/duplicates/check/", QUERY | {"site": site_a.code})
    return response.content.decode()


def test_in_persian_the_date_is_in_the_users_calendar_and_digits_and_sex_is_a_word(client, clerk, site_a, maryam):
    html = _check(client, clerk, site_a, language="fa", calendar="persian")
    assert "۱۳۵۶/۰۹/۱۲" in html  # 1977-12-03 in the Solar Hijri calendar, Persian digits
    assert html.count(">زن</td>") == 2  # female, for the new entry and the existing record
    assert "(1977, 12, 3)" not in html and ">f</td>" not in html
    # The probability as a percentage in Persian digits and separators, never "1.00".
    assert re.search("به احتمال [۰-۹]{1,3}(٫[۰-۹])?٪ همان شخص است", html)
    assert "۱.۰۰" not in html and "probability" not in html


def test_in_english_the_date_is_iso_and_sex_is_a_word(client, clerk, site_a, maryam):
    html = _check(client, clerk, site_a, language="en")
    assert re.search(r'<td dir="auto"[^>]*>1977-12-03</td>', html) and html.count(">female</td>") == 2
    assert "(1977, 12, 3)" not in html


def test_a_percentage_is_whole_and_never_rounded_up_to_a_certainty(settings):
    from django.utils import translation

    from asylon.core.i18n import format_percent

    with translation.override("fa"):
        assert format_percent(0.9994) == "۹۹٫۹٪"
        assert format_percent(1.0) == "۱۰۰٪"
        assert format_percent(0.874) == "۸۷٪"
    with translation.override("en"):
        assert format_percent(0.874) == "87%"
        assert format_percent(0.9999) == "99.9%"
