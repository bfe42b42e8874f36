"""Writing to the audit trail. Called inside the service's own transaction, so an event
exists exactly when the change it describes was committed."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
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
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        seq=head.last_seq + 1,
        at=timezone.now(),
        actor=user,
        actor_username=user.get_username() if user else "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_ref=object_ref or str(getattr(obj, "reference", "") or ""),
        site_id=site_id if site_id is not None else getattr(obj, "site_id", None),
        changes=_canonical(mask(changes or {}, sensitive)),
        reason=reason,
        prev_hash=head.last_hash,
    )
    event.hash = event_digest(hashed_fields(event), event.prev_hash)
    event.save()
    head.last_seq, head.last_hash = event.seq, event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]}."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
