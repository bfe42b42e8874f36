"""An import enqueued by the page reads "queued" (waiting for a worker), not "running", until a
worker takes it; waiting however long never makes it read as interrupted; a worker lost after
taking it leaves it interrupted; a file that cannot be read ends failed, with the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.reports.kobo import FLAT_HEADERS, flat_rows, write_csv

from asylon.reports.imports.services import as_seen, begin_import, settle_lost, take_run
from asylon.reports.models import ImportRun, ImportStatus
from asylon.reports.tasks import _import_lost, run_import


@pytest.fixture
def queued(tmp_path, clerk, site_a, settings):
    settings.DATA_DIR = tmp_path / "data"
    path = write_csv(tmp_path / "registrations.csv", FLAT_HEADERS, flat_rows(2))
    run = begin_import(actor=clerk, site=site_a, path=path, file_name="registrations.csv", dry_run=True)
    return run, path


def test_a_run_waiting_for_a_worker_reads_queued_on_its_page(client, clerk, queued):
    run, _path = queued
    assert run.status == ImportStatus.QUEUED and run.worker_pid is None
    client.force_login(clerk)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "<strong>queued (waiting for a worker)</strong>" in page
    assert 'id="queued"' in page and 'http-equiv="refresh"' in page
    assert "<strong>running</strong>" not in page
    assert client.get(f"/imports/{run.pk}/progress.json").json()["status"] == "QUEUED"


def test_waiting_long_for_a_worker_is_not_an_interruption(queued):
    run, _path = queued
    ImportRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(hours=3))
    assert as_seen([ImportRun.objects.get(pk=run.pk)])[0].status == ImportStatus.QUEUED


def test_the_worker_takes_the_run_then_it_ends(clerk, queued):
    run, path = queued
    status = run_import.call(run_id=run.pk, actor_id=clerk.pk, path=str(path), decisions={})
    assert status == ImportStatus.DRY_RUN
    done = ImportRun.objects.get(pk=run.pk)
    assert done.status == ImportStatus.DRY_RUN and done.worker_pid is not None
    assert take_run(run.pk) is None  # an ended run is never taken again


def test_a_task_lost_before_or_after_it_began_leaves_the_run_interrupted(clerk, queued):
    run, _path = queued
    _import_lost({"run_id": run.pk})
    assert ImportRun.objects.get(pk=run.pk).status == ImportStatus.INTERRUPTED
    assert take_run(run.pk) is None  # the task, if it ever runs, does nothing
    # An ended run stays as it ended.
    assert settle_lost(run=ImportRun.objects.get(pk=run.pk)).status == ImportStatus.INTERRUPTED


def test_a_failed_run_shows_failed_with_its_error(client, clerk, queued, tmp_path):
    run, path = queued
    path.write_bytes(b"\x00\x01 not a registration file \xff")
    run_import.call(run_id=run.pk, actor_id=clerk.pk, path=str(path), decisions={})
    assert ImportRun.objects.get(pk=run.pk).status == ImportStatus.FAILED
    client.force_login(clerk)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "<strong>failed, nothing written</strong>" in page
    assert "Problems (nothing was written)" in page
