"""The protection-case API as its callers read it: a sensitive case is 404 to anyone but its
holders, lists do not count it, notes reach only the holders, and a referral refused by the
guard answers 409 naming its rule."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from tests.signin import bearer

from asylon.cases import services

from .conftest import MEDICAL_ANSWERS, consent

pytestmark = pytest.mark.django_db


def call(user, method: str, path: str, body: dict | None = None):
    client = Client()
    kwargs = bearer(user)
    if body is not None:
        return getattr(client, method)(
            f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **kwargs
        )
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def test_a_sensitive_case_is_404_to_a_colleague_and_missing_from_lists(open_case, colleague, supervisor):
    hidden = open_case(case_type="SURVIVOR_OF_TORTURE")
    visible = open_case(case_type="LEGAL")
    assert call(colleague, "get", f"/protection-cases/{hidden.reference}").status_code == 404
    assert call(colleague, "get", "/protection-cases/PC-999999").status_code == 404
    assert call(colleague, "post", f"/protection-cases/{hidden.reference}/notes", {"text": "x"}).status_code == 404
    listed = [c["reference"] for c in call(colleague, "get", "/protection-cases?which=site").json()]
    assert listed == [visible.reference]
    response = call(supervisor, "get", f"/protection-cases/{hidden.reference}")
    assert response.status_code == 200 and response.json()["case_type"] == "SURVIVOR_OF_TORTURE"


def test_notes_reach_the_holders_only(open_case, worker, colleague):
    case = open_case(case_type="MEDICAL")
    services.add_note(actor=worker, case=case, text="Fears retaliation")
    assert call(colleague, "get", f"/protection-cases/{case.reference}").json()["notes"] is None
    notes = call(worker, "get", f"/protection-cases/{case.reference}").json()["notes"]
    assert [n["text"] for n in notes] == ["Fears retaliation"]


def test_the_journey_through_the_api(open_case, worker, clinic, adult):
    case = open_case()
    ref = case.reference
    refused = call(worker, "post", f"/protection-cases/{ref}/assessments", {"answers": MEDICAL_ANSWERS})
    assert refused.status_code == 409 and refused.json()["rule"] == "DC"
    consent(worker, case)
    assert call(worker, "post", f"/protection-cases/{ref}/assessments", {"answers": MEDICAL_ANSWERS}).status_code == 201
    body = {"service": "MEDICAL", "recipient": clinic.name, "fields": ["reference", "age"]}
    refused = call(worker, "post", f"/protection-cases/{ref}/referrals", body)
    assert refused.status_code == 409 and refused.json()["rule"] == "DC"
    consent(worker, case, scope="REFERRAL", service="MEDICAL", recipient=clinic, fields=["reference", "age"])
    made = call(worker, "post", f"/protection-cases/{ref}/referrals", body)
    assert made.status_code == 201
    referral = made.json()["reference"]
    inbox = call(clinic.partner, "get", "/referrals").json()
    assert [r["reference"] for r in inbox] == [referral]
    assert set(inbox[0]["shared"]) == {"reference", "age"} and inbox[0]["shared"]["reference"] == adult.reference
    assert call(clinic.partner, "get", f"/protection-cases/{ref}").status_code in (403, 404)
    for answer in ({"action": "accept"}, {"action": "complete", "text": "Treated at the clinic"}):
        assert call(clinic.partner, "post", f"/referrals/{referral}/answers", answer).status_code == 200
    seen = call(worker, "get", f"/protection-cases/{ref}").json()["referrals"][0]
    assert (seen["state"], seen["outcome"]) == ("COMPLETED", "Treated at the clinic")
    closed = call(worker, "post", f"/protection-cases/{ref}/closure", {"reason": "NEEDS_MET"})
    assert closed.json()["state"] == "CLOSED"
