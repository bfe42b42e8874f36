"""The demo camp: about 3,000 synthetic residents, seeded once, with the users to try it."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from asylon.accounts.models import User
from asylon.audit.verify import verify_chain
from asylon.registry.models import Household, Person, SpecificNeed


@pytest.fixture
def seeded(db):
    from asylon.demo import seeding

    return seeding.seed()


def test_demo_camp_is_realistic(seeded):
    assert seeded.created and 2900 <= Person.objects.count() <= 3100
    sizes = Counter(Household.objects.filter(memberships__ended_on__isnull=True).values_list("pk", flat=True))
    assert max(sizes.values()) >= 6 and Counter(sizes.values())[1] > 100  # singles and large families
    assert Person.objects.exclude(given_name_original="").count() > 300  # some in Persian script
    assert Person.objects.filter(date_of_birth__year__gte=2009).count() > 100  # children
    assert SpecificNeed.objects.values("person").distinct().count() > 150
    # The same name spelled more than one way, as registrations really contain.
    spellings = Person.objects.filter(given_name__iregex=r"^m[ou]hamm?[ae]d$").values_list("given_name", flat=True)
    assert len(set(spellings)) >= 2
    assert User.objects.get(username="admin").groups.filter(name="administrator").exists()
    assert set(seeded.users) >= {"admin", "demo-protection-officer", "demo-field-monitor"}
    # Roles that log in with a second factor get the enrolment code it takes.
    assert set(seeded.enrolment_codes) == {"demo-protection-officer", "demo-rsd-officer"}
    assert verify_chain().ok


def test_demo_twice_adds_nothing(seeded, capsys):
    before = (Person.objects.count(), User.objects.count())
    call_command("demo", "--no-serve")
    assert (Person.objects.count(), User.objects.count()) == before
    assert "already there" in capsys.readouterr().out


def test_each_demo_user_gets_a_password_of_its_own(seeded):
    passwords = seeded.users.values()
    assert len(set(passwords)) == len(seeded.users) == User.objects.filter(username__in=seeded.users).count()
    for username, password in seeded.users.items():
        assert User.objects.get(username=username).check_password(password)
