"""Resettlement cases: every stage transition, the household-split rule, resubmission after
rejection, the partner's sight of submitted cases, and departures through the gate."""

from __future__ import annotations

import pytest

from asylon.audit.models import AuditEvent
from asylon.core.errors import Conflict, InvalidInput, NotPermitted, SafeguardRefusal
from asylon.movements.models import GateResult, Movement
from asylon.registry.models import Person
from asylon.sharing.models import SharingGrant
from asylon.solutions import queries, services
from asylon.solutions.models import CaseSplit, Outcome, StageEntry, Submission
from asylon.solutions.transitions import RESETTLEMENT_CASE
from asylon.status.queries import status_on

from .conftest import persons, to_stage


@pytest.fixture
def case(rso, family):
    return services.open_case(actor=rso, household=family(3), primary_category="LPP", secondary_category="LAS")


def test_a_case_takes_the_whole_household(case):
    assert case.stage == "IDENTIFIED"
    assert len(persons(case)) == 3
    assert case.reference.startswith("AAA-RST-")


def test_every_stage_up_to_arrival_with_history(case, rso, po, po2, albania):
    to_stage(rso, case, "DEPARTED", country=albania, po=po, po2=po2)
    services.confirm_arrival(actor=rso, case=case)
    case.refresh_from_db()
    assert case.stage == "ARRIVED"
    path = list(StageEntry.objects.filter(case=case).order_by("pk").values_list("to_stage", flat=True))
    assert path == [
        "IDENTIFIED",
        "ASSESSED",
        "SUBMITTED",
        "INTERVIEW",
        "ACCEPTED",
        "EXIT_FORMALITIES",
        "DEPARTURE_SCHEDULED",
        "DEPARTED",
        "ARRIVED",
    ]
    for p in Person.objects.filter(resettlement_memberships__case=case):
        assert p.presence == "DEPARTED"
        assert status_on(p).status == "DEPARTED_RESETTLED"
    assert Movement.objects.filter(kind="RESETTLEMENT_DEPARTURE", state="CARRIED_OUT").count() == 3
    assert not SharingGrant.objects.filter(expires_at__isnull=True).exists()  # sight ends on arrival
    assert AuditEvent.objects.filter(action="resettlement.confirm_arrival").count() == 1


@pytest.mark.parametrize(
    "stage,action",
    [
        ("IDENTIFIED", "submit"),
        ("IDENTIFIED", "accept"),
        ("ASSESSED", "interview"),
        ("SUBMITTED", "exit_formalities"),
        ("ACCEPTED", "submit"),
        ("EXIT_FORMALITIES", "depart"),
    ],
)
def test_impossible_transitions_are_refused(case, rso, albania, stage, action):
    if stage != "IDENTIFIED":
        to_stage(rso, case, stage, country=albania)
    assert not RESETTLEMENT_CASE.allows(action, stage)
    with pytest.raises(Conflict):
        if action == "submit":
            services.submit_case(actor=rso, case=case, country=albania)
        elif action == "accept":
            services.decide_submission(actor=rso, case=case, accepted=True)
        elif action == "interview":
            services.schedule_interview(actor=rso, case=case, on=case.created_at.date())
        elif action == "exit_formalities":
            services.start_exit_formalities(actor=rso, case=case)
        elif action == "depart":
            services.record_departure(actor=rso, case=case)
    case.refresh_from_db()
    assert case.stage == stage


def test_departure_needs_every_exit_formality(case, rso, albania):
    to_stage(rso, case, "ACCEPTED", country=albania)
    services.start_exit_formalities(actor=rso, case=case)
    services.record_formalities(actor=rso, case=case, exit_permit=True)
    with pytest.raises(Conflict) as err:
        services.schedule_departure(actor=rso, case=case, departure_date=case.created_at.date())
    assert err.value.code == "formalities_outstanding"


def test_closing_withdraws_the_submission_and_ends_sight(case, rso, albania):
    to_stage(rso, case, "SUBMITTED", country=albania)
    with pytest.raises(InvalidInput):
        services.close_case(actor=rso, case=case, reason=" ")
    services.close_case(actor=rso, case=case, reason="The family no longer wishes to resettle.")
    case.refresh_from_db()
    assert case.stage == "CLOSED"
    assert Submission.objects.get(case=case).outcome == Outcome.WITHDRAWN
    assert not SharingGrant.objects.filter(expires_at__isnull=True).exists()


# --- household split -----------------------------------------------------------------------


def test_a_household_is_split_only_with_a_reason(case, rso):
    child = persons(case)[2]
    with pytest.raises(InvalidInput) as err:
        services.split_case(actor=rso, case=case, persons=[child], reason="")
    assert "reason" in err.value.errors
    new = services.split_case(actor=rso, case=case, persons=[child], reason="Adult child has a separate claim.")
    assert [p.pk for p in persons(new)] == [child.pk]
    assert len(persons(case)) == 2
    split = CaseSplit.objects.get()
    assert (split.case, split.new_case, split.person_refs) == (case, new, [child.reference])


def test_a_person_is_in_one_open_case_and_a_split_keeps_someone(case, rso, family):
    with pytest.raises(Conflict) as err:
        services.open_case(actor=rso, household=case.household, primary_category="LPP")
    assert err.value.code == "already_in_case"
    with pytest.raises(InvalidInput):
        services.split_case(actor=rso, case=case, persons=persons(case), reason="All of them")


def test_no_split_after_submission(case, rso, albania):
    to_stage(rso, case, "SUBMITTED", country=albania)
    with pytest.raises(Conflict):
        services.split_case(actor=rso, case=case, persons=persons(case)[:1], reason="Late request")


# --- submissions ---------------------------------------------------------------------------


def test_resubmission_after_rejection_goes_to_another_country(case, rso, albania, germany):
    to_stage(rso, case, "INTERVIEW", country=albania)
    services.decide_submission(actor=rso, case=case, accepted=False, note="Family size over the limit.")
    case.refresh_from_db()
    assert case.stage == "REJECTED" and case.country is None
    assert not SharingGrant.objects.filter(recipient=albania.recipient, expires_at__isnull=True).exists()
    with pytest.raises(Conflict) as err:
        services.submit_case(actor=rso, case=case, country=albania)
    assert err.value.code == "already_rejected"
    services.submit_case(actor=rso, case=case, country=germany)
    case.refresh_from_db()
    assert case.stage == "SUBMITTED" and case.country == germany
    assert [s.outcome for s in case.submissions.order_by("pk")] == ["REJECTED", "PENDING"]
    assert SharingGrant.objects.filter(recipient=germany.recipient, expires_at__isnull=True).count() == 3


def test_one_open_submission_at_a_time(case, rso, albania, germany):
    to_stage(rso, case, "SUBMITTED", country=albania)
    with pytest.raises(Conflict):
        services.submit_case(actor=rso, case=case, country=germany)
    assert case.submissions.count() == 1


def test_the_partner_sees_the_cases_submitted_to_its_country_and_only_their_members(
    case, rso, family, albania, germany
):
    other = services.open_case(actor=rso, household=family(2), primary_category="MED")
    to_stage(rso, case, "SUBMITTED", country=albania)
    to_stage(rso, other, "SUBMITTED", country=germany)
    assert list(queries.cases_for(albania.partner)) == [case]
    assert list(queries.cases_for(germany.partner)) == [other]
    assert {m.person_id for m in queries.members_for(albania.partner, case)} == {p.pk for p in persons(case)}
    services.decide_submission(actor=rso, case=case, accepted=False)
    assert list(queries.cases_for(albania.partner)) == []


def test_only_the_resettlement_officer_manages_cases(case, po, albania):
    with pytest.raises(NotPermitted):
        services.assess_case(actor=po, case=case, need_assessment="x")
    assert list(queries.cases_for(po)) == [case]  # protection officers read


# --- departure through the safeguards -------------------------------------------------------


def test_a_departure_the_safeguards_refuse_leaves_the_case_unchanged(case, rso, albania):
    # No third-country assessment of Albania was approved for these persons (N6).
    to_stage(rso, case, "EXIT_FORMALITIES", country=albania)
    with pytest.raises(SafeguardRefusal) as err:
        services.schedule_departure(actor=rso, case=case, departure_date=case.created_at.date())
    assert err.value.rule == "N6"
    case.refresh_from_db()
    assert case.stage == "EXIT_FORMALITIES"
    assert not Movement.objects.filter(state__in=["ASSESSED", "APPROVED"]).exists()
    assert Movement.objects.filter(state="REFUSED").count() == 1  # the refused attempt is on record
    assert GateResult.objects.filter(allowed=False).count() == 1
    assert all(p.presence == "PRESENT" for p in persons(case))


def test_a_departure_refused_at_carrying_out_moves_nobody(case, rso, po, po2, albania):
    from asylon.movements import risk_profile as movements

    to_stage(rso, case, "DEPARTURE_SCHEDULED", country=albania, po=po, po2=po2)
    services.approve_departure(actor=po, case=case)
    youngest = persons(case)[-1]
    movements.add_risk_country(
        actor=po, person=youngest, country="AL", kind="PERSECUTION", reason="Threats by an agent"
    )
    with pytest.raises(SafeguardRefusal) as err:
        services.record_departure(actor=rso, case=case)
    assert err.value.rule == "N1"
    case.refresh_from_db()
    assert case.stage == "DEPARTURE_SCHEDULED"
    assert all(p.presence == "PRESENT" for p in persons(case))
    assert not Movement.objects.filter(state="CARRIED_OUT").exists()
    # The refusal on record, once, is the member at fault's, whoever the step met first.
    refused = GateResult.objects.filter(action="carry_out", allowed=False)
    assert [r.movement.person_id for r in refused] == [youngest.pk]


def test_departure_is_not_recorded_before_approval(case, rso, po, po2, albania):
    to_stage(rso, case, "DEPARTURE_SCHEDULED", country=albania, po=po, po2=po2)
    with pytest.raises(Conflict) as err:
        services.record_departure(actor=rso, case=case)
    assert err.value.code == "departure_not_approved"


def test_the_case_members_show_their_relationship_in_the_readers_language(client, rso, case):
    from tests.signin import sign_in

    from asylon.accounts.models import User

    User.objects.filter(pk=rso.pk).update(language="fa")
    page = sign_in(client, rso).get(f"/resettlement/cases/{case.reference}/").content.decode()
    assert "(متقاضی اصلی)" in page and "(همسر یا شریک زندگی)" in page and "(فرزند)" in page
    assert "(PA)" not in page and "(SPOUSE)" not in page and "(CHILD)" not in page
    User.objects.filter(pk=rso.pk).update(language="en")
    page = client.get(f"/resettlement/cases/{case.reference}/").content.decode()
    assert "(principal applicant)" in page and "(PA)" not in page
