"""Merging two records of one person moves every link, leaves an alias, and can be undone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.conftest import member

from asylon.audit.models import AuditEvent
from asylon.core.errors import Conflict, NotPermitted
from asylon.incidents import rollcall
from asylon.incidents import services as incidents
from asylon.incidents.models import AffectedPerson, RollCallEntry
from asylon.matching.candidates import raise_candidate
from asylon.matching.merges import merge_persons, person_links, unmerge
from asylon.matching.models import CandidateStatus, DuplicateCandidate, NameKeyToken
from asylon.matching.search import search_persons
from asylon.registry import queries, services
from asylon.registry.models import Membership, Presence, SensitiveProfile, SpecificNeed
from asylon.status import services as status
from asylon.status.models import StatusEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(protection_officer, site_a, unit_a):
    """One man registered twice, in two households, with links on both records."""
    first = services.register_household(
        actor=protection_officer,
        site=site_a,
        unit=unit_a,
        members=[
            member(
                given_name="Mohammad", family_name="Hosseini", specific_needs=["SM-CI"], sensitive={"religion": "kept"}
            )
        ],
    )
    second = services.register_household(
        actor=protection_officer,
        site=site_a,
        members=[
            member(
                given_name="Muhammad",
                family_name="Husseini",
                specific_needs=["SM-CI", "LP-ND"],
                sensitive={"religion": "other", "ethnicity": "filled"},
            )
        ],
    )
    return first.memberships.get().person, second.memberships.get().person


def _links(person):
    return {
        "memberships": Membership.objects.filter(person=person).count(),
        "needs": SpecificNeed.objects.filter(person=person).count(),
        "status": StatusEntry.objects.filter(person=person).count(),
        "affected": AffectedPerson.objects.filter(person=person).count(),
        "rollcall": RollCallEntry.objects.filter(person=person).count(),
    }


def test_every_link_to_person_is_found_generically():
    labels = {f"{f.model._meta.label_lower}.{f.name}" for f in person_links()}
    assert {
        "registry.membership.person",
        "incidents.affectedperson.person",
        "incidents.rollcallentry.person",
        "status.statusentry.person",
        "status.statusentry.derivative_of",
    } <= labels


def test_merge_moves_links_and_unmerge_restores_them(twins, protection_officer, site_a):
    survivor, merged = twins
    officer = protection_officer
    status.record_status_event(
        actor=officer,
        person=merged,
        status="DECEASED",
        note="test entry",
        effective_on=date.today() - timedelta(days=1),
    )
    incident = incidents.report_incident(
        actor=officer,
        site=site_a,
        kind="THREAT",
        severity=2,
        occurred_at=timezone.now() - timedelta(hours=1),
        narrative="n",
    )
    incidents.add_affected_person(actor=officer, incident=incident, person=merged, harm="THREATENED")
    incidents.add_affected_person(actor=officer, incident=incident, person=survivor, harm="THREATENED")
    rollcall.start_roll_call(actor=officer, site=site_a)
    before_s, before_m = _links(survivor), _links(merged)

    merge = merge_persons(actor=officer, survivor=survivor, merged=merged, reason="same man, two registrations")

    after_s, after_m = _links(survivor), _links(merged)
    assert after_m["memberships"] == 0 and after_s["memberships"] == 2
    assert after_s["status"] == 1 and after_m["status"] == 0
    # Twins the survivor already holds stay with the merged record: same need, same incident, same roll call.
    assert after_s["needs"] == 2 and after_m["needs"] == 1
    assert after_s["affected"] == 1 and after_m["affected"] == 1
    assert after_s["rollcall"] == 1 and after_m["rollcall"] == 1
    # One current household; the sensitive profile is filled, never overwritten.
    assert Membership.objects.filter(person=survivor, ended_on__isnull=True).count() == 1
    profile = SensitiveProfile.objects.get(person=survivor)
    assert profile.religion == "kept" and profile.ethnicity == "filled"
    # The old reference resolves to the survivor; the merged record leaves lists and search.
    assert queries.get_person(officer, merged.reference) == survivor
    assert merged not in queries.persons_for(officer)
    assert not NameKeyToken.objects.filter(person=merged).exists()
    assert all(h.person != merged for h in search_persons(officer, "Muhammad Husseini"))
    assert AuditEvent.objects.filter(action="person.merged", object_ref=survivor.reference).exists()

    unmerge(actor=officer, merge=merge, reason="they are brothers after all")

    assert _links(survivor) == before_s and _links(merged) == before_m
    merged.refresh_from_db()
    assert merged.presence == Presence.PRESENT
    assert queries.get_person(officer, merged.reference) == merged
    assert SensitiveProfile.objects.get(person=survivor).ethnicity == ""
    assert Membership.objects.filter(person=merged, ended_on__isnull=True).count() == 1
    assert NameKeyToken.objects.filter(person=merged).exists()
    with pytest.raises(Conflict):
        unmerge(actor=officer, merge=merge, reason="again")


def test_merge_closes_the_pair_in_the_queue_and_unmerge_reopens_it(twins, protection_officer):
    survivor, merged = twins
    candidate, _ = raise_candidate(survivor, merged, probability=0.99, match_weight=12.0, explanation={})
    merge = merge_persons(actor=protection_officer, survivor=survivor, merged=merged, reason="same")
    assert DuplicateCandidate.objects.get(pk=candidate.pk).status == CandidateStatus.MERGED
    with pytest.raises(Conflict):
        merge_persons(actor=protection_officer, survivor=survivor, merged=merged, reason="twice")
    unmerge(actor=protection_officer, merge=merge, reason="wrong")
    assert DuplicateCandidate.objects.get(pk=candidate.pk).status == CandidateStatus.OPEN


def test_only_protection_officers_undo_and_merged_presence_cannot_be_set(twins, clerk, protection_officer):
    survivor, merged = twins
    merge = merge_persons(actor=clerk, survivor=survivor, merged=merged, reason="same")
    with pytest.raises(NotPermitted):
        unmerge(actor=clerk, merge=merge, reason="undo")
    from asylon.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.change_presence(actor=clerk, person=survivor, presence=Presence.MERGED, reason="no")
