"""Prima facie group declarations: preview, confirm with skips, revoke with exact reversion."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.conftest import member
from tests.status.conftest import D0, RECOGNISE

from asylon.audit.models import AuditEvent
from asylon.audit.verify import verify_chain
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput, NotPermitted
from asylon.registry import services as registry
from asylon.registry.models import Person
from asylon.status import services
from asylon.status.models import GroupDeclaration, StatusEntry
from asylon.status.queries import Criteria, preview_declaration, statuses_on

CUTOFF = date(2013, 1, 1)


@pytest.fixture
def camp(clerk, site_a):
    """60 persons: 30 Iranians who arrived in 2012, 15 Iraqis, 15 Iranians who arrived in 2013."""
    for n in range(20):
        nationality, arrived = ("IQ", date(2012, 3, 1)) if n < 5 else ("IR", date(2012, 3, 1))
        if n >= 15:
            arrived = date(2013, 6, 1)
        registry.register_household(
            actor=clerk,
            site=site_a,
            arrival_date=arrived,
            members=[
                member(given_name=f"Pa{n}", nationality=nationality, registered_on=arrived),
                member("SPOUSE", given_name=f"Sp{n}", sex="F", nationality=nationality, registered_on=arrived),
                member(
                    "CHILD",
                    given_name=f"Ch{n}",
                    nationality=nationality,
                    registered_on=arrived,
                    date_of_birth=date(2009, 1, 1),
                ),
            ],
        )
    return list(Person.objects.order_by("reference"))


def criteria(site, **extra):
    return Criteria(site=site, nationality="IR", cutoff_kind="ARRIVAL", cutoff_date=CUTOFF, **extra)


def declare(actor, site, **extra):
    return services.declare_group(
        actor=actor,
        criteria=criteria(site, **extra),
        effective_on=date(2013, 2, 1),
        legal_basis="1951_CONV",
        recognised_by="UNHCR",
        legal_basis_text="Prima facie determination for nationals of the country of origin (synthetic).",
    )


def test_preview_confirm_skip_and_exact_revocation(camp, site_a, protection_officer, driver):
    eligible_before = preview_declaration(protection_officer, criteria(site_a))
    assert eligible_before.count == 30 and eligible_before.skipped_count == 0
    assert len(eligible_before.sample) == 20

    # Three of them are not for a group declaration: recognised, rejected (window open), under exclusion review.
    recognised, rejected, flagged = camp[15], camp[18], camp[21]
    case = driver.to_state(driver.new_case(recognised), "ASSESSED")
    driver.step(driver.step(case, "decide", on=D0, data=RECOGNISE), "notify", on=D0)
    driver.to_state(driver.new_case(rejected), "NOTIFIED")
    driver.to_state(driver.new_case(flagged), "EXCLUSION_REVIEW")

    preview = preview_declaration(protection_officer, criteria(site_a))
    assert (preview.count, preview.skipped_count) == (27, 3)
    ids = [p.pk for p in camp]
    dates = [date(2012, 1, 1), date(2013, 2, 1), today() - timedelta(days=3), today()]
    before = {d: statuses_on(ids, d) for d in dates}

    declaration = declare(protection_officer, site_a)
    assert declaration.applied_count == 27
    assert {s["reference"]: s["reason"] for s in declaration.skipped} == {
        recognised.reference: "already_decided",
        rejected.reference: "already_decided",
        flagged.reference: "exclusion_review",
    }
    now = statuses_on(ids)
    refugees = {pid for pid, s in now.items() if s.status == "REFUGEE" and s.determination_mode == "PRIMA_FACIE_GROUP"}
    assert len(refugees) == 27
    assert all(now[pid].final_decision and not now[pid].claim_pending for pid in refugees)
    assert StatusEntry.objects.filter(declaration=declaration).count() == 27

    services.revoke_group_declaration(actor=protection_officer, declaration=declaration, reason="Criteria were wrong.")
    for d in dates:
        assert statuses_on(ids, d) == before[d]
    declaration.refresh_from_db()
    assert declaration.reverted_count == 27 and declaration.revoked_at
    assert StatusEntry.objects.filter(declaration=declaration, reverted_by=declaration).count() == 27
    trail = list(AuditEvent.objects.filter(object_type="status.groupdeclaration").values_list("action", "changes"))
    assert [a for a, _c in trail] == ["group_declaration.confirmed", "group_declaration.revoked"]
    assert trail[0][1]["applied"] == 27 and trail[0][1]["skipped"] == 3 and trail[1][1]["reverted"] == 27
    with pytest.raises(Conflict):
        services.revoke_group_declaration(actor=protection_officer, declaration=declaration, reason="again")


def test_an_entry_is_reverted_only_by_its_own_declaration(camp, site_a, protection_officer):
    """The database refuses an entry reverted by another declaration, by none that exists,
    or by a declaration when it came from none: a check stands where a foreign key was."""
    declaration = declare(protection_officer, site_a)
    other = declare(protection_officer, site_a)  # everyone is a refugee already: an act over nobody
    entry = StatusEntry.objects.filter(declaration=declaration).earliest("id")
    now = timezone.now()
    for reverted_by in (other.pk, declaration.pk + 1000):
        with pytest.raises(IntegrityError), transaction.atomic():
            StatusEntry.objects.filter(pk=entry.pk).update(reverted_at=now, reverted_by_id=reverted_by)
    individual = services.record_status_event(
        actor=protection_officer, person=camp[0], status="DEPARTED_OTHER", note="Left the camp (synthetic)."
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusEntry.objects.filter(pk=individual.pk).update(reverted_at=now, reverted_by_id=declaration.pk)
    services.revoke_group_declaration(actor=protection_officer, declaration=declaration, reason="Criteria were wrong.")
    assert StatusEntry.objects.filter(reverted_by=declaration).count() == declaration.applied_count == 30


def test_only_protection_officers_declare_and_revocation_needs_a_reason(
    camp, site_a, protection_officer, officer1, clerk
):
    for actor in (officer1, clerk):
        with pytest.raises(NotPermitted):
            declare(actor, site_a)
    declaration = declare(protection_officer, site_a)
    with pytest.raises(InvalidInput):
        services.revoke_group_declaration(actor=protection_officer, declaration=declaration, reason=" ")
    with pytest.raises(NotPermitted):
        services.revoke_group_declaration(actor=officer1, declaration=declaration, reason="no")
    assert GroupDeclaration.objects.get().revoked_at is None


def test_a_group_refugee_cannot_be_rejected_later_without_a_procedure(camp, site_a, protection_officer, driver):
    person = camp[15]
    case = driver.to_state(driver.new_case(person), "ASSESSED")
    declare(protection_officer, site_a)
    case = driver.step(case, "decide", on=D0)
    case = driver.step(case, "notify", on=today() - timedelta(days=40))
    with pytest.raises(Conflict) as err:
        driver.step(case, "finalise", on=today())
    assert err.value.code == "refugee_status_needs_procedure"


def test_site_designation_act_and_its_revocation(site_a, protection_officer, clerk):
    act = services.designate_site(
        actor=protection_officer,
        site=site_a,
        designation="REFUGEE_CAMP",
        effective_on=date(2013, 3, 1),
        legal_basis_text="Agreement with the host state (synthetic).",
    )
    site_a.refresh_from_db()
    assert (site_a.designation, site_a.designated_on) == ("REFUGEE_CAMP", date(2013, 3, 1))
    with pytest.raises(NotPermitted):
        services.revoke_site_designation(actor=clerk, act=act, reason="x")
    services.revoke_site_designation(actor=protection_officer, act=act, reason="Entered in error.")
    site_a.refresh_from_db()
    assert (site_a.designation, site_a.designated_on) == ("TTL", None)


def test_demo_sized_camp_of_3000_is_left_exactly_as_before(site_a, protection_officer, driver):
    """The demo camp's size: 3,000 residents (created in bulk for speed), some already decided."""
    Person.objects.bulk_create(
        Person(
            reference=f"AAA-{n:06d}",
            site=site_a,
            given_name=f"Resident{n}",
            sex="MF"[n % 2],
            nationality="IR",
            registered_on=date(2012, 2, 18) + timedelta(days=n % 300),
        )
        for n in range(1, 3001)
    )
    persons = list(Person.objects.order_by("reference"))
    case = driver.to_state(driver.new_case(persons[0]), "ASSESSED")
    driver.step(driver.step(case, "decide", on=D0, data=RECOGNISE), "notify", on=D0)
    driver.to_state(driver.new_case(persons[1]), "CLOSED")
    ids = [p.pk for p in persons]
    before_now, before_then = statuses_on(ids), statuses_on(ids, date(2013, 6, 1))
    with CaptureQueriesContext(connection) as queries:
        declaration = services.declare_group(
            actor=protection_officer,
            criteria=Criteria(site=site_a, nationality="IR", cutoff_kind="REGISTRATION", cutoff_date=date(2014, 1, 1)),
            effective_on=date(2013, 2, 1),
            legal_basis="1951_CONV",
            recognised_by="UNHCR",
            legal_basis_text="Prima facie (synthetic).",
        )
    assert (declaration.applied_count, len(declaration.skipped)) == (2998, 2)
    # One statement writes the 2,998 statuses, and one audit event records the act.
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "status_statusentry"')]
    assert len(inserts) == 1
    declared = sorted(p.pk for p in persons[2:])
    confirmed = AuditEvent.objects.get(action="group_declaration.confirmed")
    assert confirmed.changes["applied"] == 2998
    assert confirmed.changes["persons_digest"] == hashlib.sha256(b"".join(b"%d," % pk for pk in declared)).hexdigest()
    assert sum(s.status == "REFUGEE" for s in statuses_on(ids).values()) == 2999
    services.revoke_group_declaration(actor=protection_officer, declaration=declaration, reason="Revoked (test).")
    assert statuses_on(ids) == before_now and statuses_on(ids, date(2013, 6, 1)) == before_then
    revoked = AuditEvent.objects.get(action="group_declaration.revoked")
    assert (revoked.changes["reverted"], revoked.changes["persons_digest"]) == (
        2998,
        confirmed.changes["persons_digest"],
    )
    assert verify_chain().ok
    # Each person's status history still shows the declaration and its revocation.
    history = list(StatusEntry.objects.filter(person=persons[2]).values_list("declaration", "reverted_by"))
    assert history == [(declaration.pk, declaration.pk)]
