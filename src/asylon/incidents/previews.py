"""What closing an incident leaves behind, read before the user confirms it (core/confirm.py).

Closing does not finish the work attached to the incident: open follow-ups stay open, roll
calls stay open, deaths and disappearances seen in roll calls still wait for review, and the
persons affected keep their harm as recorded. The confirmation page and the API's 409 show
all four, so that no one closes an incident without seeing them. Pure reads; names only for
a reader who may see them (affected persons: D4 restricted; reviews: the reviewers).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from asylon.core.confirm import SAMPLE
from asylon.core.scope import can
from asylon.core.types import Actor

from . import queries, reviews
from .models import Harm, Incident, RollCallState


@dataclass(frozen=True)
class ClosingPreview:
    follow_ups: list[dict[str, Any]]  # the open ones: action, owner, due_on
    affected: int
    affected_by_harm: list[dict[str, Any]]  # [{"harm": code, "label": ..., "count": n}]
    affected_sample: list[dict[str, str]]  # reference, name, harm (restricted readers only)
    awaiting_review: int  # roll-call deaths and disappearances not yet reviewed
    review_sample: list[dict[str, str]]  # reference, name, proposed presence (reviewers only)
    open_roll_calls: list[dict[str, Any]]  # pk, site, started_at

    @property
    def nothing_pending(self) -> bool:
        return not (self.follow_ups or self.awaiting_review or self.open_roll_calls)

    def as_dict(self) -> dict[str, Any]:
        return {
            "open_follow_ups": [{**f, "due_on": f["due_on"].isoformat()} for f in self.follow_ups],
            "affected": self.affected,
            "affected_by_harm": self.affected_by_harm,
            "affected_sample": self.affected_sample,
            "awaiting_review": self.awaiting_review,
            "review_sample": self.review_sample,
            "open_roll_calls": [{**r, "started_at": r["started_at"].isoformat()} for r in self.open_roll_calls],
        }


def incident_closing(actor: Actor, incident: Incident) -> ClosingPreview:
    open_fu = incident.follow_ups.filter(done_at__isnull=True).select_related("owner").order_by("due_on", "pk")
    follow_ups = [{"action": f.action, "owner": f.owner.get_username(), "due_on": f.due_on} for f in open_fu]
    affected = incident.affected.select_related("person").order_by("person__reference")
    labels = dict(Harm.choices)
    counts = Counter(affected.values_list("harm", flat=True))
    by_harm = [{"harm": h, "label": str(labels[h]), "count": counts[h]} for h in Harm.values if counts[h]]
    sample = []
    if queries.can_see_restricted(actor, incident):
        sample = [
            {"reference": a.person.reference, "name": a.person.full_name, "harm": str(labels[a.harm])}
            for a in affected[:SAMPLE]
        ]
    waiting = reviews.open_for_incident(incident).select_related("person").order_by("person__reference")
    review_sample = []
    if can(actor, reviews.REVIEW, incident):
        review_sample = [
            {"reference": r.person.reference, "name": r.person.full_name, "proposed": str(r.get_proposed_display())}
            for r in waiting[:SAMPLE]
        ]
    roll_calls = [
        {"pk": rc.pk, "site": rc.site.code, "started_at": rc.started_at}
        for rc in incident.roll_calls.filter(state=RollCallState.OPEN).select_related("site").order_by("pk")
    ]
    return ClosingPreview(
        follow_ups=follow_ups,
        affected=sum(counts.values()),
        affected_by_harm=by_harm,
        affected_sample=sample,
        awaiting_review=waiting.count(),
        review_sample=review_sample,
        open_roll_calls=roll_calls,
    )
