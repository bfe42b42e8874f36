"""A record export above `QUEUE_ABOVE` rows is made on the queue: the page sends the user to
the job, which reads "queued" until a worker takes it, then offers the file (to the same user,
audited as an export like any other); a failed export shows failed with its error."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.signin import sign_in

from asylon.audit.models import AuditEvent
from asylon.core.models import Job, JobStatus
from asylon.reports import export_jobs, exports
from asylon.reports.tasks import make_export

FORM = {"site": "AAA", "kind": "persons", "format": "csv", "purpose": "Distribution list"}


@pytest.fixture
def large(monkeypatch, settings, tmp_path):
    """Every register counts as large: the household's few rows go on the queue."""
    settings.DATA_DIR = tmp_path / "data"
    monkeypatch.setattr(export_jobs, "QUEUE_ABOVE", 0)


def test_a_large_export_waits_queued_then_offers_its_file(client, protection_officer, household, large, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sign_in(client, protection_officer)
    response = client.post(reverse("reports:exports"), FORM)
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.QUEUED and job.kind == "export" and job.total == 3
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="QUEUED"' in page

    assert make_export.call(job_id=job.pk) == JobStatus.DONE
    job.refresh_from_db()
    assert job.file_name.startswith("persons-AAA-") and job.result["rows"] == 3
    assert AuditEvent.objects.filter(changes__sha256=job.result["sha256"]).exists()  # recorded as any export
    download = client.get(f"/jobs/{job.pk}/download")
    assert b"".join(download.streaming_content).decode().startswith("Reference,Household")


def test_a_large_export_is_checked_before_it_is_queued(client, protection_officer, household, large):
    sign_in(client, protection_officer)
    refused = client.post(reverse("reports:exports"), {**FORM, "purpose": ""})
    assert refused.status_code == 422 and "State the purpose" in refused.content.decode()
    assert not Job.objects.exists()


def test_a_failed_export_shows_failed_with_its_error(client, protection_officer, household, large, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(exports, "_write", broken)
    sign_in(client, protection_officer)
    response = client.post(reverse("reports:exports"), FORM)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.error == "OSError: No space left on device"
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="FAILED"' in page and "No space left on device" in page
    assert not job.file_path
