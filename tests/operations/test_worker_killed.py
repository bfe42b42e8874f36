"""A worker killed in the middle of an import (SIGKILL: no chance to clean up) leaves the
register as it was, and the run and its task end visibly failed, never "running" forever.

The import is enqueued as the page does it and run by `python -m asylon worker` in a
subprocess, against a file-backed SQLite database in a temporary data dir, or against the test
database when the suite runs on PostgreSQL. The worker is killed once it reports three chunks
written inside the import's transaction; a second worker started afterwards finds the task.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from tests.reports.kobo import FLAT_HEADERS, flat_rows, write_csv
from tests.reports.test_import_interrupted import COUNT, SETUP

ROOT = Path(__file__).resolve().parents[2]

ENQUEUE = """
from pathlib import Path
from asylon.accounts.models import User
from asylon.registry.models import Site
from asylon.reports.imports.services import begin_import
from asylon.reports.tasks import run_import
clerk, site = User.objects.get(username="kill-clerk"), Site.objects.get(code="KIL")
run = begin_import(actor=clerk, site=site, path=Path(PATH), file_name="big.csv", dry_run=False)
run_import.enqueue(run_id=run.pk, actor_id=clerk.pk, path=PATH, decisions={}, chunk_households=100)
print("RUN", run.pk)
"""
STATE = """
from django_tasks_db.models import DBTaskResult
from asylon.reports.models import ImportRun
task = DBTaskResult.objects.get()
print("STATE", ImportRun.objects.get().status, task.status, task.exception_class_path)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"}
    env["ASYLON_DATA_DIR"] = str(tmp_path / "data")
    env["ASYLON_SECRET_KEY"] = "kill-test-secret"  # noqa: S105
    env.pop("ASYLON_TASKS_BACKEND", None)  # the database backend, as in production
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["ASYLON_DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    else:
        env.pop("ASYLON_DATABASE_URL", None)
    return env


def _asylon(env, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "asylon", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_the_register_as_before_and_the_run_failed(tmp_path):
    env = _env(tmp_path)
    if connection.vendor != "postgresql":
        (tmp_path / "data").mkdir()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(tmp_path / "data" / "asylon.sqlite3")])
    before = _asylon(env, "shell", "-c", SETUP + COUNT).split("COUNTS")[1].split()
    path = write_csv(tmp_path / "big.csv", FLAT_HEADERS, flat_rows(3000))
    _asylon(env, "shell", "-c", f"PATH = {str(path)!r}\n" + ENQUEUE)

    worker = subprocess.Popen(
        [sys.executable, "-m", "asylon", "worker", "--no-startup-delay", "--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        progress = []
        for line in worker.stdout:
            if line.startswith("import ") and " rows" in line:
                progress.append(line)
                if len(progress) == 3:  # three chunks written inside the open transaction
                    worker.send_signal(signal.SIGKILL)
                    break
        worker.wait(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL, "the import finished before its worker could be killed"

    after = _asylon(env, "shell", "-c", COUNT).split("COUNTS")[1].split()
    assert after == before
    # Before any worker runs again, the pages already read the run as interrupted.
    listing = _asylon(
        env,
        "shell",
        "-c",
        STATE + "from asylon.reports.imports.services import as_seen\n"
        "print('SEEN', as_seen([ImportRun.objects.get()])[0].status)",
    )
    assert "STATE RUNNING RUNNING" in listing and "SEEN INTERRUPTED" in listing, listing

    # The next worker to start marks the task failed and records the run as interrupted.
    started = _asylon(env, "worker", "--batch", "--no-startup-delay")
    assert "1 task(s) of stopped workers marked failed." in started, started
    state = _asylon(env, "shell", "-c", STATE).split("STATE")[1].split()
    assert state == ["INTERRUPTED", "FAILED", "asylon.core.worker.WorkerLost"]
    assert _asylon(env, "shell", "-c", COUNT).split("COUNTS")[1].split() == before
