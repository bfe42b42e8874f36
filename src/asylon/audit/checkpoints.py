"""Signed, numbered checkpoints of the chain's head, kept outside the database.

The chain proves that no event was edited, inserted or removed in the middle; on its own it
cannot prove where it ends, since whoever deletes the last events can move `ChainHead` back
too. So after each committed transaction that appended events (`services.record_many`
registers `write_checkpoint` with `transaction.on_commit`), one line is appended to the file
`settings.ASYLON_AUDIT_CHECKPOINTS` and logged to the `asylon.audit` logger:

    asylon-audit-checkpoint n=12 seq=5864 hash=<event #5864's hash> at=<UTC time> mac=<HMAC>

`n` numbers the lines of the file, `seq` and `hash` are the committed head, and `mac` is an
HMAC-SHA256 of the rest under a key derived from the secret key (not the chain's key). The
file is opened with O_APPEND and written under an exclusive lock, one `write` per line, so
processes writing at once neither tear lines nor share a number. `verify.verify_chain` reads
every line back: an event a checkpoint holds that is gone, or whose hash differs, is
reported, and so is a line that does not carry its own valid HMAC or a gap in the numbers.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("asylon.audit")

PREFIX = "asylon-audit-checkpoint"
LINE = re.compile(
    rf"^{PREFIX} n=(?P<n>\d+) seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{{64}})"
    r" at=(?P<at>\S+) mac=(?P<mac>[0-9a-f]{64})$"
)
TAIL_BYTES = 4096  # more than a few lines: where the last number is read from


@dataclass(frozen=True)
class Checkpoint:
    n: int
    seq: int
    hash: str
    at: str


@dataclass(frozen=True)
class BadLine:
    """A line that is not a checkpoint this installation signed (forged, edited or torn)."""

    line_no: int
    text: str


def path() -> Path:
    return Path(settings.ASYLON_AUDIT_CHECKPOINTS)


def _key() -> bytes:
    # Derived from the secret key like the chain's key, but by another label: a checkpoint's
    # MAC can never be passed off as an event's hash or the other way round.
    return hashlib.sha256(b"asylon-audit-checkpoint:" + settings.SECRET_KEY.encode()).digest()


def _mac(n: int, seq: int, hash_: str, at: str) -> str:
    return hmac.new(_key(), f"{n}|{seq}|{hash_}|{at}".encode(), hashlib.sha256).hexdigest()


def format_line(n: int, seq: int, hash_: str, at: str) -> str:
    return f"{PREFIX} n={n} seq={seq} hash={hash_} at={at} mac={_mac(n, seq, hash_, at)}"


def parse(line: str) -> Checkpoint | None:
    """The checkpoint a line holds, or None when it is not one signed with this key."""
    m = LINE.match(line.strip())
    if m is None:
        return None
    n, seq = int(m["n"]), int(m["seq"])
    if not hmac.compare_digest(_mac(n, seq, m["hash"], m["at"]), m["mac"]):
        return None
    return Checkpoint(n, seq, m["hash"], m["at"])


def read(file: Path | None = None) -> Iterator[Checkpoint | BadLine]:
    """Every line of the checkpoint file, in order; nothing when there is no file."""
    file = file or path()
    if not file.exists():
        return
    with open(file, encoding="utf-8", errors="replace") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            yield parse(line) or BadLine(line_no, line.strip()[:120])


def _last(fd: int) -> Checkpoint | None:
    """The last valid checkpoint among the file's final lines."""
    size = os.fstat(fd).st_size
    tail = os.pread(fd, min(size, TAIL_BYTES), max(0, size - TAIL_BYTES)).decode("utf-8", "replace")
    for line in reversed(tail.splitlines()):
        found = parse(line)
        if found is not None:
            return found
    return None


def write_checkpoint(head: tuple[int, str] | None = None) -> None:
    """Append a checkpoint of the committed head (run on commit; never raises into the
    request: a failure is logged as an error, and the next commit writes the head again).

    `head` is the head the committed transaction itself wrote, when the caller knows it:
    then no statement reads it again, and a line already holding a later head stands."""
    target = path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    except OSError:
        logger.exception("audit checkpoint not written: cannot open %s", target)
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # numbers stay unique across processes
        last = _last(fd)
        if head is None:
            head = _committed_head()
        elif last is not None and last.seq > head[0]:
            return  # a later transaction's head is already written
        if head is None or (last is not None and (last.seq, last.hash) == head):
            return  # another process already holds this head
        at = datetime.now(UTC).isoformat(timespec="seconds")
        line = format_line((last.n if last else 0) + 1, head[0], head[1], at)
        os.write(fd, (line + "\n").encode())
    except OSError:
        logger.exception("audit checkpoint not written to %s", target)
        return
    finally:
        os.close(fd)  # also releases the lock
    logger.info(line)


def _committed_head() -> tuple[int, str] | None:
    from django.db import connection

    from .models import ChainHead

    with connection.cursor() as cursor:  # raw SQL: once per committed write, under the file's lock
        cursor.execute(f"SELECT last_seq, last_hash FROM {ChainHead._meta.db_table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None
