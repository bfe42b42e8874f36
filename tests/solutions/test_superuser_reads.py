"""Issue 18: a superuser holds every permission, `movements.read_shared_cases` included, and
was read as a partner linked to no recipient, so saw no resettlement case. A superuser is
staff: they see the cases of their sites, with every member."""

from __future__ import annotations

from asylon.accounts.models import User
from asylon.solutions import queries, services


def test_a_superuser_sees_the_resettlement_cases_of_their_sites(rso, family, site_a):
    case = services.open_case(actor=rso, household=family(3), primary_category="LPP", secondary_category="LAS")
    root = User.objects.create_superuser("root", password="correct horse battery staple")
    root.sites.add(site_a)
    assert list(queries.cases_for(root)) == [case]
    assert len(queries.members_for(root, case)) == 3
