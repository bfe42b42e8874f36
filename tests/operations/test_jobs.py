"""Long work on the queue, seen from its page: "queued" until a worker takes it, its progress
while it runs, the download once done (for its user only, audited), and failed with the error
when the work raised or its worker was lost, the data as it was. The situation report is the
job here; exports, duplicate detection and group declarations use the same machinery."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from tests.reports import test_sitrep
from tests.reports.test_sitrep import END, START
from tests.signin import sign_in

from asylon.audit.models import AuditEvent
from asylon.core import jobs
from asylon.core.models import Job, JobStatus
from asylon.reports import sitrep
from asylon.reports.models import ReportRun
from asylon.reports.tasks import make_sitrep

camp = test_sitrep.camp  # the sitrep tests' camp, as a fixture here


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def database_queue(settings):
    """The database backend, as in production: enqueued work waits for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queue_sitrep(actor, site) -> Job:
    return sitrep.start_sitrep(actor, site=site, start=START, end=END)


def test_a_report_waiting_for_a_worker_reads_queued(client, camp, protection_officer, data_dir, database_queue):
    from django_tasks_db.models import DBTaskResult

    job = queue_sitrep(protection_officer, camp)
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert DBTaskResult.objects.get().task_path.endswith("make_sitrep")
    sign_in(client, protection_officer)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-status="QUEUED"' in page and "queued (waiting for a worker)" in page
    assert 'http-equiv="refresh"' in page
    assert client.get(f"/jobs/{job.pk}/progress.json").json()["status"] == "QUEUED"

    # A worker takes it: running, with its progress; then done, with the file.
    assert jobs.take(job.pk) is not None
    jobs.write_progress(job.pk, 1, 3, "writing the PDF")
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-status="RUNNING"' in page and 'max="3"' in page and "writing the PDF" in page
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    assert make_sitrep.call(job_id=job.pk) == JobStatus.DONE
    done = Job.objects.get(pk=job.pk)
    assert done.status == JobStatus.DONE and done.file_name.startswith("sitrep-")
    assert ReportRun.objects.get().kind == "SITREP"


def test_the_file_is_for_its_user_only_and_each_download_is_audited(
    client,
    camp,
    protection_officer,
    po2,
    data_dir,
):
    job = queue_sitrep(protection_officer, camp)  # immediate backend: done at once
    sign_in(client, po2)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/download").status_code == 404
    sign_in(client, protection_officer)
    response = client.get(f"/jobs/{job.pk}/download")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="job.file_downloaded", object_ref=f"job-{job.pk}").count() == 1


def test_a_failed_report_shows_failed_with_its_error_and_records_nothing(
    client,
    camp,
    protection_officer,
    data_dir,
    monkeypatch,
):
    def broken(context):
        raise RuntimeError("the fonts are missing")

    monkeypatch.setattr(sitrep, "render_pdf", broken)
    job = queue_sitrep(protection_officer, camp)
    failed = Job.objects.get(pk=job.pk)
    assert failed.status == JobStatus.FAILED and failed.error == "RuntimeError: the fonts are missing"
    assert not ReportRun.objects.exists()
    sign_in(client, protection_officer)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-status="FAILED"' in page and "RuntimeError: the fonts are missing" in page
    assert 'http-equiv="refresh"' not in page and client.get(f"/jobs/{job.pk}/download").status_code == 404


def test_a_job_whose_worker_died_reads_failed_and_the_sweep_records_it(
    client,
    camp,
    protection_officer,
    data_dir,
    database_queue,
):
    job = queue_sitrep(protection_officer, camp)
    jobs.take(job.pk)
    child = subprocess.Popen(["true"])  # noqa: S607
    child.wait()
    Job.objects.filter(pk=job.pk).update(worker_pid=child.pid)  # its worker's process is gone
    sign_in(client, protection_officer)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-status="FAILED"' in page and "WorkerLost" in page
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING  # a page read writes nothing
    jobs.lost({"job_id": job.pk})  # what the sweep calls (`on_lost`)
    lost = Job.objects.get(pk=job.pk)
    assert lost.status == JobStatus.FAILED and lost.error.startswith("WorkerLost")
    assert make_sitrep.call(job_id=job.pk) == JobStatus.FAILED  # run late, it does nothing
    assert not ReportRun.objects.exists()


def test_a_period_ending_before_it_starts_is_refused_before_anything_is_queued(camp, protection_officer):
    from asylon.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        sitrep.start_sitrep(protection_officer, site=camp, start=date(2024, 2, 1), end=date(2024, 1, 1))
    assert not Job.objects.exists()
