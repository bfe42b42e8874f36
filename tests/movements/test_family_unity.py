"""N8 from the register: a movement that would take some members of a household and leave
others is blocked until every member left behind has an explicit decision with a rationale
(the override DOMAIN.md 6.2 allows), for single and group requests alike."""

from __future__ import annotations

from datetime import date

import pytest
from tests.conftest import member
from tests.html_text import visible_text
from tests.signin import sign_in

from asylon.audit.models import AuditEvent
from asylon.core.errors import InvalidInput, NotPermitted
from asylon.movements import gate as movement_gate
from asylon.movements import requests as movement_requests
from asylon.movements.models import GateResult, Movement
from asylon.registry import services as registry
from asylon.registry.models import Location

from .conftest import approve_chain, clear_risk, set_status


@pytest.fixture
def couple(clerk, po, site_a, block4):
    """A husband finally rejected (risk assessed as cleared for IR) and his wife, an asylum seeker."""
    unit = Location.objects.create(site=site_a, kind="UNIT", name="B4-07", parent=block4)
    household = registry.register_household(
        actor=clerk,
        site=site_a,
        unit=unit,
        arrival_date=date(2012, 2, 18),
        members=[member(given_name="Husbandtest"), member("SPOUSE", given_name="Wifetest", sex="F")],
    )
    husband = household.memberships.get(relationship="PA").person
    wife = household.memberships.get(relationship="SPOUSE").person
    set_status(po, husband, "REJECTED_FINAL")
    clear_risk(po, husband, "IR")
    return husband, wife


def _deport_block(po, site_a, block4):
    return movement_requests.request_group_movement(
        actor=po,
        site=site_a,
        block=block4,
        kind="DEPORTATION_ORDER",
        destination_country="IR",
        description="Deportation order for block 4",
    )


def test_group_deportation_taking_the_husband_and_leaving_the_wife_is_refused(po, site_a, block4, couple):
    husband, wife = couple
    group = _deport_block(po, site_a, block4)
    assert (group.allowed_count, group.refused_count) == (0, 2)
    gate = GateResult.objects.get(movement__person=husband)
    assert [b["rule"] for b in gate.blocks] == ["N8"]
    assert wife.reference in gate.blocks[0]["detail"]


def test_a_single_removal_that_splits_the_household_is_refused(po, couple):
    husband, wife = couple
    with pytest.raises(movement_gate.MovementRefused) as err:
        movement_requests.request_movement(actor=po, person=husband, kind="DEPORTATION_ORDER", destination_country="IR")
    assert [b.rule for b in err.value.blocks] == ["N8"]
    assert wife.reference in err.value.blocks[0].detail


def test_a_recorded_decision_for_the_member_who_stays_lets_the_removal_go_ahead(po, po2, couple):
    husband, wife = couple
    movement_requests.record_family_unity_decision(
        actor=po2,
        person=husband,
        member=wife,
        kind="DEPORTATION_ORDER",
        country="IR",
        rationale="The couple separated in 2013; she asked to stay.",
    )
    movement = movement_requests.request_movement(
        actor=po, person=husband, kind="DEPORTATION_ORDER", destination_country="IR"
    )
    assert movement.state == "ASSESSED"
    gate = GateResult.objects.get(movement=movement)
    assert "N8" in [w["rule"] for w in gate.warnings]
    assert gate.result["family_unity_override"] == {
        "rationale": "The couple separated in 2013; she asked to stay.",
        "approved_by": po2.get_username(),
    }
    event = AuditEvent.objects.get(action="movement.family_unity_decided")
    assert event.changes["member"] == wife.reference


def test_the_decision_covers_only_the_kind_and_country_it_names(po, couple):
    husband, wife = couple
    movement_requests.record_family_unity_decision(
        actor=po, person=husband, member=wife, kind="VOLUNTARY_REPATRIATION", country="IR", rationale="Her wish."
    )
    with pytest.raises(movement_gate.MovementRefused) as err:
        movement_requests.request_movement(actor=po, person=husband, kind="DEPORTATION_ORDER", destination_country="IR")
    assert "N8" in {b.rule for b in err.value.blocks}


def test_a_household_moving_together_passes_n8(po, po2, couple):
    husband, wife = couple
    for person in couple:
        set_status(po, person, "REFUGEE")
        approve_chain(po, po2, person, "AL")
    preview = movement_gate.preview_movement(
        actor=po, persons=[husband, wife], kind="RESETTLEMENT_DEPARTURE", destination_country="AL"
    )
    assert all(a.allowed for a in preview.values())
    assert {a.outcome_of("N8") for a in preview.values()} == {"passed"}
    # Previewing records nothing.
    assert not Movement.objects.exists() and not GateResult.objects.exists()
    first = movement_requests.request_movement(
        actor=po, person=husband, kind="RESETTLEMENT_DEPARTURE", destination_country="AL", together=[wife]
    )
    second = movement_requests.request_movement(
        actor=po, person=wife, kind="RESETTLEMENT_DEPARTURE", destination_country="AL"
    )
    # Approval re-reads the household: both are now set to go.
    for movement in (first, second):
        assert movement_requests.transition_movement(actor=po, movement=movement, action="approve").state == "APPROVED"


def test_the_override_needs_a_rationale_a_household_member_and_an_approving_role(po, clerk, resident, couple):
    husband, wife = couple
    with pytest.raises(InvalidInput) as err:
        movement_requests.record_family_unity_decision(
            actor=po, person=husband, member=wife, kind="DEPORTATION_ORDER", country="IR", rationale=" "
        )
    assert "rationale" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        movement_requests.record_family_unity_decision(
            actor=po, person=husband, member=resident(), kind="DEPORTATION_ORDER", country="IR", rationale="x"
        )
    assert "member" in err.value.errors
    with pytest.raises(NotPermitted):
        movement_requests.record_family_unity_decision(
            actor=clerk, person=husband, member=wife, kind="DEPORTATION_ORDER", country="IR", rationale="x"
        )


def test_the_risk_profile_page_records_the_decision_and_shows_it(client, po, couple):
    husband, wife = couple
    sign_in(client, po)
    page = f"/movements/persons/{husband.reference}/risk/"
    r = client.post(
        page,
        {
            "what": "family_unity",
            "member": wife.reference,
            "kind": "DEPORTATION_ORDER",
            "country": "IR",
            "rationale": "She asked to stay with her sister.",
        },
    )
    assert r.status_code == 302, r.content
    shown = visible_text(client.get(page).content.decode())
    assert f"{wife.reference} stays when this person goes" in shown
    assert "She asked to stay with her sister." in shown
    movement = movement_requests.request_movement(
        actor=po, person=husband, kind="DEPORTATION_ORDER", destination_country="IR"
    )
    assert movement.state == "ASSESSED"
