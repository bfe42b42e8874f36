"""D1 reads DOMAIN.md 8.2 as written: the country of origin (origin, nationality, former
habitual residence) and the alleged actor of persecution (a recorded persecution risk). A
torture or ill-treatment risk in a third country stops a *movement* there (N2, N3, N6), not a
submission of the case to that country's delegation."""

from __future__ import annotations

import pytest

from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.core.errors import SafeguardRefusal
from asylon.movements import gate, reference_data, risk_profile
from asylon.movements import requests as movement_requests
from asylon.sharing import services as sharing_services
from asylon.sharing.models import SharingGrant


@pytest.fixture
def germany(po):
    return sharing_services.create_recipient(
        actor=po, name="German delegation", kind="RESETTLEMENT_COUNTRY", country="DE"
    )


def test_an_ill_treatment_risk_in_germany_does_not_stop_a_submission_to_germany(po, resident, germany):
    person = resident("REFUGEE")
    risk_profile.add_risk_country(
        actor=po, person=person, country="DE", kind="ILL_TREATMENT", reason="Detention conditions on arrival."
    )
    [grant] = sharing_services.grant_sharing(actor=po, recipient=germany, persons=[person], reason="Submission RST-1")
    assert grant.person == person
    # ...while moving the person there is still refused by the movement rules.
    with pytest.raises(gate.MovementRefused) as err:
        movement_requests.request_movement(
            actor=po, person=person, kind="RESETTLEMENT_DEPARTURE", destination_country="DE"
        )
    assert {"N3", "N6"} <= {b.rule for b in err.value.blocks}


def test_a_state_recorded_as_persecutor_gets_nothing(po, resident, germany):
    person = resident("REFUGEE")
    risk_profile.add_risk_country(
        actor=po, person=person, country="DE", kind="PERSECUTION", reason="Agents of the state pursue him."
    )
    with pytest.raises(SafeguardRefusal) as err:
        sharing_services.grant_sharing(actor=po, recipient=germany, persons=[person], reason="Submission RST-2")
    assert err.value.rule == "D1"
    assert not SharingGrant.objects.exists()


def test_no_account_can_act_for_an_organisation_speaking_for_the_state_of_origin(po, resident, make_user):
    resident("REFUGEE")  # an Iranian at the account's site
    reference_data.record_country_authority(
        actor=po, name="Friends of the Homeland Association", country="IR", kind="PROXY", valid_from=today()
    )
    proxy = sharing_services.create_recipient(actor=po, name="Friends of the Homeland Association", kind="NGO")
    partner = make_user(Role.PARTNER, username="homeland-assoc")
    with pytest.raises(SafeguardRefusal) as err:
        sharing_services.link_recipient_user(actor=po, recipient=proxy, user=partner)
    assert err.value.rule == "D1" and "Iran" in err.value.detail
    assert not proxy.users.exists()


def test_no_account_can_act_for_a_state_recorded_as_persecuting_someone_here(po, resident, make_user, germany):
    person = resident("REFUGEE")
    risk_profile.add_risk_country(
        actor=po, person=person, country="DE", kind="PERSECUTION", reason="Agents of the state pursue him."
    )
    with pytest.raises(SafeguardRefusal) as err:
        sharing_services.link_recipient_user(
            actor=po, recipient=germany, user=make_user(Role.PARTNER, username="de-deleg")
        )
    assert err.value.rule == "D1"
