"""Access-matrix entries for movements: requests, transitions, group requests, risk profiles
and reference data (recipients: tests/sharing/access.py). Partners (D3) read shared persons
only, nothing here."""

from __future__ import annotations

from datetime import date

from tests.access_matrix import Entry, having

VIEW = having("movements.view_movement")
# The request form opens for whoever may request something: any movement, or a departure.
REQUEST = having("movements.add_movement") | having("movements.request_departure")
# The world's movements are internal transfers: only protection officers handle those
# (resettlement officers handle departures to third countries only).
HANDLE = having("movements.add_movement")
RISK_VIEW = having("movements.view_risk_profile")
RISK_MANAGE = having("movements.manage_risk_profile")
PERSON = {"reference": "person.reference"}
MOVEMENT = {"reference": "movement.reference"}
GROUP = {"reference": "group.reference"}


def _transfer(w) -> dict:
    return {"person": w.person.reference, "kind": "INTERNAL_TRANSFER", "destination_site": w.site_b.code}


def _group(w) -> dict:
    return {
        "site": w.site_a.code,
        "kind": "INTERNAL_TRANSFER",
        "description": "Matrix transfer",
        "persons": [w.person.reference],
        "destination_site": w.site_b.code,
    }


ROUTES = {
    "page:movements:list": Entry(VIEW),
    "page:movements:request": Entry(REQUEST),
    "page:movements:detail": Entry(VIEW, params=MOVEMENT),
    "page:movements:transition": Entry(
        HANDLE, method="POST", params=MOVEMENT, body=lambda w: {"action": "cancel", "reason": "Matrix check"}
    ),
    "page:movements:group_request": Entry(HANDLE),
    "page:movements:group_detail": Entry(VIEW, params=GROUP),
    "page:movements:risk_profile": Entry(RISK_VIEW, params=PERSON),
    "page:movements:reference_data": Entry(RISK_VIEW),
    "api:GET /api/v1/movements": Entry(VIEW),
    "api:POST /api/v1/movements": Entry(HANDLE, method="POST", body=_transfer),
    "api:GET /api/v1/movements/{reference}": Entry(VIEW, params=MOVEMENT),
    "api:POST /api/v1/movements/{reference}/transitions": Entry(
        HANDLE, method="POST", params=MOVEMENT, body=lambda w: {"action": "cancel", "reason": "Matrix check"}
    ),
    "api:POST /api/v1/movements/group": Entry(HANDLE, method="POST", body=_group),
    "api:GET /api/v1/movements/group/{reference}": Entry(VIEW, params=GROUP),
    "api:GET /api/v1/persons/{reference}/risk-profile": Entry(RISK_VIEW, params=PERSON),
    "api:POST /api/v1/persons/{reference}/risk-countries": Entry(
        RISK_MANAGE,
        method="POST",
        params=PERSON,
        body=lambda w: {"country": "AF", "kind": "PERSECUTION", "reason": "Matrix check"},
    ),
    "api:POST /api/v1/persons/{reference}/risk-assessments": Entry(
        RISK_MANAGE,
        method="POST",
        params=PERSON,
        body=lambda w: {
            "country": "AF",
            "finds_no_substantial_grounds": True,
            "finds_no_real_risk": True,
            "country_information": "Matrix country report",
        },
    ),
    "api:POST /api/v1/persons/{reference}/family-unity-decisions": Entry(
        having("movements.approve_movement"),
        method="POST",
        params=PERSON,
        body=lambda w: {"member": w.person.reference, "kind": "NO-SUCH-KIND", "country": "", "rationale": ""},
    ),
    # Evidence the gate reads (movements/evidence_api.py); bodies are refused as invalid.
    "api:POST /api/v1/persons/{reference}/chain-assessments": Entry(
        having("movements.approve_chain"),
        method="POST",
        params=PERSON,
        body=lambda w: {"country": "", "access_to_protection": True, "respects_non_refoulement": True, "rationale": ""},
    ),
    "api:POST /api/v1/persons/{reference}/chain-assessments/{assessment_id}/approvals": Entry(
        having("movements.approve_chain") & RISK_VIEW,
        method="POST",
        params={"reference": "person.reference", "assessment_id": "chain.pk"},
    ),
    "api:POST /api/v1/persons/{reference}/art-33-2-determinations": Entry(
        RISK_MANAGE,
        method="POST",
        params=PERSON,
        body=lambda w: {"competent_authority": "", "reference": "", "decided_on": "2013-01-01"},
    ),
    "api:POST /api/v1/persons/{reference}/voluntariness-records": Entry(
        having("movements.record_voluntariness"),
        method="POST",
        params=PERSON,
        body=lambda w: {},
    ),
    "api:POST /api/v1/persons/{reference}/consent-withdrawal": Entry(
        having("movements.record_voluntariness"),
        method="POST",
        params=PERSON,
        body=lambda w: {"note": ""},
    ),
}

# Reference data (movements/reference_api.py) and data sharing (movements/sharing_api.py):
# write bodies are refused as invalid, so the world stays as built.
REFERENCE_MANAGE = having("movements.manage_reference_data")
RECIPIENTS = having("movements.view_recipient")
RECIPIENTS_MANAGE = having("movements.manage_recipients")
GRANTS = RECIPIENTS_MANAGE | having("movements.request_departure")
POLICY = {"policy_id": "onward_policy.pk"}
RECIPIENT = {"recipient_id": "sharing_recipient.pk"}


def _write(allow, params=None, body=None) -> Entry:
    return Entry(allow, method="POST", params=params or {}, body=body or (lambda w: {}))


ROUTES |= {
    "api:GET /api/v1/onward-return-policies": Entry(RISK_VIEW),
    "api:POST /api/v1/onward-return-policies": _write(REFERENCE_MANAGE),
    "api:GET /api/v1/onward-return-policies/{policy_id}": Entry(RISK_VIEW, params=POLICY),
    "api:POST /api/v1/onward-return-policies/{policy_id}/end": _write(
        REFERENCE_MANAGE, POLICY, lambda w: {"valid_to": "1990-01-01"}
    ),
    "api:GET /api/v1/country-authorities": Entry(RISK_VIEW),
    "api:POST /api/v1/country-authorities": _write(REFERENCE_MANAGE),
    "api:GET /api/v1/recipients": Entry(RECIPIENTS),
    "api:POST /api/v1/recipients": _write(RECIPIENTS_MANAGE, body=lambda w: {"name": "", "kind": "NO-SUCH-KIND"}),
    "api:GET /api/v1/recipients/{recipient_id}": Entry(RECIPIENTS, params=RECIPIENT),
    "api:POST /api/v1/recipients/{recipient_id}/agreements": _write(RECIPIENTS_MANAGE, RECIPIENT),
    "api:POST /api/v1/recipients/{recipient_id}/partner-accounts": _write(RECIPIENTS_MANAGE, RECIPIENT),
    "api:GET /api/v1/recipients/{recipient_id}/grants": Entry(RECIPIENTS, params=RECIPIENT),
    "api:POST /api/v1/recipients/{recipient_id}/grants": _write(GRANTS, RECIPIENT),
    "api:POST /api/v1/recipients/{recipient_id}/grants/expiry": _write(GRANTS, RECIPIENT),
    "api:POST /api/v1/recipients/{recipient_id}/releases": _write(having("movements.release_personal_data"), RECIPIENT),
    "api:GET /api/v1/disclosures": Entry(having("movements.view_disclosure")),
}


def build_world(w):
    from asylon.movements import gate, reference_data, risk_profile
    from asylon.movements import requests as movement_requests
    from asylon.sharing import services as sharing_services

    protection = w.users["protection_officer"]
    try:
        w.movement = movement_requests.request_movement(
            actor=protection, person=w.person, kind="INTERNAL_TRANSFER", destination_site=w.site_b
        )
    except gate.MovementRefused as refused:  # a refused request is kept, and viewable, too
        w.movement = refused.movement
    w.chain = risk_profile.record_chain_assessment(
        actor=protection,
        person=w.person,
        country="AL",
        admission_document="Letter 1",
        access_to_protection=True,
        respects_non_refoulement=True,
        rationale="Matrix check",
    )
    w.onward_policy = reference_data.record_onward_policy(
        actor=protection,
        country="TR",
        nationality="SY",
        returns_to="SY",
        source="Matrix check",
        valid_from=date(2012, 1, 1),
    )
    w.sharing_recipient = sharing_services.create_recipient(
        actor=protection, name="Matrix legal aid office", kind="NGO"
    )
    w.group = movement_requests.request_group_movement(
        actor=protection,
        site=w.site_a,
        kind="INTERNAL_TRANSFER",
        description="Matrix group transfer",
        persons=[w.person],
        destination_site=w.site_b,
    )
