"""A backup taken while residents are being registered restores into an empty installation, and
there the audit chain and the evidence verify; a restore refuses a wrong key and a database
that is not empty.

Everything runs as `python -m asylon ...` subprocesses, as an operator runs it: on SQLite from a
file copy of the migrated test database, on PostgreSQL from the test database into a second,
empty database the test creates and drops.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
KEY = "backup-test-secret-key-kept-apart"

SETUP = """
import io
from datetime import timedelta
from django.utils import timezone
from asylon.accounts.services import create_user
from asylon.incidents import services as incidents
from asylon.registry import services
from asylon.registry.models import Location, Site
site = Site.objects.create(code="BAK", name="Backup test", host_country="IQ", designation="TTL")
block = Location.objects.create(site=site, kind="BLOCK", name="Block 1")
Location.objects.create(site=site, kind="UNIT", name="B01", parent=block)
clerk = create_user(actor=None, username="bak-clerk", role="registration_clerk", sites=[site],
                    password="correct horse battery staple").user
officer = create_user(actor=None, username="bak-officer", role="protection_officer", sites=[site],
                      password="correct horse battery staple").user
services.register_household(actor=clerk, site=site, members=[{"relationship": "PA", "given_name": "Anchor",
                            "sex": "F"}])
incident = incidents.report_incident(actor=officer, site=site, kind="THREAT", severity=2,
                                     occurred_at=timezone.now() - timedelta(hours=1),
                                     narrative="A threat against block 1.", perpetrator_detail="unknown")
statement = io.BytesIO(b"%PDF-1.4\\n% synthetic statement\\n")
incidents.add_evidence(actor=officer, incident=incident, file=statement, name="statement.pdf")
"""
WRITER = """
import time
from asylon.accounts.models import User
from asylon.registry import services
from asylon.registry.models import Site
clerk, site = User.objects.get(username="bak-clerk"), Site.objects.get(code="BAK")
end = time.monotonic() + 4
n = 0
while time.monotonic() < end:
    services.register_household(actor=clerk, site=site, members=[{"relationship": "PA", "given_name": f"W{n}",
                                "sex": "M"}])
    n += 1
    print("WROTE", n, flush=True)
"""
COUNT = """
from asylon.registry.models import Person
from asylon.incidents.models import Evidence
print("COUNTS", Person.objects.count(), Evidence.objects.count())
"""


def _env(data: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"}
    env["ASYLON_DATA_DIR"] = str(data)
    env["ASYLON_SECRET_KEY"] = KEY
    env.pop("ASYLON_AUDIT_CHECKPOINTS", None)
    if database_url:
        env["ASYLON_DATABASE_URL"] = database_url
    else:
        env.pop("ASYLON_DATABASE_URL", None)
    return env


def _asylon(env, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "asylon", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def _counts(env) -> list[int]:
    return [int(n) for n in _asylon(env, "shell", "-c", COUNT).stdout.split("COUNTS")[1].split()]


@pytest.fixture
def target_database():
    """A second, empty PostgreSQL database beside the test database (None on SQLite)."""
    if connection.vendor != "postgresql":
        yield None
        return
    s = connection.settings_dict
    name = f"{s['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_during_writes_restores_and_verifies(tmp_path, target_database):
    source_dir, target_dir = tmp_path / "source", tmp_path / "target"
    source_dir.mkdir()
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        source = _env(source_dir, f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(source_dir / "asylon.sqlite3")])
        source = _env(source_dir, None)
    target = _env(target_dir, target_database)
    _asylon(source, "shell", "-c", SETUP)
    before = _counts(source)

    writer = subprocess.Popen(
        [sys.executable, "-m", "asylon", "shell", "-c", WRITER],
        env=source,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "writer.log").open("w"),  # every commit logs a checkpoint line there
        text=True,
    )
    assert writer.stdout is not None
    for line in writer.stdout:  # the backup starts once the writer has written
        if line.startswith("WROTE"):
            break
    archive = tmp_path / "asylon.backup.tar.gz"
    backed_up = _asylon(source, "backup", str(archive)).stdout
    writer.communicate(timeout=120)
    assert writer.returncode == 0, (tmp_path / "writer.log").read_text()[-2000:]
    after = _counts(source)
    assert after[0] > before[0] + 1, "the writer wrote nothing after the backup began"
    assert "keep the secret key apart" in backed_up

    # A wrong key is refused before anything is written.
    refused = _asylon({**target, "ASYLON_SECRET_KEY": "another-key"}, "restore", str(archive), ok=False)
    assert refused.returncode != 0 and "secret key in force is not the one" in refused.stderr

    restored = _asylon(target, "restore", str(archive)).stdout
    assert "Restored the backup" in restored
    persons, evidence = _counts(target)
    assert before[0] <= persons <= after[0] and evidence == 1
    audit = _asylon(target, "audit", "verify").stdout
    assert "events verified" in audit and "checkpoints matched" in audit, audit
    evidence_check = _asylon(target, "evidence", "verify", "--no-record")
    assert evidence_check.returncode == 0 and "1 evidence file" in evidence_check.stdout, evidence_check.stdout

    # The restored installation is not empty: a second restore refuses.
    again = _asylon(target, "restore", str(archive), ok=False)
    assert again.returncode != 0 and "not empty" in again.stderr
