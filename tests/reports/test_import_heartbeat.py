"""A run left RUNNING by a killed worker reads as interrupted, on the pages and in
`asylon import --list`; the command (or the site's next import, never a page read) moves it
to INTERRUPTED once (audited); a live run still reads as running. The kill itself is tested
in test_import_interrupted.py; here the run is started through the service and its worker
made gone: a dead process id, or an old heartbeat."""

from __future__ import annotations

import io
import socket
import subprocess
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from tests.reports.kobo import FLAT_HEADERS, flat_rows, write_csv

from asylon.audit.models import AuditEvent
from asylon.reports.imports.services import begin_import, progress_file, take_run, write_progress
from asylon.reports.models import ImportRun, ImportStatus


@pytest.fixture
def started(tmp_path, clerk, site_a, settings):
    """A run as a page starts it and a worker takes it: recorded, taken, progress written."""
    settings.DATA_DIR = tmp_path / "data"
    path = write_csv(tmp_path / "registrations.csv", FLAT_HEADERS, flat_rows(2))
    run = take_run(begin_import(actor=clerk, site=site_a, path=path, file_name="registrations.csv", dry_run=False).pk)
    assert run is not None
    write_progress(run.pk, 100, 3000)
    return run


def dead_pid() -> int:
    child = subprocess.Popen(["true"])  # noqa: S607
    child.wait()
    return child.pid


def interrupted_events(run) -> int:
    return AuditEvent.objects.filter(action="import.interrupted", object_ref=f"import-{run.pk}").count()


def listed(clerk) -> str:
    out = io.StringIO()
    call_command("import", "--list", username=clerk.username, stdout=out)
    return out.getvalue()


def test_a_run_whose_process_is_dead_reads_as_interrupted_on_the_page(client, clerk, started):
    # The worker on this host that took the run has died.
    ImportRun.objects.filter(pk=started.pk).update(worker_pid=dead_pid(), worker_host=socket.gethostname()[:255])
    client.force_login(clerk)
    page = client.get(f"/imports/{started.pk}/").content.decode()
    assert "interrupted (its worker stopped), nothing written" in page
    assert "nothing of it was written" in page
    listing = client.get("/imports/").content.decode()
    assert "interrupted (its worker stopped)" in listing
    # A page read changes nothing; the command (or the site's next import) records the move once.
    assert ImportRun.objects.get(pk=started.pk).status == ImportStatus.RUNNING
    assert interrupted_events(started) == 0
    listed(clerk), listed(clerk)
    assert ImportRun.objects.get(pk=started.pk).status == ImportStatus.INTERRUPTED
    assert interrupted_events(started) == 1


def test_a_run_without_a_heartbeat_for_minutes_is_listed_as_interrupted(clerk, started):
    """Another machine's worker, or a worker thread that died: only the silence tells."""
    long_ago = timezone.now() - timedelta(minutes=20)
    ImportRun.objects.filter(pk=started.pk).update(worker_host="another-host", started_at=long_ago)
    write_progress(started.pk, 100, 3000)
    assert f"#{started.pk} " in listed(clerk) and "interrupted" not in listed(clerk)  # it beat just now

    progress_file(started.pk).unlink()
    line = next(li for li in listed(clerk).splitlines() if li.startswith(f"#{started.pk} "))
    assert "interrupted (its worker stopped), nothing written" in line
    run = ImportRun.objects.get(pk=started.pk)
    assert run.status == ImportStatus.INTERRUPTED and run.finished_at is not None
    assert interrupted_events(started) == 1


def test_a_live_run_still_reads_as_running(client, clerk, started):
    client.force_login(clerk)
    page = client.get(f"/imports/{started.pk}/").content.decode()
    assert "<strong>running</strong>" in page
    line = next(li for li in listed(clerk).splitlines() if li.startswith(f"#{started.pk} "))
    assert " running " in line
    assert client.get(f"/imports/{started.pk}/progress.json").json()["status"] == "RUNNING"
    assert ImportRun.objects.get(pk=started.pk).status == ImportStatus.RUNNING
    assert interrupted_events(started) == 0
