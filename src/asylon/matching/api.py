"""The matching API: search, the duplicate check, the review queue, merges and their undoing."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, requires
from asylon.core.confirm import ConfirmationRequired
from asylon.core.errors import InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries
from asylon.registry.models import Person

from . import candidates, merges, queries, search
from .models import DuplicateCandidate, Merge

router = Router(tags=["matching"])


class HitOut(Schema):
    reference: str = Field(alias="person.reference")
    site: str = Field(alias="person.site.code")
    given_name: str = Field(alias="person.given_name")
    fathers_name: str = Field(alias="person.fathers_name")
    family_name: str = Field(alias="person.family_name")
    full_name_original: str = Field(alias="person.full_name_original")
    date_of_birth: date | None = Field(alias="person.date_of_birth")
    score: float
    why: list[str]

    @staticmethod
    def resolve_why(hit: search.Hit) -> list[str]:
        return [reason.english() for reason in hit.why]


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
    reference: str = Field(alias="person.reference")
    probability: float
    match_weight: float
    fields: list[FieldOut]


class CandidateOut(Schema):
    id: int
    person_a: str = Field(alias="person_a.reference")
    person_b: str = Field(alias="person_b.reference")
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
    survivor: str = Field(alias="survivor.reference")
    merged: str = Field(alias="merged.reference")
    moved: int
    kept: int

    @staticmethod
    def resolve_moved(merge: Merge) -> int:
        return len(merge.moves.get("moved", []))

    @staticmethod
    def resolve_kept(merge: Merge) -> int:
        return len(merge.moves.get("kept", []))


class UndoIn(Schema):
    reason: Annotated[str, FromModel(Merge, "undo_reason")]


def _example(body: dict) -> dict:
    """An example request body for the API docs."""
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


@router.get(
    "/persons/search",
    summary="Search registered persons by name",
    response=list[HitOut],
    auth=requires("registry.view_person"),
)
def search_persons(request: AuthedRequest, q: Line = "", limit: Id = 10):
    return search.search_persons(request.user, q, limit=min(max(limit, 1), 50))


@router.post(
    "/persons/duplicates/check",
    summary="Check a new person against the register",
    response=list[MatchOut],
    auth=requires("registry.add_household"),
    openapi_extra=_example(
        {"site": "AAA", "given_name": "Samira", "family_name": "Haddad", "date_of_birth": "1990-04-12", "sex": "F"}
    ),
)
def check_duplicates(request: AuthedRequest, payload: CheckIn):
    site = registry_queries.site_in_scope(request.user, payload.site)
    ensure(request.user, "registry.add_household", site)
    return candidates.find_matches_for(payload.dict(), site)


@router.get(
    "/duplicates",
    summary="List the possible duplicates to review",
    response=list[CandidateOut],
    auth=requires("matching.view_duplicatecandidate"),
)
def list_candidates(
    request: AuthedRequest,
    status: Line = "OPEN",
    limit: Id = 100,
):
    qs = candidates.candidates_for(request.user, status=status or None)
    return qs[: min(max(limit, 1), 500)]


@router.post(
    "/duplicates/{candidate_id}/decision",
    summary="Decide a possible duplicate (different, linked or merge)",
    response={200: CandidateOut, 201: MergeOut},
    auth=requires("matching.decide_duplicatecandidate"),
    openapi_extra=_example(
        {
            "decision": "MERGE",
            "survivor": "AAA-000123",
            "confirm": True,
            "reason": "Same card number and date of birth.",
        }
    ),
)
def decide(request: AuthedRequest, candidate_id: Id, payload: DuplicateDecisionIn):
    ensure(request.user, "matching.view_duplicatecandidate")
    candidate = queries.get_candidate(request.user, candidate_id)
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
        return Status(201, merge)
    decided = candidates.decide_candidate(
        actor=request.user, candidate=candidate, decision=payload.decision, note=payload.reason
    )
    return Status(200, decided)


@router.post(
    "/merges/{merge_id}/undo",
    summary="Undo a merge of two persons",
    response=MergeOut,
    auth=requires("matching.unmerge_person"),
    openapi_extra=_example({"reason": "The two records are different persons after the interview of 2 March."}),
)
def undo_merge(request: AuthedRequest, merge_id: Id, payload: UndoIn):
    merge = queries.get_merge(request.user, merge_id)
    merges.unmerge(actor=request.user, merge=merge, reason=payload.reason)
    return merge
