"""Evidence files: content-addressed storage, type sniffing, and integrity verification.

Files live under MEDIA_ROOT/evidence/<first two hex digits>/<sha256>, outside any static
URL; only the download view (permission-checked, custody-logged) ever reads them back.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from asylon.core.errors import InvalidInput

CHUNK = 1024 * 1024
DEFAULT_MAX_BYTES = 25 * 1024 * 1024

ALLOWED = "JPEG, PNG, PDF, MP3, OGG, M4A, WAV, MP4"


def max_bytes() -> int:
    return int(getattr(settings, "ASYLON_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def root() -> Path:
    return Path(settings.MEDIA_ROOT)


def path_of(sha256: str) -> Path:
    return root() / "evidence" / sha256[:2] / sha256


def sniff(head: bytes) -> str | None:
    """The content type a file's first bytes prove, or None when it is none we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "audio/mp4" if brand in (b"M4A ", b"M4B ") else "video/mp4"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and (head[1] & 0xE6) in (0xE2, 0xE4, 0xE6)):
        return "audio/mpeg"
    return None


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


@dataclass
class Stored:
    sha256: str
    size: int
    content_type: str


def store(upload: BinaryIO, name: str) -> Stored:
    """Stream a file into the evidence store, checking its type and size on the way.

    Raises InvalidInput naming the file and the reason; nothing is kept then.
    """
    limit = max_bytes()
    target_dir = root() / "evidence"
    target_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    fd, tmp_name = tempfile.mkstemp(dir=target_dir, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := upload.read(CHUNK):
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                size += len(chunk)
                if size > limit:
                    raise InvalidInput(
                        {
                            "file": [
                                _("%(name)s is larger than the limit of %(mb).0f MB.")
                                % {"name": name, "mb": limit / 1024 / 1024}
                            ]
                        }
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InvalidInput({"file": [_("%(name)s is empty.") % {"name": name}]})
        content_type = sniff(head)
        if content_type is None:
            raise InvalidInput(
                {
                    "file": [
                        _("%(name)s is not an accepted type (accepted: %(types)s); its content says otherwise.")
                        % {"name": name, "types": ALLOWED}
                    ]
                }
            )
        sha = digest.hexdigest()
        final = path_of(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            os.unlink(tmp_name)
        else:
            os.chmod(tmp_name, 0o440)
            os.replace(tmp_name, final)
        return Stored(sha256=sha, size=size, content_type=content_type)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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
