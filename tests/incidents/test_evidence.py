"""Evidence: checksums, chain of custody, upload checks, `asylon evidence verify`, access rules."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.core.errors import InvalidInput, NotPermitted
from asylon.incidents import evidence as store
from asylon.incidents import services
from asylon.incidents.models import CustodyEntry, Evidence

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"synthetic picture"
PDF = b"%PDF-1.4\n% synthetic statement\n"


def attach(actor, incident, data=PNG, name="gate.png"):
    return services.add_evidence(actor=actor, incident=incident, file=io.BytesIO(data), name=name)


def test_upload_keeps_checksum_size_type_and_opens_custody(report, monitor):
    incident = report(monitor)
    ev = attach(monitor, incident)
    assert ev.sha256 == hashlib.sha256(PNG).hexdigest() and ev.size == len(PNG) and ev.content_type == "image/png"
    assert store.path_of(ev.sha256).read_bytes() == PNG
    assert [c.action for c in ev.custody.all()] == ["UPLOADED"]


@pytest.mark.parametrize(
    "data,name,reason",
    [
        (b"<html><script>alert(1)</script>", "photo.jpg", "not an accepted type"),
        (b"MZ\x90\x00 an executable", "report.pdf", "not an accepted type"),
        (b"", "empty.png", "is empty"),
    ],
)
def test_upload_refuses_wrong_type_with_the_files_name(report, monitor, data, name, reason):
    incident = report(monitor)
    with pytest.raises(InvalidInput) as exc:
        attach(monitor, incident, data, name)
    assert name in exc.value.message and reason in exc.value.message
    assert not Evidence.objects.exists()
    assert not [p for p in (store.root() / "evidence").rglob("*") if p.is_file()]


def test_size_limit(report, monitor, settings):
    settings.ASYLON_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(InvalidInput, match="larger than the limit"):
        attach(monitor, report(monitor), PDF + b"x" * 2000, "big.pdf")


def test_monitor_attaches_only_to_own_reports(report, monitor, officer):
    with pytest.raises(NotPermitted):
        attach(monitor, report(officer))


def test_verify_catches_a_changed_and_a_missing_file(report, officer, capsys):
    incident = report(officer)
    changed = attach(officer, incident, PNG, "a.png")
    gone = attach(officer, incident, PDF, "b.pdf")
    call_command("evidence", "verify")
    assert "2 evidence files checked, 0 problems" in capsys.readouterr().out
    path = store.path_of(changed.sha256)
    os.chmod(path, 0o640)
    path.write_bytes(PNG + b"tampered")
    store.path_of(gone.sha256).unlink()
    with pytest.raises(CommandError):
        call_command("evidence", "verify")
    out = capsys.readouterr().out
    assert f"CHANGED: evidence {changed.pk}" in out and f"MISSING: evidence {gone.pk}" in out
    assert CustodyEntry.objects.filter(action="INTEGRITY_FAILED").count() == 2


def test_download_is_an_attachment_with_custody(client, report, officer):
    ev = attach(officer, report(officer))
    sign_in(client, officer)
    r = client.get(f"/incidents/evidence/{ev.pk}/")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PNG
    assert r["Content-Disposition"].startswith("attachment") and r["X-Content-Type-Options"] == "nosniff"
    assert [c.action for c in ev.custody.all()] == ["UPLOADED", "DOWNLOADED"]
    r = client.post(f"/incidents/evidence/{ev.pk}/hand-over/", {"recipient": "forensic team of the mission"})
    assert ev.custody.last().recipient == "forensic team of the mission"


def test_changed_file_is_not_served(client, report, officer):
    ev = attach(officer, report(officer))
    path = store.path_of(ev.sha256)
    os.chmod(path, 0o640)
    path.write_bytes(PNG + b"x")
    sign_in(client, officer)
    assert client.get(f"/incidents/evidence/{ev.pk}/").status_code == 409


@pytest.mark.parametrize(
    "role", [Role.FIELD_MONITOR, Role.REGISTRATION_CLERK, Role.RSD_OFFICER, Role.STATISTICS_VIEWER]
)
def test_other_roles_never_get_evidence(client, report, officer, monitor, make_user, role):
    incident = report(monitor)
    ev = attach(monitor, incident)
    user = monitor if role == Role.FIELD_MONITOR else make_user(role, username=f"u-{role}")
    sign_in(client, user)
    assert client.get(f"/incidents/evidence/{ev.pk}/").status_code == 404
    detail = client.get(f"/incidents/{incident.reference}/")
    assert f"/incidents/evidence/{ev.pk}/".encode() not in detail.content


def test_out_of_site_officer_gets_404(client, report, officer, make_user, site_b):
    ev = attach(officer, report(officer))
    sign_in(client, make_user(Role.PROTECTION_OFFICER, sites=[site_b], username="far"))
    assert client.get(f"/incidents/evidence/{ev.pk}/").status_code == 404


def test_upload_page_shows_a_clear_error(client, report, monitor):
    incident = report(monitor)
    sign_in(client, monitor)
    r = client.post(
        f"/incidents/{incident.reference}/evidence/",
        {"file": SimpleUploadedFile("notes.txt", b"plain text", content_type="image/png")},
        follow=True,
    )
    assert b"notes.txt is not an accepted type" in r.content
    r = client.post(
        f"/incidents/{incident.reference}/evidence/",
        {"file": SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf")},
        follow=True,
    )
    assert b"s.pdf attached" in r.content and Evidence.objects.count() == 1


@pytest.mark.parametrize(
    ("uploaded", "saved_as"),
    [("statement.html", "statement.png"), ("photo.png.html", "photo.png"), (".html", "evidence.png")],
)
def test_download_is_named_from_the_stored_type_not_the_uploaded_name(client, report, officer, uploaded, saved_as):
    """A PNG uploaded as "statement.html" is saved as "statement.png": a browser or a desktop
    opens it as a picture, never as a page."""
    ev = attach(officer, report(officer), name=uploaded)
    sign_in(client, officer)
    r = client.get(f"/incidents/evidence/{ev.pk}/")
    assert r.status_code == 200
    assert r["Content-Type"] == "image/png"
    assert r["Content-Disposition"] == f'attachment; filename="{saved_as}"'
    assert r["X-Content-Type-Options"] == "nosniff"


def test_verify_names_a_file_swapped_together_with_its_row(report, officer, capsys):
    """The table and the store agree with each other, but not with the audit trail's record
    of the upload: the evidence is named, with the checksum the trail holds."""
    ev = attach(officer, report(officer), PNG, "gate.png")
    forged = PNG + b" retouched"
    forged_sha = hashlib.sha256(forged).hexdigest()
    path = store.path_of(forged_sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(forged)
    Evidence.objects.filter(pk=ev.pk).update(sha256=forged_sha, size=len(forged))
    with pytest.raises(CommandError, match="replaced"):
        call_command("evidence", "verify")
    out = capsys.readouterr().out
    assert f"REPLACED: evidence {ev.pk} of {ev.incident.reference} 'gate.png' sha256 {ev.sha256}" in out
    assert f"now sha256 {forged_sha}" in out and "the audit trail recorded another checksum" in out
    assert CustodyEntry.objects.filter(evidence=ev, action="INTEGRITY_FAILED", note="replaced").exists()


def test_verify_names_evidence_with_no_upload_on_the_trail(report, officer, capsys):
    ev = attach(officer, report(officer), PDF, "statement.pdf")
    from asylon.audit.models import AuditEvent

    AuditEvent.objects.filter(action="evidence.uploaded", object_id=str(ev.pk)).update(object_id="0")
    with pytest.raises(CommandError):
        call_command("evidence", "verify", "--no-record")
    assert f"UNRECORDED: evidence {ev.pk}" in capsys.readouterr().out
