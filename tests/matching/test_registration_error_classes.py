"""The duplicate check at registration, as the clerk sees it: a person registered again in a
new household with the register's usual errors is shown as a probable match; a relative is not."""

from __future__ import annotations

from datetime import date

import pytest
from tests.conftest import member

from asylon.matching.registration import probable_duplicates
from asylon.registry import services

pytestmark = pytest.mark.django_db

SIAVASH = {"given_name": "Siavash", "fathers_name": "Bahram", "family_name": "Khoshnevis", "sex": "M"}


@pytest.fixture
def siavash(clerk, site_a):
    services.register_household(actor=clerk, site=site_a, members=[member(**SIAVASH, date_of_birth=date(1984, 3, 17))])


def _shown(clerk, site_a, entered: dict) -> list[str]:
    """The registered persons the clerk is asked about for one new member."""
    found = probable_duplicates(clerk, site=site_a, members=[entered])
    return [f"{m.person.given_name} {m.person.family_name}" for m in found.get(0, [])]


AGAIN = {
    "given and family name exchanged": {**SIAVASH, "given_name": "Khoshnevis", "family_name": "Siavash"},
    "an impossible date, day written as month": {**SIAVASH, "date_of_birth": "1984-17-03"},
    "a year off by ten, sex missing": {**SIAVASH, "date_of_birth": "1994-03-17", "sex": ""},
    "1 January for an unknown birthday, a name spelled otherwise": {
        **SIAVASH,
        "given_name": "Siyavash",
        "date_of_birth": "1984-01-01",
    },
    "in Persian script without the father's name": {
        "given_name_original": "سیاوش",
        "family_name_original": "خوشنویس",
        "sex": "M",
        "date_of_birth": "1984-03-17",
    },
}


@pytest.mark.parametrize("entered", AGAIN.values(), ids=AGAIN.keys())
def test_a_person_registered_again_in_a_new_household_is_shown_to_the_clerk(clerk, site_a, siavash, entered):
    assert _shown(clerk, site_a, {"date_of_birth": "1984-03-17", **entered}) == ["Siavash Khoshnevis"]


RELATIVES = {
    "a brother": {**SIAVASH, "given_name": "Kourosh", "date_of_birth": "1987-06-02"},
    "the father": {**SIAVASH, "given_name": "Bahram", "fathers_name": "Hormoz", "date_of_birth": "1956-02-11"},
    "a son named after his grandfather": {
        **SIAVASH,
        "given_name": "Bahram",
        "fathers_name": "Siavash",
        "date_of_birth": "2010-05-04",
    },
}


@pytest.mark.parametrize("entered", RELATIVES.values(), ids=RELATIVES.keys())
def test_a_relative_registered_in_a_new_household_is_not_shown(clerk, site_a, siavash, entered):
    assert _shown(clerk, site_a, entered) == []
