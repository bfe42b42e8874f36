"""Walking the chain and holding it against the checkpoints: every break is named.

`verify_chain` reads every event in order and keeps walking after a problem, so that two
alterations give two problems, each with the seq it concerns. It then compares the end of
the chain with `ChainHead` and with every checkpoint written outside the database
(`checkpoints.py`): a checkpoint's event that is gone means the trail was cut short (even
with the head moved back, or everything wiped with it); one whose hash differs means the
event was rewritten; a checkpoint line that is not validly signed, or a gap in their
numbers, is reported too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import checkpoints
from .models import AuditEvent, ChainHead, EventSite
from .services import event_digest, hashed_fields


@dataclass(frozen=True)
class Problem:
    seq: int | None  # the event concerned; None for a checkpoint line that is itself bad
    text: str


@dataclass
class Verdict:
    checked: int
    problems: list[Problem] = field(default_factory=list)
    checkpoints: int = 0  # valid checkpoint lines the chain was held against

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem(self) -> str:
        """The first problem's sentence ("" when none)."""
        return self.problems[0].text if self.problems else ""

    @property
    def seq(self) -> int | None:
        return self.problems[0].seq if self.problems else None


def verify_chain(batch: int = 5000, checkpoint_file: Path | None = None) -> Verdict:
    verdict = Verdict(checked=0)
    marks = _read_checkpoints(verdict, checkpoint_file)
    end = _walk(verdict, batch, wanted={c.seq for c in marks})
    _check_outside(verdict)
    _check_head(verdict, end)
    _check_against(verdict, marks, end)
    return verdict


@dataclass
class _End:
    """Where the stored chain ends, and the stored hashes of the events checkpoints name."""

    last: int = 0
    last_hash: str = ""
    hashes: dict[int, str] = field(default_factory=dict)


def _walk(verdict: Verdict, batch: int, wanted: set[int]) -> _End:
    """Check every event of seq >= 1 in order, keeping on after each break."""
    problems = verdict.problems
    end = _End()
    prev_hash, expected_seq = "", 1
    while True:
        events = list(AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")[:batch])
        if not events:
            return end
        sites = _sites_of_events(events[0].seq, events[-1].seq)
        for ev in events:
            if ev.seq != expected_seq:
                gap = f"#{expected_seq}" if ev.seq == expected_seq + 1 else f"#{expected_seq} to #{ev.seq - 1}"
                problems.append(Problem(expected_seq, f"event {gap} is missing (next is #{ev.seq})"))
            elif ev.prev_hash != prev_hash:
                problems.append(Problem(ev.seq, f"event #{ev.seq} does not follow event #{ev.seq - 1}"))
            if event_digest(hashed_fields(ev, sites.get(ev.seq, ())), ev.prev_hash) != ev.hash:
                problems.append(Problem(ev.seq, f"event #{ev.seq} was altered after it was written"))
            if ev.seq in wanted:
                end.hashes[ev.seq] = ev.hash
            # Walk on from what is stored, so that each later break is named on its own.
            end.last, end.last_hash = ev.seq, ev.hash
            prev_hash, expected_seq = ev.hash, ev.seq + 1
            verdict.checked += 1


def _sites_of_events(first: int, last: int) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for seq, site in EventSite.objects.filter(seq__gte=first, seq__lte=last).values_list("seq", "site_id"):
        found[seq].append(site)
    return found


def _check_outside(verdict: Verdict) -> None:
    for seq in AuditEvent.objects.filter(seq__lt=1).order_by("seq").values_list("seq", flat=True):
        verdict.problems.append(Problem(seq, f"event #{seq} lies outside the chain"))
    orphans = EventSite.objects.exclude(seq__in=AuditEvent.objects.values("seq")).values_list("seq", flat=True)
    for seq in sorted(set(orphans)):
        verdict.problems.append(Problem(seq, f"event #{seq} is missing: only its sites remain"))


def _check_head(verdict: Verdict, end: _End) -> None:
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        return
    last = end.last
    if head.last_seq > last:
        verdict.problems.append(Problem(last + 1, f"event #{head.last_seq} is missing: the chain ends at #{last}"))
    elif head.last_seq < last:
        verdict.problems.append(Problem(head.last_seq + 1, f"event #{last} lies beyond the chain head"))
    elif head.last_hash != end.last_hash:
        verdict.problems.append(Problem(last, f"event #{last} is not the event the chain head recorded"))


def _read_checkpoints(verdict: Verdict, file: Path | None) -> list[checkpoints.Checkpoint]:
    """The validly signed checkpoints; a bad line or a gap in the numbers is a problem."""
    marks: list[checkpoints.Checkpoint] = []
    expected_n = 1
    for item in checkpoints.read(file):
        if isinstance(item, checkpoints.BadLine):
            verdict.problems.append(Problem(None, f"checkpoint line {item.line_no} is forged or edited: {item.text!r}"))
            continue
        if item.n > expected_n:
            verdict.problems.append(Problem(None, f"checkpoints {expected_n} to {item.n - 1} are missing"))
        expected_n = max(expected_n, item.n + 1)
        marks.append(item)
    verdict.checkpoints = len(marks)
    return marks


def _check_against(verdict: Verdict, marks: list[checkpoints.Checkpoint], end: _End) -> None:
    beyond = [c for c in marks if c.seq > end.last]
    if beyond:  # one truncation, named by the furthest checkpoint that saw past it
        c = max(beyond, key=lambda c: c.seq)
        verdict.problems.append(
            Problem(
                end.last + 1,
                f"event #{c.seq} is missing: checkpoint {c.n} of {c.at} recorded it,"
                f" the chain ends at #{end.last} (the trail was cut short)",
            )
        )
    for c in marks:
        stored = end.hashes.get(c.seq)
        if stored is not None and stored != c.hash:
            text = f"event #{c.seq} differs from checkpoint {c.n} of {c.at} (rewritten)"
            verdict.problems.append(Problem(c.seq, text))
