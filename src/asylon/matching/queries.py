"""Reads of `matching` for its pages, always scoped to the actor's sites and role.

The review queue itself is `candidates.candidates_for`; this module finds one record of it
(a pair, a merge) for a page, or says `NotFound` (a 404 on the page).
"""

from __future__ import annotations

from asylon.core.errors import NotFound
from asylon.core.scope import site_ids

from .candidates import candidates_for
from .models import DuplicateCandidate, Merge


def get_candidate(actor, pk: int) -> DuplicateCandidate:
    """A pair of the actor's sites, open or decided."""
    candidate = candidates_for(actor, status=None).filter(pk=pk).first()
    if candidate is None:
        raise NotFound("No such pair.")
    return candidate


def get_merge(actor, pk: int) -> Merge:
    """A merge whose surviving record lies in the actor's sites."""
    merge = Merge.objects.select_related("survivor").filter(pk=pk, survivor__site_id__in=site_ids(actor)).first()
    if merge is None:
        raise NotFound("No such merge.")
    return merge
