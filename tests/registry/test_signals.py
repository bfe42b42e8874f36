"""The register announces what it saved, and the apps above it follow, without the register
importing them (registry/signals.py names who listens)."""

from __future__ import annotations

from tests.conftest import member

from asylon.matching.models import PersonNameKeys
from asylon.registry import services
from asylon.registry.models import Person
from asylon.registry.signals import persons_saved


def test_a_bulk_registration_announces_its_persons_once_per_batch(clerk, site_a):
    sent: list[list[str]] = []

    def listen(sender, *, persons, **kwargs):
        sent.append([p.given_name for p in persons])

    persons_saved.connect(listen)
    try:
        services.register_households(
            actor=clerk,
            site=site_a,
            households=[
                services.NewHousehold(members=[member(), member("CHILD", given_name="Nasrin", sex="F")]),
                services.NewHousehold(members=[member(given_name="Omid")]),
            ],
        )
    finally:
        persons_saved.disconnect(listen)
    assert sent == [["Dariush", "Nasrin", "Omid"]]


def test_every_person_the_register_saves_gets_its_name_keys(household):
    persons = Person.objects.filter(memberships__household=household)
    assert persons.count() >= 2
    keys = PersonNameKeys.objects.filter(person__in=persons)
    assert sorted(keys.values_list("person_id", flat=True)) == sorted(persons.values_list("pk", flat=True))
