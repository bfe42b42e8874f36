"""Walking the chain: the first event that does not match is named."""

from __future__ import annotations

from dataclasses import dataclass

from .models import AuditEvent, ChainHead
from .services import event_digest, hashed_fields


@dataclass
class Verdict:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None


def verify_chain(batch: int = 5000) -> Verdict:
    prev_hash, expected_seq, checked = "", 1, 0
    while True:
        events = list(AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")[:batch])
        if not events:
            break
        for ev in events:
            if ev.seq != expected_seq:
                return Verdict(False, checked, f"event #{expected_seq} is missing (next is #{ev.seq})", expected_seq)
            if ev.prev_hash != prev_hash:
                return Verdict(False, checked, f"event #{ev.seq} does not follow event #{ev.seq - 1}", ev.seq)
            if event_digest(hashed_fields(ev), ev.prev_hash) != ev.hash:
                return Verdict(False, checked, f"event #{ev.seq} was altered after it was written", ev.seq)
            prev_hash, expected_seq, checked = ev.hash, ev.seq + 1, checked + 1
    extra = AuditEvent.objects.exclude(seq__gte=1, seq__lt=expected_seq).order_by("seq").first()
    if extra is not None:
        return Verdict(False, checked, f"event #{extra.seq} lies outside the chain", extra.seq)
    head = ChainHead.objects.filter(pk=1).first()
    last = expected_seq - 1
    if head is not None and head.last_seq != last:
        return Verdict(False, checked, f"event #{head.last_seq} is missing: the chain ends at #{last}", last + 1)
    if head is not None and head.last_hash != prev_hash:
        return Verdict(False, checked, f"event #{last} is not the event the chain head recorded", last)
    return Verdict(True, checked)
