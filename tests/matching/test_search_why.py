"""The search page says why a person was found in words a clerk reads: which of the person's
names matched, as recorded, and the year of birth; never the internal keys of a name."""

from __future__ import annotations

import re
from datetime import date

import pytest
from tests.conftest import member
from tests.html_text import visible_text
from tests.signin import sign_in

from asylon.accounts.models import User
from asylon.matching.ranking import name_words
from asylon.registry import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def bizhan(clerk, site_a):
    household = services.register_household(
        actor=clerk,
        site=site_a,
        members=[
            member(
                given_name="Bizhan",
                given_name_original="بیژن",
                family_name="Karimi",
                family_name_original="کریمی",
                fathers_name="Nader",
                date_of_birth=date(1985, 6, 1),
            )
        ],
    )
    return household.memberships.get().person


def why_cell(client, q: str) -> str:
    html = client.get("/persons/search/", {"q": q}).content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    assert rows, html[-1500:]
    return visible_text(re.findall(r"<td>(.*?)</td>", rows[0], re.S)[-1])


def internal_keys(*typed: str) -> set[str]:
    return {k for t in typed for w in name_words(t) for k in (w.fold, w.skeleton, w.phonetic)}


def test_the_why_column_names_the_fields_and_the_names_as_recorded(client, clerk, bizhan):
    sign_in(client, clerk)
    why = why_cell(client, "Bijan Karimi 1985")
    assert why == ("given name sounds like what you typed: Bizhan (بیژن); family name is Karimi (کریمی); born in 1985")
    assert not set(re.findall(r"\w+", why)) & (internal_keys("Bijan", "Karimi") - {"karimi", "Karimi"})


def test_the_why_column_reads_in_persian_with_persian_digits(client, clerk, bizhan):
    User.objects.filter(pk=clerk.pk).update(language="fa")
    sign_in(client, clerk)
    why = why_cell(client, "بیژن کریمی 1985")
    assert why == "نام کوچک همان است: Bizhan (بیژن)؛ نام خانوادگی همان است: Karimi (کریمی)؛ متولد ۱۹۸۵"
    assert "bizhn" not in why and "bzhn" not in why


def test_the_api_says_why_in_english(client, clerk, bizhan):
    sign_in(client, clerk)
    hits = client.get("/persons/search/", {"q": bizhan.reference}).content.decode()
    assert f"reference {bizhan.reference}" in visible_text(hits)
