"""Evidence files: content-addressed storage, type sniffing, and integrity verification.

Files live under MEDIA_ROOT/evidence/<first two hex digits>/<sha256>, outside any static
URL; only the download view (permission-checked, custody-logged) ever reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from asylon.core import files
from asylon.core.files import Stored, checksum

__all__ = ["Stored", "checksum", "download_name", "path_of", "sniff", "store", "verify_all"]

CHUNK = files.CHUNK
DEFAULT_MAX_BYTES = 25 * 1024 * 1024

ALLOWED = "JPEG, PNG, PDF, MP3, OGG, M4A, WAV, MP4"

# The store and its checks are shared with residents' photos (`core/files.py`); evidence
# accepts the types below, and not WebP, as it always has.
STORE = files.FileStore(
    folder="evidence",
    accepted=frozenset(
        {
            "image/jpeg",
            "image/png",
            "application/pdf",
            "audio/ogg",
            "audio/wav",
            "audio/mp4",
            "video/mp4",
            "audio/mpeg",
        }
    ),
    accepted_names=ALLOWED,
    limit_setting="ASYLON_EVIDENCE_MAX_BYTES",
    default_limit=DEFAULT_MAX_BYTES,
)


def max_bytes() -> int:
    return STORE.max_bytes()


def root() -> Path:
    return STORE.root()


def path_of(sha256: str) -> Path:
    return STORE.path_of(sha256)


def sniff(head: bytes) -> str | None:
    """The content type a file's first bytes prove, or None when it is none evidence accepts."""
    return STORE.sniff(head)


# The extension a download is named with, from the type the content proved (`sniff`): the
# uploaded name's own extension is the uploader's claim and may say ".html" of a PNG.
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
    "audio/ogg": ".ogg",
    "audio/wav": ".wav",
    "audio/mp4": ".m4a",
    "video/mp4": ".mp4",
    "audio/mpeg": ".mp3",
}


def download_name(original_name: str, content_type: str) -> str:
    """The name a download is saved under: the uploaded name's stem, the stored type's extension.

    A type with no known extension gets ".bin", so no name ever carries an extension a browser
    or a desktop would open as something the content is not.
    """
    stem = Path(original_name.replace("\\", "/")).name
    stem = stem.split(".", 1)[0].strip() or "evidence"
    return stem + EXTENSIONS.get(content_type, ".bin")


def store(upload: BinaryIO, name: str) -> Stored:
    """Stream a file into the evidence store, checking its type and size on the way.

    Raises InvalidInput naming the file and the reason; nothing is kept then.
    """
    return STORE.store(upload, name)


@dataclass
class Problem:
    evidence_id: int
    incident: str
    name: str
    sha256: str  # what the file should hash to: the audit trail's record of the upload
    problem: str  # "missing", "changed", "replaced" or "unrecorded"
    found: str = ""


def recorded_checksums() -> dict[str, str]:
    """Evidence id -> the SHA-256 its `evidence.uploaded` audit event holds.

    The trail is hash-chained and checkpointed (`asylon audit verify`); the table is not. A
    file swapped together with its row's checksum still differs from what was recorded here.
    """
    from asylon.audit.models import AuditEvent

    rows = AuditEvent.objects.filter(action="evidence.uploaded", object_type="incidents.evidence")
    return {str(pk): str(sha) for pk, sha in rows.values_list("object_id", "changes__sha256")}


def verify_all(progress=None) -> tuple[int, list[Problem]]:
    """Recompute every evidence file's checksum and hold it against the checksum the audit
    trail recorded at upload (not only the table's). Returns (files checked, problems):

    * missing: no file for the evidence;
    * replaced: the row's checksum is not the one recorded at upload (file and row swapped);
    * changed: the file's content no longer matches its checksum;
    * unrecorded: no upload of this evidence is in the audit trail (a row added behind it).
    """
    from .models import Evidence

    recorded = recorded_checksums()
    problems: list[Problem] = []
    checked = 0
    cache: dict[str, str | None] = {}
    rows = Evidence.objects.select_related("incident").order_by("pk")
    for ev in rows.iterator():
        if ev.sha256 not in cache:
            p = path_of(ev.sha256)
            cache[ev.sha256] = checksum(p) if p.exists() else None
        checked += 1
        problem = _problem(ev, recorded.get(str(ev.pk)), cache[ev.sha256])
        if problem is not None:
            problems.append(problem)
        if progress:
            progress()
    return checked, problems


def _problem(ev, recorded: str | None, found: str | None) -> Problem | None:
    def named(problem: str, expected: str, seen: str = "") -> Problem:
        return Problem(ev.pk, ev.incident.reference, ev.original_name, expected, problem, seen)

    if recorded is None:
        return named("unrecorded", ev.sha256, found or "")
    if found is None:
        return named("missing", recorded)
    if ev.sha256 != recorded:
        return named("replaced", recorded, found)
    if found != recorded:
        return named("changed", recorded, found)
    return None
