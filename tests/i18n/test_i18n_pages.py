"""Pages in Persian and Arabic: direction, translated labels, the user's digits and calendar."""

from __future__ import annotations

from datetime import date

import pytest
from tests.conftest import member
from tests.signin import sign_in

from asylon.accounts.models import User
from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.registry import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(clerk, site_a, unit_a):
    return services.register_household(
        actor=clerk,
        site=site_a,
        unit=unit_a,
        arrival_date=date(2013, 3, 21),
        members=[
            member(given_name_original="داریوش", family_name_original="تهرانی‌فر", date_of_birth=date(2013, 3, 21)),
            member("SPOUSE", given_name="Parvaneh", sex="F", date_of_birth=date(1981, 8, 17)),
            member("CHILD", given_name="Sara", sex="F", date_of_birth=date(2010, 5, 5)),
        ],
    )


def prefer(user, **values):
    User.objects.filter(pk=user.pk).update(**values)


def test_person_list_in_persian_is_right_to_left_with_persian_digits(client, clerk, family):
    prefer(clerk, language="fa")
    html = sign_in(client, clerk).get("/persons/").content.decode()
    assert 'lang="fa" dir="rtl"' in html
    assert '<h1 id="page-h">افراد</h1>' in html
    assert "۳ نفر" in html  # the count, in Persian digits
    assert "۲۰۱۳/۰۳/۲۱" in html  # Gregorian by default, in Persian digits
    assert "2013-03-21" not in html


def test_solar_hijri_calendar_on_person_and_household_pages(client, clerk, family):
    prefer(clerk, language="fa", calendar="persian")
    sign_in(client, clerk)
    principal = family.memberships.get(relationship="PA").person
    html = client.get(f"/persons/{principal.reference}/").content.decode()
    assert "۱۳۹۲/۰۱/۰۱" in html  # born 2013-03-21
    assert "داریوش" in html and "Dariush" in html  # the name in both scripts
    html = client.get(f"/households/{family.reference}/").content.decode()
    assert "۱۳۹۲/۰۱/۰۱" in html and "۱۳۶۰/۰۵/۲۶" in html  # arrival; the spouse born 1981-08-17


def test_arabic_with_western_digits(client, clerk, family):
    prefer(clerk, language="ar", digits="latn")
    html = sign_in(client, clerk).get("/persons/").content.decode()
    assert 'lang="ar" dir="rtl"' in html
    assert '<h1 id="page-h">الأشخاص</h1>' in html
    assert "3 أشخاص" in html and "2013-03-21" in html


def test_arabic_indic_digits_by_default_in_arabic(client, clerk, family):
    prefer(clerk, language="ar")
    html = sign_in(client, clerk).get("/persons/").content.decode()
    assert "٣ أشخاص" in html and "٢٠١٣/٠٣/٢١" in html


def test_english_stays_left_to_right(client, clerk, family):
    html = sign_in(client, clerk).get("/persons/").content.decode()
    assert 'lang="en" dir="ltr"' in html and "3 persons" in html and "2013-03-21" in html


def test_the_language_switch_is_kept_on_the_user(client, clerk):
    sign_in(client, clerk)
    response = client.post("/i18n/setlang/", {"language": "fa", "next": "/persons/"})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.language == "fa"
    # Another device (no cookie) finds the user's language as soon as they are signed in.
    other = type(client)()
    html = sign_in(other, clerk).get("/persons/").content.decode()
    assert 'dir="rtl"' in html


def test_preferences_page_saves_and_is_audited(client, make_user):
    officer = make_user(Role.PROTECTION_OFFICER, username="po-prefs")
    sign_in(client, officer)
    assert client.get("/accounts/preferences/").status_code == 200
    response = client.post(
        "/accounts/preferences/", {"language": "fa", "digits": "arabext", "calendar": "persian"}, follow=True
    )
    officer.refresh_from_db()
    assert (officer.language, officer.digits, officer.calendar) == ("fa", "arabext", "persian")
    assert "تنظیمات شما ذخیره شد." in response.content.decode()
    event = AuditEvent.objects.filter(action="user.preferences_changed").latest("seq")
    assert event.changes["calendar"] == ["gregorian", "persian"]


def test_preferences_refuse_an_unknown_value(client, clerk):
    sign_in(client, clerk)
    response = client.post("/accounts/preferences/", {"language": "xx", "digits": "auto", "calendar": "gregorian"})
    assert response.status_code == 200
    clerk.refresh_from_db()
    assert clerk.language == ""
