"""Every list says which rows it shows out of how many, pages through all of them, and sorts
by its main columns (core.listing), with the filters kept from page to page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from tests.conftest import member
from tests.html_text import visible_text
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.core import listing
from asylon.registry import services


@pytest.fixture
def five_persons(clerk, site_a, unit_a, household):
    """The three Tehranifars of `household`, and Ahmadi, Nadia and Omid, registered apart."""
    services.register_household(
        actor=clerk,
        site=site_a,
        unit=unit_a,
        arrival_date=date(2012, 3, 1),
        members=[
            member(given_name="Omid", family_name="Ahmadi", fathers_name="Reza"),
            member("SPOUSE", given_name="Nadia", family_name="Ahmadi", fathers_name="Ali", sex="F"),
        ],
    )


def names_in_table(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<tr>\s*<td>.*?</td>\s*<td>([^<]*)", body, re.S)]


def test_the_person_list_pages_through_every_person_and_says_which(client, clerk, five_persons, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    client.force_login(clerk)
    first = client.get("/persons/").content.decode()
    assert "5 persons" in visible_text(first)
    assert "Showing 1–2 of 5" in visible_text(first) and "Page 1 of 3" in visible_text(first)
    last = client.get("/persons/?sort=reference&page=3").content.decode()
    assert "Showing 5–5 of 5" in visible_text(last)
    seen = []
    for n in (1, 2, 3):
        seen += names_in_table(client.get(f"/persons/?page={n}").content.decode())
    assert len(seen) == len(set(seen)) == 5  # no person on two pages, none left out


def test_the_person_list_sorts_by_name_both_ways_and_refuses_other_columns(client, clerk, five_persons):
    client.force_login(clerk)
    by_name = names_in_table(client.get("/persons/?sort=name").content.decode())
    assert [n.split()[-1] for n in by_name] == ["Ahmadi", "Ahmadi", "Tehranifar", "Tehranifar", "Tehranifar"]
    assert by_name[:2] == ["Nadia Ali Ahmadi", "Omid Reza Ahmadi"]
    reversed_ = names_in_table(client.get("/persons/?sort=-name").content.decode())
    assert reversed_ == list(reversed(by_name))
    page = client.get("/persons/?sort=-name").content.decode()
    assert 'aria-sort="descending"' in page
    # A column the page does not offer (e.g. a sensitive one) is ignored: reference order.
    by_reference = names_in_table(client.get("/persons/?sort=religion").content.decode())
    assert by_reference[0].startswith("Dariush")


def test_filters_and_sort_survive_paging(client, clerk, five_persons, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 1)
    client.force_login(clerk)
    page = client.get("/persons/?sex=F&sort=name").content.decode()
    assert "Showing 1–1 of 3" in visible_text(page)  # Nadia, Parvaneh, Sara
    assert names_in_table(page) == ["Nadia Ali Ahmadi"]
    nxt = re.search(r'href="([^"]*)" rel="next"', page).group(1).replace("&amp;", "&")
    assert "sex=F" in nxt and "sort=name" in nxt and "page=2" in nxt
    assert names_in_table(client.get("/persons/" + nxt).content.decode()) == ["Parvaneh Kamran Tehranifar"]


def test_the_users_list_no_longer_stops_and_says_how_many(client, make_user, site_a, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    admin = make_user(Role.ADMINISTRATOR, username="admin")
    for n in range(4):
        make_user(Role.REGISTRATION_CLERK, username=f"clerk{n}")
    sign_in(client, admin)
    text = visible_text(client.get("/accounts/users/?sort=-username&page=2").content)
    assert "Showing 3–4 of 5" in text
    assert "clerk1" in text and "clerk0" in text and "clerk3" not in text
