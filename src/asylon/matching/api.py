"""The matching API: search, the duplicate check, the review queue, merges and their undoing."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from asylon.core.api_edge import FromModel, Id, Line, requires
from asylon.core.confirm import ConfirmationRequired
from asylon.core.errors import InvalidInput, NotFound
from asylon.core.scope import ensure
from asylon.registry import queries as registry_queries
from asylon.registry.models import Person

from . import candidates, merges, search
from .models import DuplicateCandidate, Merge

router = Router(tags=["matching"])


class HitOut(Schema):
    reference: str
    site: str
    given_name: str
    fathers_name: str
    family_name: str
    full_name_original: str
    date_of_birth: date | None
    score: float
    why: list[str]


class CheckIn(Schema):
    site: Line = Field(description="Site code")
    given_name: Annotated[str, FromModel(Person, "given_name")] = ""
    fathers_name: Annotated[str, FromModel(Person, "fathers_name")] = ""
    family_name: Annotated[str, FromModel(Person, "family_name")] = ""
    given_name_original: Annotated[str, FromModel(Person, "given_name_original")] = ""
    fathers_name_original: Annotated[str, FromModel(Person, "fathers_name_original")] = ""
    family_name_original: Annotated[str, FromModel(Person, "family_name_original")] = ""
    date_of_birth: date | None = None
    sex: Annotated[str, FromModel(Person, "sex")] = ""


class FieldOut(Schema):
    label: str
    new: str
    existing: str
    agreement: str


class MatchOut(Schema):
    reference: str
    probability: float
    match_weight: float
    fields: list[FieldOut]


class CandidateOut(Schema):
    id: int
    person_a: str
    person_b: str
    probability: float
    match_weight: float
    status: str
    explanation: dict


class DuplicateDecisionIn(Schema):
    decision: Line = Field(description="DIFFERENT, LINKED or MERGE")
    survivor: Line | None = Field(None, description="For MERGE, required: the reference to keep (one of the pair)")
    confirm: bool = Field(
        False, description="For MERGE, must be true: without it nothing changes and a 409 carries what would move"
    )
    # Kept as the pair's note or as the merge's reason: both hold as much.
    reason: Annotated[str, FromModel(DuplicateCandidate, "note")] = ""


class MergeOut(Schema):
    id: int
    survivor: str
    merged: str
    moved: int
    kept: int


class UndoIn(Schema):
    reason: Annotated[str, FromModel(Merge, "undo_reason")]


@router.get("/persons/search", response=list[HitOut], auth=requires("registry.view_person"))
def search_persons(request: HttpRequest, q: Line = "", limit: Id = 10):
    hits = search.search_persons(request.user, q, limit=min(max(limit, 1), 50))
    return [
        {
            "reference": h.person.reference,
            "site": h.person.site.code,
            "given_name": h.person.given_name,
            "fathers_name": h.person.fathers_name,
            "family_name": h.person.family_name,
            "full_name_original": h.person.full_name_original,
            "date_of_birth": h.person.date_of_birth,
            "score": h.score,
            "why": [reason.english() for reason in h.why],
        }
        for h in hits
    ]


@router.post("/persons/duplicates/check", response=list[MatchOut], auth=requires("registry.add_household"))
def check_duplicates(request: HttpRequest, payload: CheckIn):
    site = registry_queries.sites_for(request.user).filter(code=payload.site).first()
    if site is None:
        raise InvalidInput({"site": ["Unknown site."]})
    ensure(request.user, "registry.add_household", site)
    matches = candidates.find_matches_for(payload.dict(), site)
    return [
        {
            "reference": m.person.reference,
            "probability": m.probability,
            "match_weight": m.match_weight,
            "fields": [f.__dict__ for f in m.fields],
        }
        for m in matches
    ]


def _candidate_out(c) -> dict:
    return {
        "id": c.pk,
        "person_a": c.person_a.reference,
        "person_b": c.person_b.reference,
        "probability": c.probability,
        "match_weight": c.match_weight,
        "status": c.status,
        "explanation": c.explanation,
    }


@router.get("/duplicates", response=list[CandidateOut], auth=requires("matching.view_duplicatecandidate"))
def list_candidates(
    request: HttpRequest,
    status: Line = "OPEN",
    limit: Id = 100,
):
    qs = candidates.candidates_for(request.user, status=status or None)
    return [_candidate_out(c) for c in qs[: min(max(limit, 1), 500)]]


@router.post(
    "/duplicates/{candidate_id}/decision",
    response={200: CandidateOut, 201: MergeOut},
    auth=requires("matching.decide_duplicatecandidate"),
)
def decide(request: HttpRequest, candidate_id: Id, payload: DuplicateDecisionIn):
    ensure(request.user, "matching.view_duplicatecandidate")
    candidate = candidates.candidates_for(request.user, status=None).filter(pk=candidate_id).first()
    if candidate is None:
        raise NotFound("No such pair.")
    if payload.decision == "MERGE":
        a, b = candidate.person_a, candidate.person_b
        pair = {a.reference: (a, b), b.reference: (b, a)}
        if payload.survivor not in pair:
            raise InvalidInput(
                {
                    "survivor": [
                        _("Choose the reference to keep: %(a)s or %(b)s.") % {"a": a.reference, "b": b.reference}
                    ]
                }
            )
        survivor, merged = pair[payload.survivor]
        if not payload.confirm:
            ensure(request.user, "matching.merge_person", survivor)
            ensure(request.user, "matching.merge_person", merged)
            moves = [{"records": name, "count": n} for name, n in merges.what_moves(merged)]
            raise ConfirmationRequired({"survivor": survivor.reference, "merged": merged.reference, "moves": moves})
        merge = merges.merge_persons(actor=request.user, survivor=survivor, merged=merged, reason=payload.reason)
        return 201, _merge_out(merge)
    decided = candidates.decide_candidate(
        actor=request.user, candidate=candidate, decision=payload.decision, note=payload.reason
    )
    return 200, _candidate_out(decided)


def _merge_out(merge: Merge) -> dict:
    return {
        "id": merge.pk,
        "survivor": merge.survivor.reference,
        "merged": merge.merged.reference,
        "moved": len(merge.moves.get("moved", [])),
        "kept": len(merge.moves.get("kept", [])),
    }


@router.post("/merges/{merge_id}/undo", response=MergeOut, auth=requires("matching.unmerge_person"))
def undo_merge(request: HttpRequest, merge_id: Id, payload: UndoIn):
    visible = registry_queries.persons_for(request.user)
    merge = Merge.objects.select_related("survivor", "merged").filter(pk=merge_id, survivor__in=visible).first()
    if merge is None:
        raise NotFound("No such merge.")
    merges.unmerge(actor=request.user, merge=merge, reason=payload.reason)
    return _merge_out(merge)
