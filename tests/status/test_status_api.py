"""The legal-status API as a client program uses it: bearer token, JSON, codes on refusal."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from tests.signin import totp_device
from tests.status.conftest import D0

from asylon.accounts.services import issue_api_token
from asylon.core.dates import today


@pytest.fixture
def as_user(client):
    def make(user):
        totp_device(user)  # roles that see sensitive fields hold a token only with a second factor
        token = issue_api_token(actor=user, user=user)

        def call(method: str, path: str, body=None):
            kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
            if body is not None:
                kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
            return getattr(client, method)(f"/api/v1{path}", **kwargs)

        return call

    return make


def test_case_lifecycle_through_the_api(as_user, officer1, officer2, family, clerk):
    one, two = as_user(officer1), as_user(officer2)
    pa, spouse, child = family
    created = one(
        "post",
        "/rsd-cases",
        {
            "applicant": pa.reference,
            "dependants": [spouse.reference, child.reference],
            "registered_on": str(D0),
            "assigned_officer": "rsd-one",
        },
    )
    assert created.status_code == 201, created.content
    ref = created.json()["reference"]
    assert created.json()["allowed_actions"] == ["schedule_interview"]
    steps = [
        (one, {"action": "schedule_interview", "on": D0, "interview_on": D0}),
        (one, {"action": "record_interview", "on": D0, "notes": "Held."}),
        (one, {"action": "assess", "on": D0, "assessment": "Credible.", "recommendation": "REJECTED"}),
        (
            one,
            {
                "action": "decide",
                "on": D0,
                "outcome": "REJECTED",
                "reasons": "Not credible on the key facts.",
                "confirm": True,
            },
        ),
        (one, {"action": "notify", "on": today() - timedelta(days=2), "confirm": True}),
        (one, {"action": "lodge_appeal", "grounds": "Facts misread."}),
    ]
    for who, body in steps:
        r = who("post", f"/rsd-cases/{ref}/transitions", body)
        assert r.status_code == 200, (body, r.content)
    same = one(
        "post", f"/rsd-cases/{ref}/transitions", {"action": "decide_appeal", "outcome": "RECOGNISED", "reasons": "x"}
    )
    assert same.status_code == 409 and same.json()["code"] == "appeal_same_officer"
    bad = two("post", f"/rsd-cases/{ref}/transitions", {"action": "notify"})
    assert bad.status_code == 409 and bad.json()["code"] == "invalid_transition"
    ok = two(
        "post",
        f"/rsd-cases/{ref}/transitions",
        {
            "action": "decide_appeal",
            "outcome": "RECOGNISED",
            "reasons": "Credible after all.",
            "grounds": ["POLITICAL_OPINION"],
            "legal_basis": "1951_CONV",
            "recognised_by": "UNHCR",
        },
    )
    assert ok.status_code == 200 and ok.json()["state"] == "APPEAL_DECIDED"
    pending = one("get", f"/persons/{child.reference}/status").json()
    assert pending["appeal_pending"] and pending["claim_pending"] and pending["status"] == "ASYLUM_SEEKER"
    assert two("post", f"/rsd-cases/{ref}/transitions", {"action": "notify_appeal", "confirm": True}).status_code == 200
    history = one("get", f"/persons/{child.reference}/status-history").json()
    assert history["current"]["status"] == "REFUGEE" and history["current"]["derivative_of"] == pa.reference
    assert history["entries"][-1]["rsd_case"] == ref and history["entries"][-1]["recorded_by"] == "rsd-two"
    past = one("get", f"/persons/{pa.reference}/status?on={D0 - timedelta(days=1)}").json()
    assert past["status"] == "ASYLUM_SEEKER" and past["rsd_case_state"] is None
    # Reasons and notes are for RSD and protection roles only; a clerk sees status, not cases.
    assert one("get", f"/rsd-cases/{ref}").json()["confidential"]["interview_notes"] == "Held."
    clerk_api = as_user(clerk)
    # The route is closed to the role: 403 for any reference, so it tells nothing of this case.
    assert clerk_api("get", f"/rsd-cases/{ref}").status_code == 403
    assert clerk_api("get", "/rsd-cases/NO-SUCH-CASE").status_code == 403
    assert clerk_api("get", f"/persons/{pa.reference}/status").json()["status"] == "REFUGEE"
    mine = one("get", "/rsd-cases?queue=mine").json()
    assert mine["count"] == 0  # closed cases leave the officer's queue


def test_group_declaration_preview_confirm_revoke(as_user, protection_officer, officer1, family, site_a):
    api = as_user(protection_officer)
    criteria = {"site": "AAA", "nationality": "IR", "cutoff_kind": "REGISTRATION", "cutoff_date": "2013-01-01"}
    preview = api("post", "/group-declarations/preview", criteria)
    assert preview.status_code == 200 and preview.json()["count"] == 3
    assert as_user(officer1)("post", "/group-declarations/preview", criteria).status_code == 403
    body = {
        **criteria,
        "effective_on": "2013-02-01",
        "legal_basis": "OAU_1969",
        "recognised_by": "HOST_STATE",
        "legal_basis_text": "Decree (synthetic).",
    }
    created = api("post", "/group-declarations", body)
    assert created.status_code == 201 and created.json()["applied_count"] == 3
    did = created.json()["id"]
    status = api("get", f"/persons/{family[0].reference}/status").json()
    assert status["status"] == "REFUGEE" and status["determination_mode"] == "PRIMA_FACIE_GROUP"
    assert api("post", f"/group-declarations/{did}/revoke", {"reason": "", "confirm": True}).status_code == 422
    revoked = api("post", f"/group-declarations/{did}/revoke", {"reason": "Issued in error.", "confirm": True})
    assert revoked.status_code == 200 and revoked.json()["reverted_count"] == 3
    assert api("get", f"/persons/{family[0].reference}/status").json()["status"] == "ASYLUM_SEEKER"
    entries = api("get", f"/persons/{family[0].reference}/status-history").json()["entries"]
    assert entries[0]["reverted_by_declaration"] == did


def test_site_designation_api(as_user, protection_officer, site_a):
    api = as_user(protection_officer)
    r = api(
        "post",
        "/site-designations",
        {
            "site": "AAA",
            "designation": "REFUGEE_CAMP",
            "effective_on": "2013-03-01",
            "legal_basis_text": "Act (synthetic).",
        },
    )
    assert r.status_code == 201 and r.json()["previous_designation"] == "TTL"
    revoke = f"/site-designations/{r.json()['id']}/revoke"
    assert api("post", revoke, {"reason": "Error.", "confirm": True}).status_code == 200
