from __future__ import annotations

from datetime import date, timedelta

import pytest

from asylon.audit.models import AuditEvent
from asylon.core.errors import InvalidInput
from asylon.registry import services
from asylon.registry.models import Person


def test_correction_records_reason_and_before_after(clerk, household):
    person = Person.objects.get(reference="AAA-000001")
    services.correct_person(
        actor=clerk, person=person, changes={"family_name": "Tehrani-Far"}, reason="Spelling in passport"
    )
    person.refresh_from_db()
    assert person.family_name == "Tehrani-Far"
    event = AuditEvent.objects.filter(action="person.corrected").get()
    assert event.changes == {"family_name": ["Tehranifar", "Tehrani-Far"]}
    assert event.reason == "Spelling in passport"


@pytest.mark.parametrize(
    ("changes", "reason", "field"),
    [
        ({"family_name": "X"}, "", "reason"),
        ({"date_of_birth": date.today() + timedelta(days=3)}, "typo", "date_of_birth"),
        ({"sex": "Z"}, "typo", "sex"),
        ({"nationality": "QQ"}, "typo", "nationality"),
        ({"reference": "AAA-999999"}, "typo", "reference"),
        ({"presence": "DEPARTED"}, "typo", "presence"),
    ],
)
def test_bad_correction_leaves_the_record_as_it_was(clerk, household, changes, reason, field):
    person = Person.objects.get(reference="AAA-000001")
    before = {f.name: getattr(person, f.name) for f in Person._meta.concrete_fields if f.name != "updated_at"}
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as err:
        services.correct_person(actor=clerk, person=person, changes=changes, reason=reason)
    assert field in err.value.errors
    person.refresh_from_db()
    assert {f: getattr(person, f) for f in before} == before
    assert AuditEvent.objects.count() == events


def test_leaving_is_a_change_of_presence_not_a_deletion(clerk, household):
    person = Person.objects.get(reference="AAA-000002")
    services.change_presence(actor=clerk, person=person, presence="DEPARTED", reason="Resettled")
    assert Person.objects.filter(reference="AAA-000002", presence="DEPARTED").exists()
