"""Writing to the audit trail. Called inside the service's own transaction, so an event
exists exactly when the change it describes was committed."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .models import AuditEvent, ChainHead

MASK = "[sensitive]"


def _key() -> bytes:
    # Derived from the secret key, which lives outside the database.
    return hashlib.sha256(b"asylon-audit-chain:" + settings.SECRET_KEY.encode()).digest()


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def event_digest(fields: dict[str, Any], prev_hash: str) -> str:
    body = json.dumps(
        {"prev": prev_hash, **{k: _canonical(v) for k, v in fields.items()}},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_ref": event.object_ref,
        "site_id": event.site_id,
        "changes": event.changes,
        "reason": event.reason,
    }


def mask(changes: dict[str, Any], sensitive: Iterable[str]) -> dict[str, Any]:
    """Replace sensitive values (before and after) by a marker: the trail says a sensitive
    field changed, never what it holds."""
    hidden = set(sensitive)
    return {k: (MASK if k in hidden and v not in (None, "", [None, None]) else v) for k, v in changes.items()}


@dataclass
class Entry:
    """One event to append, for `record_many`."""

    action: str
    obj: models.Model | None = None
    changes: dict[str, Any] | None = None
    sensitive: Iterable[str] = ()
    reason: str = ""
    object_ref: str = ""
    site_id: int | None = None


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    sensitive: Iterable[str] = (),
    reason: str = "",
    object_ref: str = "",
    site_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    entry = Entry(action, obj, changes, sensitive, reason, object_ref, site_id)
    return record_many(actor, [entry])[0]


def record_many(actor, entries: list[Entry]) -> list[AuditEvent]:
    """Append events in order, in one locked step (bulk registrations and imports)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    head = _locked_head()
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    events = []
    seq, prev_hash = head.last_seq, head.last_hash
    for e in entries:
        seq += 1
        event = AuditEvent(
            seq=seq,
            at=now,
            actor=user,
            actor_username=user.get_username() if user else "system",
            action=e.action,
            object_type=e.obj._meta.label_lower if e.obj is not None else "",
            object_id=str(e.obj.pk) if e.obj is not None else "",
            object_ref=e.object_ref or str(getattr(e.obj, "reference", "") or ""),
            site_id=e.site_id if e.site_id is not None else getattr(e.obj, "site_id", None),
            changes=_canonical(mask(e.changes or {}, e.sensitive)),
            reason=e.reason,
            prev_hash=prev_hash,
        )
        event.hash = prev_hash = event_digest(hashed_fields(event), event.prev_hash)
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    head.last_seq, head.last_hash = seq, prev_hash
    head.save(update_fields=["last_seq", "last_hash"])
    return events


def _locked_head() -> ChainHead:
    """The chain's head, locked until the transaction ends: writers form one line."""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]}."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
