"""`asylon migrate --replay` takes the third-party apps before the project's own (core's `migrate`,
issue 24): an empty database must end exactly as Django's own order leaves it, with the same
tables, indexes, triggers, permissions and role groups. (Without `--replay` an empty database is
built from the models: tests/operations/test_schema_load.py.)

Each migrate runs as its own process on an empty SQLite file, as a new installation starts."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DJANGO_ORDER = """
from django.core.management import call_command
from django.core.management.commands import migrate
call_command(migrate.Command(), interactive=False, verbosity=0)
"""

ROWS = [
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    "SELECT ct.app_label, ct.model, p.codename FROM auth_permission p"
    " JOIN django_content_type ct ON ct.id = p.content_type_id ORDER BY 1, 2, 3",
    "SELECT g.name, p.codename FROM auth_group g JOIN auth_group_permissions gp ON gp.group_id = g.id"
    " JOIN auth_permission p ON p.id = gp.permission_id ORDER BY 1, 2",
    "SELECT app, name FROM django_migrations ORDER BY 1, 2",
]


def _migrated(data_dir: Path, *args: str) -> list[list[tuple]]:
    env = dict(os.environ, ASYLON_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT / "src"))
    env.pop("ASYLON_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "asylon", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(data_dir / "asylon.sqlite3") as database:
        return [database.execute(sql).fetchall() for sql in ROWS]


def test_an_empty_database_ends_as_in_djangos_own_order(tmp_path):
    ours = _migrated(tmp_path / "ours", "migrate", "--replay", "--verbosity", "0")
    djangos = _migrated(tmp_path / "djangos", "shell", "-c", DJANGO_ORDER)
    assert all(ours), "the migrate left a table empty"
    assert ours == djangos
