"""Content-addressed file stores under MEDIA_ROOT: type sniffed from the bytes, size bounded.

Incident evidence (`incidents/evidence.py`) and residents' photos (`registry/photos.py`) keep
their files the same way: each under MEDIA_ROOT/<folder>/<first two hex digits>/<sha256>,
outside any static URL, read back only by a permission-checked, audited view. A `FileStore`
names the folder, the types it accepts and the setting that bounds a file's size; `store`
streams an upload into it and refuses (InvalidInput on the field `file`, nothing kept) a file
that is too large, empty, or whose first bytes prove no accepted type — the uploaded name
and its extension are the uploader's claim and are never trusted.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from asylon.core.errors import InvalidInput

CHUNK = 1024 * 1024
HEAD = 16  # the bytes `sniff` reads


def sniff(head: bytes) -> str | None:
    """The content type a file's first bytes prove, or None when it is none we know."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
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


class Readable(Protocol):
    """What `store` reads from: an open binary file or Django's UploadedFile."""

    def read(self, size: int = ..., /) -> bytes: ...


@dataclass
class Stored:
    sha256: str
    size: int
    content_type: str


@dataclass(frozen=True)
class FileStore:
    """One store: its folder under MEDIA_ROOT, the content types it accepts (with the names a
    refusal lists) and the setting that bounds a file's size (read at each upload)."""

    folder: str
    accepted: frozenset[str]
    accepted_names: str
    limit_setting: str
    default_limit: int

    def max_bytes(self) -> int:
        return int(getattr(settings, self.limit_setting, self.default_limit))

    def root(self) -> Path:
        return Path(settings.MEDIA_ROOT)

    def path_of(self, sha256: str) -> Path:
        return self.root() / self.folder / sha256[:2] / sha256

    def sniff(self, head: bytes) -> str | None:
        found = sniff(head)
        return found if found in self.accepted else None

    def store(self, upload: Readable, name: str) -> Stored:
        """Stream a file into the store, checking its type and size on the way.

        Raises InvalidInput naming the field `file`, the file and the reason; nothing is kept then.
        """
        limit = self.max_bytes()
        target_dir = self.root() / self.folder
        target_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp_name = tempfile.mkstemp(dir=target_dir, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := upload.read(CHUNK):
                    if len(head) < HEAD:
                        head += chunk[: HEAD - len(head)]
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
            content_type = self.sniff(head)
            if content_type is None:
                raise InvalidInput(
                    {
                        "file": [
                            _("%(name)s is not an accepted type (accepted: %(types)s); its content says otherwise.")
                            % {"name": name, "types": self.accepted_names}
                        ]
                    }
                )
            sha = digest.hexdigest()
            final = self.path_of(sha)
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
