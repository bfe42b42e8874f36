"""Registering households: what a clerk sees succeed, and every refusal leaving nothing behind."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.conftest import member

from asylon.audit.models import AuditEvent
from asylon.core.errors import InvalidInput, NotFound, NotPermitted
from asylon.registry import queries, services
from asylon.registry.models import Household, Membership, Person


def counts():
    return Person.objects.count(), Household.objects.count(), Membership.objects.count(), AuditEvent.objects.count()


def test_household_gets_references_members_and_one_principal(household, site_a):
    members = queries.current_members(household)
    assert household.reference == "AAA-H-000001"
    assert [m.person.reference for m in members][0] == "AAA-000001"
    assert [m.relationship for m in members].count("PA") == 1
    assert queries.principal_applicant(household).given_name == "Dariush"
    assert {m.person.site_id for m in members} == {site_a.pk}


def test_registration_is_audited(household):
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("person.registered") == 3
    assert actions[-1] == "household.registered"


@pytest.mark.parametrize(
    ("members", "field"),
    [
        # Parameters are built at collection: a month ahead stays in the future past midnight.
        ([member(date_of_birth=date.today() + timedelta(days=31))], "members.0.date_of_birth"),
        ([member(sex="Q")], "members.0.sex"),
        ([member(nationality="ZZ")], "members.0.nationality"),
        ([member(country_of_origin="XQ")], "members.0.country_of_origin"),
        ([member("SPOUSE")], "members"),
        ([member(), member()], "members"),
        ([], "members"),
        ([member(), member("COUSIN")], "members.1.relationship"),
        ([member(given_name="  ")], "members.0.given_name"),
        ([member(specific_needs=["ZZ-99"])], "members.0.specific_needs"),
    ],
    ids=[
        "future-dob",
        "unknown-sex",
        "unknown-nationality",
        "unknown-origin",
        "no-principal",
        "two-principals",
        "no-members",
        "unknown-relationship",
        "blank-name",
        "unknown-need",
    ],
)
def test_invalid_household_names_the_field_and_writes_nothing(clerk, site_a, members, field):
    before = counts()
    with pytest.raises(InvalidInput) as err:
        services.register_household(actor=clerk, site=site_a, members=members)
    assert field in err.value.errors
    assert counts() == before


def test_one_bad_member_among_good_ones_writes_nothing(clerk, site_a):
    before = counts()
    with pytest.raises(InvalidInput) as err:
        services.register_household(
            actor=clerk, site=site_a, members=[member(), member("CHILD", date_of_birth=date(2999, 1, 1))]
        )
    assert list(err.value.errors) == ["members.1.date_of_birth"]
    assert counts() == before


def test_reference_already_used_is_refused(clerk, site_a, household):
    before = counts()
    with pytest.raises(InvalidInput) as err:
        services.register_household(actor=clerk, site=site_a, members=[member()], reference=household.reference)
    assert "reference" in err.value.errors
    assert counts() == before


def test_references_are_never_reused(clerk, site_a):
    first = services.register_household(actor=clerk, site=site_a, members=[member()])
    with pytest.raises(InvalidInput):
        services.register_household(actor=clerk, site=site_a, members=[member(sex="?")])
    second = services.register_household(actor=clerk, site=site_a, members=[member()])
    refs = sorted(Person.objects.values_list("reference", flat=True))
    assert refs == ["AAA-000001", "AAA-000002"]
    assert first.reference != second.reference


def test_unit_of_another_site_is_refused(clerk, site_a, site_b):
    from asylon.registry.models import Location

    block = Location.objects.create(site=site_b, kind="BLOCK", name="B")
    foreign = Location.objects.create(site=site_b, kind="UNIT", name="U", parent=block)
    with pytest.raises(InvalidInput) as err:
        services.register_household(actor=clerk, site=site_a, unit=foreign, members=[member()])
    assert "unit" in err.value.errors


def test_clerk_of_site_a_cannot_register_in_site_b(clerk, site_b):
    with pytest.raises(NotFound):
        services.register_household(actor=clerk, site=site_b, members=[member()])
    assert Person.objects.count() == 0


def test_field_monitor_cannot_register(make_user, site_a):
    monitor = make_user("field_monitor", username="monitor")
    with pytest.raises(NotPermitted):
        services.register_household(actor=monitor, site=site_a, members=[member()])


def test_clerk_cannot_record_sensitive_fields(clerk, site_a):
    with pytest.raises(InvalidInput) as err:
        services.register_household(actor=clerk, site=site_a, members=[member(sensitive={"religion": "X"})])
    assert "members.0.sensitive" in err.value.errors


def test_protection_officer_records_sensitive_fields_masked_in_audit(protection_officer, site_a):
    services.register_household(
        actor=protection_officer, site=site_a, members=[member(sensitive={"religion": "Zoroastrian-demo"})]
    )
    person = Person.objects.get()
    assert person.sensitive.religion == "Zoroastrian-demo"
    assert "Zoroastrian-demo" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_bulk_registration_is_all_or_nothing_and_names_each_bad_row(clerk, site_a):
    good = services.NewHousehold(members=[member()])
    bad = services.NewHousehold(members=[member("CHILD"), member("SPOUSE", sex="?")])
    before = counts()
    with pytest.raises(InvalidInput) as err:
        services.register_households(actor=clerk, site=site_a, households=[good, bad, good])
    assert set(err.value.errors) == {"households.1.members", "households.1.members.1.sex"}
    assert counts() == before


def test_bulk_registration_writes_the_same_records_and_trail_as_one_by_one(clerk, site_a):
    families = [
        [member(), member("CHILD", given_name="Nasrin", sex="F", specific_needs=["SC-SC"])],
        [member(given_name="Omid")],
    ]
    rows = services.register_households(
        actor=clerk, site=site_a, households=[services.NewHousehold(members=f) for f in families]
    )
    assert [h.reference for h in rows] == ["AAA-H-000001", "AAA-H-000002"]
    assert list(Person.objects.order_by("reference").values_list("reference", "given_name")) == [
        ("AAA-000001", "Dariush"),
        ("AAA-000002", "Nasrin"),
        ("AAA-000003", "Omid"),
    ]
    assert Person.objects.get(given_name="Nasrin").specific_needs.get().code_id == "SC-SC"
    assert list(AuditEvent.objects.filter(action__endswith=".registered").values_list("action", "object_ref")) == [
        ("person.registered", "AAA-000001"),
        ("person.registered", "AAA-000002"),
        ("household.registered", "AAA-H-000001"),
        ("person.registered", "AAA-000003"),
        ("household.registered", "AAA-H-000002"),
    ]
    from asylon.audit.verify import verify_chain

    assert verify_chain().ok
