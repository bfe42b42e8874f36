"""Batch duplicate detection started from the review queue runs on the queue: its job reads
"queued" until a worker takes it, then shows the pairs found; a failed run shows its error."""

from __future__ import annotations

from django.urls import reverse
from tests.signin import sign_in

from asylon.core.models import Job, JobStatus
from asylon.matching import batch
from asylon.matching.models import DetectionRun
from asylon.matching.tasks import find_duplicates


def test_detection_waits_queued_then_reports_its_run(client, clerk, household, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sign_in(client, clerk)
    assert 'id="detect-form"' in client.get(reverse("matching:queue")).content.decode()
    response = client.post(reverse("matching:detect"), {"site": "AAA"})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/" and job.status == JobStatus.QUEUED
    assert 'data-status="QUEUED"' in client.get(response["Location"]).content.decode()
    assert not DetectionRun.objects.exists()

    assert find_duplicates.call(job_id=job.pk) == JobStatus.DONE
    job.refresh_from_db()
    assert job.result["run"] == DetectionRun.objects.get().pk and "pairs_found" in job.result
    assert 'data-status="DONE"' in client.get(response["Location"]).content.decode()


def test_a_failed_detection_shows_failed_with_its_error(client, clerk, household, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path / "data"

    def broken(**kwargs):
        raise MemoryError("the register does not fit")

    monkeypatch.setattr(batch, "find_duplicates_in_register", broken)
    sign_in(client, clerk)
    response = client.post(reverse("matching:detect"), {"site": "AAA"})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.error == "MemoryError: the register does not fit"
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="FAILED"' in page and "the register does not fit" in page
