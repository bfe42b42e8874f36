"""Reads of the duplicate review and of merges, scoped to the actor's sites and role."""

from __future__ import annotations

from asylon.core.errors import NotFound
from asylon.core.types import Actor
from asylon.registry import queries as registry_queries

from .candidates import candidates_for
from .models import DuplicateCandidate, Merge

# --- reads for the API ---------------------------------------------------------------------------


def get_candidate(actor: Actor, pk: int) -> DuplicateCandidate:
    """A pair of the review queue the actor may see, whatever its status."""
    candidate = candidates_for(actor, status=None).filter(pk=pk).first()
    if candidate is None:
        raise NotFound("No such pair.")
    return candidate


def get_merge(actor: Actor, pk: int) -> Merge:
    """A merge whose surviving person the actor may see."""
    visible = registry_queries.persons_for(actor)
    merge = Merge.objects.select_related("survivor", "merged").filter(pk=pk, survivor__in=visible).first()
    if merge is None:
        raise NotFound("No such merge.")
    return merge
