"""Backups that restore: `asylon backup FILE` and `asylon restore FILE` (commands of operations).

One archive (tar, gzip) holds everything a restore needs except the secret key:

- `manifest.json`: when, which database, the last migration of every app, counts, and a
  fingerprint of the secret key (an HMAC, which does not reveal the key);
- `audit-checkpoints.log`: the checkpoint file as it was *before* the database was read, so
  every checkpoint in it names an event the database copy holds (docs/security.md);
- `database.sqlite3` (SQLite's online backup API: one consistent snapshot while others write)
  or `database.pgdump` (`pg_dump --format=custom`: one snapshot too);
- `media/` (evidence, content-addressed and never deleted, so every file a row of the copy
  names is there) and `imports/` (uploaded files waiting for their import).

**The key is kept apart.** The archive never holds `ASYLON_SECRET_KEY` nor the data dir's
`secret_key`: whoever holds a backup and the key could rewrite the audit trail consistently.
Keep the key in a second place held by other people (a sealed envelope, a password manager of
the operation's security officer); `restore` refuses unless the key in force has the
fingerprint the manifest recorded, so a restore under a wrong key cannot start a trail that
no longer verifies.

`restore` writes only into an empty database (no table) and an empty media folder: it never
merges into a live installation. After it, `asylon audit verify` and `asylon evidence verify`
pass; a test restores on SQLite and on PostgreSQL, from a backup taken while writes go on.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


def key_fingerprint() -> str:
    return hmac.new(settings.SECRET_KEY.encode(), b"asylon-backup-key-fingerprint", hashlib.sha256).hexdigest()[:16]


def _pg_env() -> dict[str, str]:
    s = connection.settings_dict
    env = {**os.environ}
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if s.get(key):
            env[var] = str(s[key])
    env["PGDATABASE"] = str(s["NAME"])
    return env


def _counts() -> dict[str, int]:
    from asylon.audit.models import AuditEvent
    from asylon.incidents.models import Evidence
    from asylon.registry.models import Person

    return {
        "persons": Person.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "evidence": Evidence.objects.count(),
    }


def _migrations() -> dict[str, str]:
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("id").values_list("app", "name"):
        last[app] = name
    return last


def _snapshot_database(folder: Path) -> str:
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=60)
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # all pages in one step: one consistent snapshot under WAL
        finally:
            copy.close()
            source.close()
        return target.name
    if connection.vendor == "postgresql":
        target = folder / "database.pgdump"
        done = subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(target)],  # noqa: S607
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        return target.name
    raise BackupError(f"Backups of a {connection.vendor} database are not supported.")


def _add_tree(archive: tarfile.TarFile, root: Path, name: str, skip: Callable[[Path], bool] = lambda p: False) -> int:
    added = 0
    if not root.is_dir():
        return 0
    for path in sorted(root.rglob("*")):
        if path.is_file() and not skip(path):
            archive.add(str(path), arcname=f"{name}/{path.relative_to(root)}", recursive=False)
            added += 1
    return added


def backup(target: Path, say: Say = lambda line: None) -> dict[str, Any]:
    """Write the archive to `target` (written beside it, then renamed: a cut-short backup never
    takes the name). Returns the manifest."""
    target = Path(target).resolve()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".asylon-backup-") as tmp:
        folder = Path(tmp)
        checkpoints = Path(settings.ASYLON_AUDIT_CHECKPOINTS)
        if checkpoints.is_file():  # first: it must name no event the database copy lacks
            shutil.copyfile(checkpoints, folder / "audit-checkpoints.log")
        say("Copying the database...")
        database = _snapshot_database(folder)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "database": database,
            "database_sha256": _sha256(folder / database),
            "migrations": _migrations(),
            "counts": _counts(),
            "key_fingerprint": key_fingerprint(),
            "checkpoints": checkpoints.is_file(),
        }
        partial = target.with_name(f".{target.name}.part")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(str(folder / database), arcname=database)
            if manifest["checkpoints"]:
                archive.add(str(folder / "audit-checkpoints.log"), arcname="audit-checkpoints.log")
            say("Copying evidence and uploads...")
            manifest["media_files"] = _add_tree(archive, Path(settings.MEDIA_ROOT), "media")
            manifest["import_files"] = _add_tree(
                archive, Path(settings.DATA_DIR) / "imports", "imports", skip=lambda p: not _is_upload(p)
            )
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
        partial.chmod(0o600)
        partial.replace(target)
    return manifest


def _is_upload(path: Path) -> bool:
    return path.suffix in (".csv", ".xlsx", ".zip") and not path.name.startswith("upload-")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile("manifest.json")
    except KeyError:
        member = None
    if member is None:
        raise BackupError("Not an Asylon backup: the archive has no manifest.json.")
    manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')} is not one this version reads ({FORMAT}).")
    return manifest


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(source: Path, say: Say = lambda line: None) -> dict[str, Any]:
    """Restore the archive into this installation's (empty) database and data dir."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    with tarfile.open(source, "r:gz") as archive:
        manifest = read_manifest(archive)
        if manifest["key_fingerprint"] != key_fingerprint():
            raise BackupError(
                "The secret key in force is not the one this backup was made under: the audit chain would not "
                "verify. Put the key kept apart from the backups in ASYLON_SECRET_KEY (or in the data dir's "
                "secret_key file) and run restore again."
            )
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"This backup is of a {manifest['vendor']} database; this installation uses {connection.vendor}."
            )
        if not _database_is_empty():
            raise BackupError("The database is not empty: restore only into a new, empty database.")
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir() and any(media.iterdir()):
            raise BackupError(f"{media} is not empty: restore only into an empty data dir.")
        with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".asylon-restore-") as tmp:
            folder = Path(tmp)
            archive.extractall(folder, filter="data")
            database = folder / manifest["database"]
            if _sha256(database) != manifest["database_sha256"]:
                raise BackupError(
                    "The database copy in the archive does not match its checksum: the archive is damaged."
                )
            say("Restoring the database...")
            _restore_database(database)
            say("Restoring evidence and uploads...")
            _move_tree(folder / "media", media)
            _move_tree(folder / "imports", Path(settings.DATA_DIR) / "imports")
            manifest["checkpoints_restored"] = _restore_checkpoints(folder / "audit-checkpoints.log", say)
    return manifest


def _restore_database(copy: Path) -> None:
    if connection.vendor == "sqlite":
        name = Path(str(settings.DATABASES["default"]["NAME"]))
        for conn in connections.all():
            conn.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(copy, name)
        name.chmod(0o600)
        return
    command = [
        "pg_restore",
        "--no-owner",
        "--no-acl",
        "--exit-on-error",
        "--dbname",
        str(connection.settings_dict["NAME"]),
    ]
    done = subprocess.run(  # noqa: S603
        [*command, str(copy)],
        env=_pg_env(),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def _move_tree(source: Path, target: Path) -> None:
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        if path.is_file():
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), dest)
            dest.chmod(0o600)


def _restore_checkpoints(copy: Path, say: Say) -> bool:
    """The backup's checkpoints go in place only where no checkpoint file is: an existing one
    only ever grows (docs/security.md), so the copy is left beside it instead."""
    if not copy.is_file():
        return False
    live = Path(settings.ASYLON_AUDIT_CHECKPOINTS)
    if live.is_file() and live.stat().st_size:
        beside = live.with_name(f"{live.name}.from-backup-{timezone.now():%Y%m%dT%H%M%S}")
        shutil.copyfile(copy, beside)
        say(
            f"{live} exists and was left as it is; the backup's checkpoints are in {beside}. `asylon audit verify` "
            "will report the trail cut short at the backup if events were checkpointed after it (docs/security.md)."
        )
        return False
    live.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(copy, live)
    return True
