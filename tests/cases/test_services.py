"""Protection cases, as a caseworker lives them: open, consent, assess, plan, review, close."""

from __future__ import annotations

from datetime import timedelta

import pytest

from asylon.audit.models import AuditEvent
from asylon.cases import services
from asylon.cases.models import REVIEW_INTERVAL_DAYS, CaseState, ProtectionCase
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput, NotFound, SafeguardRefusal

from .conftest import MEDICAL_ANSWERS, consent

pytestmark = pytest.mark.django_db


def test_a_case_opens_with_its_reference_and_a_review_set_by_its_risk(open_case):
    case = open_case(risk_level="CRITICAL")
    assert case.reference.startswith("PC-")
    assert case.state == CaseState.OPEN
    assert case.next_review_on == today() + timedelta(days=REVIEW_INTERVAL_DAYS["CRITICAL"])
    assert AuditEvent.objects.filter(action="case.opened", object_ref=case.reference).exists()


def test_the_caseworker_must_be_a_protection_worker_of_the_site(open_case, clerk):
    with pytest.raises(InvalidInput) as exc:
        open_case(caseworker=clerk)
    assert "caseworker" in exc.value.errors
    assert not ProtectionCase.objects.exists()


def test_the_supervisor_is_not_the_caseworker(open_case, worker):
    with pytest.raises(InvalidInput) as exc:
        open_case(supervisor=worker)
    assert "supervisor" in exc.value.errors


def test_only_a_need_still_open_opens_a_case(open_case, adult, clerk):
    from asylon.registry.models import NeedStatus, SpecificNeed, SpecificNeedCode

    need = SpecificNeed.objects.create(
        person=adult, code=SpecificNeedCode.objects.get(code="SM-CI"), recorded_on=today(), status=NeedStatus.RESOLVED
    )
    with pytest.raises(InvalidInput) as exc:
        open_case(need=need)
    assert exc.value.errors["origin"] == ["Only a flagged or confirmed need opens a case."]
    assert not ProtectionCase.objects.exists()
    need.status = NeedStatus.CONFIRMED
    need.save()
    assert open_case(need=need).origin_need == need


def test_a_clerk_cannot_open_a_case(clerk, worker, adult):
    from asylon.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        services.open_case(actor=clerk, person=adult, case_type="MEDICAL", risk_level="LOW", caseworker=worker)


def test_no_assessment_without_consent_to_case_management(open_case, worker):
    case = open_case()
    with pytest.raises(SafeguardRefusal) as exc:
        services.record_assessment(actor=worker, case=case, answers=MEDICAL_ANSWERS)
    assert exc.value.rule == "DC"
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    assert not case.assessments.exists()


def test_assessment_follows_its_types_declared_form(open_case, worker):
    case = open_case()
    consent(worker, case)
    with pytest.raises(InvalidInput) as exc:
        services.record_assessment(actor=worker, case=case, answers={"urgency": "SOMEDAY", "shoe_size": "42"})
    assert set(exc.value.errors) == {"urgency", "shoe_size", "condition", "summary"}
    services.record_assessment(actor=worker, case=case, answers=MEDICAL_ANSWERS)
    case.refresh_from_db()
    assert case.state == CaseState.ASSESSED
    assert case.assessments.get().answers["urgency"] == "URGENT"


def test_the_first_plan_action_starts_the_plan_and_the_owner_closes_it(open_case, worker, supervisor):
    case = open_case()
    with pytest.raises(Conflict):
        services.add_plan_action(actor=worker, case=case, action="Clinic visit", owner=worker, due_on=today())
    consent(worker, case)
    services.record_assessment(actor=worker, case=case, answers=MEDICAL_ANSWERS)
    item = services.add_plan_action(
        actor=worker, case=case, action="Clinic visit", owner=supervisor, due_on=today() + timedelta(days=2)
    )
    case.refresh_from_db()
    assert case.state == CaseState.PLAN_ACTIVE
    services.complete_plan_action(actor=supervisor, item=item, outcome="Seen by the surgeon")
    item.refresh_from_db()
    assert item.done_on == today() and item.outcome == "Seen by the surgeon"


def test_a_review_sets_the_next_from_the_risk_level_unless_a_date_is_given(open_case, worker):
    case = open_case(risk_level="HIGH")
    review = services.record_review(actor=worker, case=case, note="Stable", risk_level="LOW")
    case.refresh_from_db()
    assert case.risk_level == "LOW"
    assert review.next_review_on == case.next_review_on == today() + timedelta(days=REVIEW_INTERVAL_DAYS["LOW"])
    chosen = today() + timedelta(days=3)
    services.record_review(actor=worker, case=case, next_review_on=chosen)
    case.refresh_from_db()
    assert case.next_review_on == chosen


def test_closing_needs_a_reason_and_a_closed_case_can_be_reopened(open_case, worker):
    case = open_case()
    with pytest.raises(InvalidInput):
        services.close_case(actor=worker, case=case, reason="")
    services.close_case(actor=worker, case=case, reason="NEEDS_MET", note="Recovered")
    case.refresh_from_db()
    assert (case.state, case.closure_reason, case.closed_on) == (CaseState.CLOSED, "NEEDS_MET", today())
    with pytest.raises(Conflict):
        services.close_case(actor=worker, case=case, reason="NEEDS_MET")
    with pytest.raises(InvalidInput):
        services.reopen_case(actor=worker, case=case, reason="")
    services.reopen_case(actor=worker, case=case, reason="New injury")
    case.refresh_from_db()
    assert (case.state, case.closure_reason, case.closed_on) == (CaseState.OPEN, "", None)


def test_a_childs_case_needs_the_childs_assent_and_a_guardians_consent(open_case, worker, child):
    case = open_case(case_type="CHILD_AT_RISK", person=child)
    answers = {
        "immediate_safety": "SOME",
        "caregiver_present": "yes",
        "best_interests_assessment": "no",
        "summary": "x",
    }
    with pytest.raises(InvalidInput) as exc:
        consent(worker, case, giver="PERSON")
    assert "giver" in exc.value.errors
    with pytest.raises(InvalidInput):
        consent(worker, case, giver="GUARDIAN")  # unnamed guardian
    consent(worker, case, giver="CHILD")
    with pytest.raises(SafeguardRefusal) as refused:
        services.record_assessment(actor=worker, case=case, answers=answers)
    assert "guardian" in refused.value.detail
    consent(worker, case, giver="GUARDIAN", guardian_name="Parvaneh Tehranifar", guardian_relation="mother")
    services.record_assessment(actor=worker, case=case, answers=answers)
    case.refresh_from_db()
    assert case.state == CaseState.ASSESSED


def test_a_withdrawn_consent_counts_for_nothing(open_case, worker):
    case = open_case()
    given = consent(worker, case)
    services.withdraw_consent(actor=worker, consent=given, note="Changed her mind")
    with pytest.raises(SafeguardRefusal):
        services.record_assessment(actor=worker, case=case, answers=MEDICAL_ANSWERS)


def test_a_case_opens_from_an_injured_roll_call_mark_only(open_case, worker, adult, site_a):
    from django.utils import timezone

    from asylon.incidents.rollcall import Mark, mark_persons, start_roll_call

    rc = start_roll_call(actor=worker, site=site_a)
    mark_persons(actor=worker, roll_call=rc, marks=[Mark(adult.reference, "ACCOUNTED_SAFE", timezone.now(), "m1")])
    entry = rc.entries.get(person=adult)
    with pytest.raises(InvalidInput) as exc:
        open_case(mark=entry)
    assert "origin" in exc.value.errors
    mark_persons(actor=worker, roll_call=rc, marks=[Mark(adult.reference, "INJURED", timezone.now(), "m2")])
    entry.refresh_from_db()
    case = open_case(mark=entry)
    assert case.origin == "ROLL_CALL" and case.origin_mark == entry


def test_a_colleague_cannot_work_on_a_sensitive_case(open_case, colleague, supervisor):
    case = open_case(case_type="SURVIVOR_OF_TORTURE")
    with pytest.raises(NotFound):
        services.record_review(actor=colleague, case=case, note="peek")
    with pytest.raises(NotFound):
        services.add_note(actor=colleague, case=case, text="peek")
    services.add_note(actor=supervisor, case=case, text="Supervision: safe plan agreed")
    assert case.notes.count() == 1
