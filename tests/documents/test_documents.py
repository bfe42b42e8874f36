"""Protection documents: a paper attests what the register says, its QR code verifies offline
with the published key, and a paper the register no longer bears out reads as withdrawn."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command

from asylon.core.dates import today
from asylon.core.errors import Conflict, NotPermitted
from asylon.documents import services, signing
from asylon.documents.models import DocumentKind, DocumentState, ProtectionDocument
from asylon.registry.queries import principal_applicant
from asylon.status.models import LegalStatus
from asylon.status.queries import status_on
from asylon.status.services import record_status_event


@pytest.fixture
def resident(household):
    person = principal_applicant(household)
    assert status_on(person).status == LegalStatus.ASYLUM_SEEKER  # registration records the claim
    return person


def test_a_certificate_carries_a_signed_statement_with_no_name(clerk, resident):
    doc = services.issue_document(actor=clerk, person=resident, kind=DocumentKind.ASYLUM_SEEKER_CERTIFICATE)
    checked = signing.check(doc.statement, signing.published_keys())
    assert checked.authentic
    assert checked.payload["r"] == doc.reference and checked.payload["s"] == "ASYLUM_SEEKER"
    assert checked.payload["v"] == (today() + timedelta(days=183)).isoformat()
    for private in (resident.given_name, resident.family_name, resident.fathers_name, str(resident.date_of_birth)):
        assert private not in json.dumps(checked.payload)
    assert services.verify(doc.statement).verdict == "valid"


def test_a_paper_cannot_attest_a_status_the_person_does_not_hold(clerk, resident):
    with pytest.raises(Conflict) as refused:
        services.issue_document(actor=clerk, person=resident, kind=DocumentKind.REFUGEE_ATTESTATION)
    assert refused.value.code == "document_not_supported"
    assert "asylum seeker" in refused.value.message
    assert not ProtectionDocument.objects.exists()


def test_a_reissue_supersedes_the_paper_before(clerk, resident):
    first = services.issue_document(actor=clerk, person=resident, kind=DocumentKind.ASYLUM_SEEKER_CERTIFICATE)
    second = services.issue_document(actor=clerk, person=resident, kind=DocumentKind.ASYLUM_SEEKER_CERTIFICATE)
    first.refresh_from_db()
    assert (first.state, first.superseded_by) == (DocumentState.SUPERSEDED, second)
    assert services.revocation_list()["documents"][first.reference]["state"] == "SUPERSEDED"
    assert services.verify(first.statement).verdict == "superseded"
    assert services.verify(second.statement).verdict == "valid"


def test_a_departure_withdraws_the_papers_it_invalidates(clerk, protection_officer, resident):
    doc = services.issue_document(actor=clerk, person=resident, kind=DocumentKind.ASYLUM_SEEKER_CERTIFICATE)
    slip = services.issue_document(actor=clerk, person=resident, kind=DocumentKind.HOUSEHOLD_SLIP)
    record_status_event(
        actor=protection_officer, person=resident, status=LegalStatus.DEPARTED_RESETTLED, note="Left for Canada"
    )
    listed = services.revocation_list()["documents"]
    assert listed[doc.reference]["state"] == "WITHDRAWN" and listed[slip.reference]["state"] == "WITHDRAWN"
    assert services.verify(doc.statement).verdict == "withdrawn"
    with pytest.raises(Conflict):  # and no new paper for someone who has left
        services.issue_document(actor=clerk, person=resident, kind=DocumentKind.ASYLUM_SEEKER_CERTIFICATE)


def test_an_altered_code_is_forged_and_a_foreign_one_unknown(clerk, resident):
    doc = services.issue_document(actor=clerk, person=resident, kind=DocumentKind.ASYLUM_SEEKER_CERTIFICATE)
    prefix, body, sig = doc.statement.split(".")
    payload = json.loads(signing._unb64(body))
    payload["v"] = "2099-12-31"  # a longer validity written in by hand
    forged = ".".join([prefix, signing._b64(json.dumps(payload).encode()), sig])
    assert services.verify(forged).verdict == "forged"
    assert services.verify("https://example.org/not-a-document").verdict == "unknown"


def test_a_rotated_key_keeps_old_papers_valid(clerk, resident, settings):
    old = services.issue_document(actor=clerk, person=resident, kind=DocumentKind.ASYLUM_SEEKER_CERTIFICATE)
    signing.rotate()
    new = services.issue_document(actor=clerk, person=resident, kind=DocumentKind.HOUSEHOLD_SLIP)
    assert new.key != old.key and set(signing.published_keys()) == {old.key.key_id, new.key.key_id}
    assert services.verify(old.statement).verdict == "valid"
    # The private halves are files in the key dir, never in the data dir or the database.
    assert sorted(p.name for p in settings.ASYLON_KEY_DIR.iterdir()) == sorted(
        f"document-signing-{k}.pem" for k in (old.key.key_id, new.key.key_id)
    )
    assert not str(settings.ASYLON_KEY_DIR).startswith(str(settings.DATA_DIR) + "/")


def test_withdrawing_needs_a_reason_and_the_protection_role(clerk, protection_officer, resident):
    doc = services.issue_document(actor=clerk, person=resident, kind=DocumentKind.ASYLUM_SEEKER_CERTIFICATE)
    with pytest.raises(NotPermitted):
        services.withdraw_document(actor=clerk, document=doc, reason="lost")
    services.withdraw_document(actor=protection_officer, document=doc, reason="reported stolen")
    doc.refresh_from_db()
    assert (doc.state, doc.end_reason) == (DocumentState.WITHDRAWN, "reported stolen")
    assert services.verify(doc.statement).verdict == "withdrawn"


def test_the_command_reads_the_code_from_the_printed_pdf(clerk, protection_officer, resident, tmp_path, capsys):
    from asylon.documents.pdf import render_pdf

    doc = services.issue_document(
        actor=clerk, person=resident, kind=DocumentKind.ASYLUM_SEEKER_CERTIFICATE, language="fa"
    )
    path = tmp_path / "paper.pdf"
    path.write_bytes(render_pdf(doc))
    call_command("documents", "verify", str(path))
    assert f"VALID: {doc.reference}" in capsys.readouterr().out
    services.withdraw_document(actor=protection_officer, document=doc, reason="reported stolen")
    with pytest.raises(SystemExit):
        call_command("documents", "verify", str(path))
    assert f"WITHDRAWN: {doc.reference}" in capsys.readouterr().out


def test_the_api_issues_withdraws_after_confirmation_and_verifies_with_an_audit_event(
    client, clerk, protection_officer, resident
):
    from tests.signin import bearer

    from asylon.audit.models import AuditEvent

    base = f"/api/v1/persons/{resident.reference}/documents"
    issued = client.post(base, {"kind": "ASC", "language": "ar"}, content_type="application/json", **bearer(clerk))
    assert issued.status_code == 201, issued.content
    doc = issued.json()
    assert (doc["kind"], doc["state"], doc["person"]) == ("ASC", "VALID", resident.reference)

    verified = client.post(
        "/api/v1/documents/verify", {"code": doc["statement"]}, content_type="application/json", **bearer(clerk)
    )
    assert verified.json() == {
        "verdict": "valid",
        "reason": "",
        "reference": doc["reference"],
        "valid_until": doc["valid_until"],
    }
    assert AuditEvent.objects.filter(action="document.verified", object_ref=doc["reference"]).count() == 1

    withdraw = f"/api/v1/documents/{doc['reference']}/withdraw"
    asked = client.post(withdraw, {"reason": "stolen"}, content_type="application/json", **bearer(protection_officer))
    assert asked.status_code == 409 and asked.json()["code"] == "confirmation_required"
    assert ProtectionDocument.objects.get(reference=doc["reference"]).state == DocumentState.VALID
    done = client.post(
        withdraw, {"reason": "stolen", "confirm": True}, content_type="application/json", **bearer(protection_officer)
    )
    assert done.status_code == 200 and done.json()["state"] == "WITHDRAWN"
    listed = client.get(base, **bearer(clerk)).json()
    assert [d["state"] for d in listed] == ["WITHDRAWN"]
