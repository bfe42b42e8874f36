"""Roll-call tallies and the figures of the resettlement dashboard in the user's digits."""

from __future__ import annotations

import pytest
from tests.incidents.conftest import register_residents
from tests.signin import sign_in

from asylon.accounts.models import User
from asylon.accounts.roles import Role
from asylon.incidents import rollcall

pytestmark = pytest.mark.django_db


def prefer(user, **values):
    User.objects.filter(pk=user.pk).update(**values)


@pytest.fixture
def roll_call(officer, clerk, site_a, unit_a):
    register_residents(clerk, site_a, unit_a, [f"Resident{n}" for n in range(12)])
    return rollcall.start_roll_call(actor=officer, site=site_a)


def test_roll_call_tallies_in_persian_digits(client, officer, roll_call):
    prefer(officer, language="fa")
    html = sign_in(client, officer).get(f"/incidents/roll-calls/{roll_call.pk}/").content.decode()
    assert '<strong id="count-total">۱۲</strong>' in html
    assert '<strong id="count-unaccounted">۱۲</strong>' in html
    assert 'data-digits="۰۱۲۳۴۵۶۷۸۹"' in html  # what the page script writes new tallies with
    rollcall.close_roll_call(actor=officer, roll_call=roll_call)
    html = client.get(f"/incidents/roll-calls/{roll_call.pk}/report/").content.decode()
    assert '<dd id="report-total">۱۲</dd>' in html and '<dd id="report-accounted">۰</dd>' in html
    assert "(۱۲)" in html  # the count of the not-yet-checked list


def test_roll_call_tallies_in_western_digits_when_preferred(client, officer, roll_call):
    prefer(officer, language="fa", digits="latn")
    html = sign_in(client, officer).get(f"/incidents/roll-calls/{roll_call.pk}/").content.decode()
    assert '<strong id="count-total">12</strong>' in html and 'data-digits="0123456789"' in html


def test_dashboard_figures_in_arabic_digits(client, make_user, clerk, site_a, unit_a):
    register_residents(clerk, site_a, unit_a, [f"Resident{n}" for n in range(12)])
    rso = make_user(Role.RESETTLEMENT_OFFICER, username="rso-digits")
    prefer(rso, language="ar")
    html = sign_in(client, rso).get(f"/resettlement/dashboard/{site_a.code}/").content.decode()
    assert "<strong>١٢</strong>" in html  # residents remaining
    assert "<strong>12</strong>" not in html
