"""The review queue's state machine: one declared table, read by `candidates.decide_candidate`.

    OPEN --different--> DIFFERENT
    OPEN --link--> LINKED
    OPEN --merge--> MERGED --reopen--> OPEN   (the merge was undone)

A decision closes the pair for good: a pair found different or linked is never raised again.
The merge and its undoing move the pair in bulk, from the state the table starts them in
(`merges._close_candidates`, `merges.unmerge`).
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from asylon.core.transitions import Machine, Step

from .models import CandidateStatus

S = CandidateStatus


class CandidateAction(TextChoices):
    DIFFERENT = "different", _("Different persons")
    LINK = "link", _("Link as related persons")
    MERGE = "merge", _("Merge")
    REOPEN = "reopen", _("Reopen (the merge was undone)")


TRANSITIONS: dict[str, Step] = {
    CandidateAction.DIFFERENT: Step({S.OPEN}, S.DIFFERENT),
    CandidateAction.LINK: Step({S.OPEN}, S.LINKED),
    CandidateAction.MERGE: Step({S.OPEN}, S.MERGED),
    CandidateAction.REOPEN: Step({S.MERGED}, S.OPEN),
}

CANDIDATE = Machine(
    name="duplicate_candidate",
    states=CandidateStatus,
    actions=CandidateAction,
    steps=TRANSITIONS,
    initial={S.OPEN},
    terminal={S.DIFFERENT, S.LINKED},
    refusal=_("This pair was already decided."),
    code="candidate_decided",
)
