"""An import killed half-way (SIGKILL, no chance to clean up) leaves the register as it was
(persons, households, memberships, name keys, the imported-persons list, audit events),
and `asylon import --list` then lists it as interrupted, not running.

The import runs as `python -m asylon import ...` in a subprocess, against a file-backed SQLite
database in a temporary data dir, or against the test database when the suite runs on
PostgreSQL. It is killed as soon as it reports progress, i.e. after chunks were written inside
its transaction.
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

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from asylon.accounts.services import create_user
from asylon.registry import services
from asylon.registry.models import Location, Site
site = Site.objects.create(code="KIL", name="Kill test", host_country="IQ", designation="TTL")
block = Location.objects.create(site=site, kind="BLOCK", name="Block 1")
Location.objects.create(site=site, kind="UNIT", name="T01", parent=block)
clerk = create_user(actor=None, username="kill-clerk", role="registration_clerk", sites=[site],
                    password="correct horse battery staple").user
services.register_household(actor=clerk, site=site, members=[{"relationship": "PA", "given_name": "Before",
                            "sex": "F"}])
"""
COUNT = """
from asylon.audit.models import AuditEvent
from asylon.matching.models import NameKeyToken, PersonNameKeys
from asylon.registry.models import Household, Membership, Person
from asylon.reports.models import ImportedPerson
print("COUNTS", Person.objects.count(), Household.objects.count(), Membership.objects.count(),
      PersonNameKeys.objects.count(), NameKeyToken.objects.count(), ImportedPerson.objects.count(),
      AuditEvent.objects.exclude(action__startswith="import.").count())
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"}
    env["ASYLON_DATA_DIR"] = str(tmp_path / "data")
    env["ASYLON_SECRET_KEY"] = "kill-test-secret"  # noqa: S105
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
def test_a_killed_import_leaves_the_database_as_before(tmp_path):
    env = _env(tmp_path)
    if connection.vendor != "postgresql":
        # The migrated in-memory test database, copied to the file the subprocess opens.
        (tmp_path / "data").mkdir()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(tmp_path / "data" / "asylon.sqlite3")])
    before = _asylon(env, "shell", "-c", SETUP + COUNT).split("COUNTS")[1].split()
    path = write_csv(tmp_path / "big.csv", FLAT_HEADERS, flat_rows(3000))

    proc = subprocess.Popen(
        [sys.executable, "-m", "asylon", "import", str(path), "--site", "KIL", "--as", "kill-clerk"]
        + ["--chunk-size", "100"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        progress = []
        for line in proc.stdout:
            if line.startswith("progress:"):
                progress.append(line)
                if len(progress) == 3:  # three chunks written inside the open transaction
                    proc.send_signal(signal.SIGKILL)
                    break
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"

    after = _asylon(env, "shell", "-c", COUNT).split("COUNTS")[1].split()
    assert after == before
    # The killed run no longer reads as running: its process is gone from this host.
    listing = _asylon(env, "import", "--list", "--as", "kill-clerk")
    assert "big.csv" in listing and "interrupted (its worker stopped), nothing written" in listing, listing
