"""The duplicate check at registration and the review queue of candidate pairs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.errors import InvalidInput
from asylon.core.i18n import format_date
from asylon.core.scope import ensure, site_ids
from asylon.core.types import Actor
from asylon.registry.models import Person, Presence, Sex, Site

from .keys import name_tokens
from .models import CandidateStatus, DuplicateCandidate, NameKeyToken
from .scorer import LEVEL_LABELS, M_PRIORS, NULL, REGISTER_FIELDS, Model, register_deduplicator
from .transitions import CANDIDATE

__all__ = [
    "ProbableMatch",
    "candidates_for",
    "decide_candidate",
    "find_matches_for",
    "person_record",
    "raise_candidate",
]

# Share of random pairs of registrations agreeing at each level, measured on a synthetic
# register of Persian names; used when one new registration is checked against the register.
DEFAULT_U = {
    "name": [0.004, 0.002, 0.001, 0.025, 0.968],
    "date": [0.0001, 0.0001, 0.0001, 0.0013, 0.0015, 0.0145, 0.0002, 0.003, 0.032, 0.9477],
    "exact": [0.5, 0.5],
    "unit": [0.001, 0.999],  # a new registration has no household to compare yet
}
PLACE_U = [0.044, 0.02, 0.001, 0.009, 0.926]


def person_record(p: Person) -> dict[str, Any]:
    """A person as the scorer reads it: the Latin entry of each name, else the original script."""
    return {
        "record_id": p.reference,
        "given_name": p.given_name or p.given_name_original,
        "fathers_name": p.fathers_name or p.fathers_name_original,
        "family_name": p.family_name or p.family_name_original,
        "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else "",
        "sex": p.sex if p.sex in ("F", "M") else "",
        "place_of_birth": "",
    }


@dataclass
class FieldComparison:
    """One field of a probable match. `new` and `existing` are the entered values as the
    register keeps them (ISO date, sex code); `new_shown` and `existing_shown` are for a page."""

    label: str
    new: str
    existing: str
    agreement: str
    column: str = ""

    @property
    def new_shown(self) -> str:
        return _shown(self.column, self.new)

    @property
    def existing_shown(self) -> str:
        return _shown(self.column, self.existing)


def _shown(column: str, value: str) -> str:
    """A value in the reader's calendar, digits and language."""
    if not value:
        return ""
    if column == "date_of_birth":
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if column == "sex":
        return str(Sex(value).label) if value in Sex.values else value
    return value


@dataclass
class ProbableMatch:
    person: Person
    probability: float
    match_weight: float
    fields: list[FieldComparison] = field(default_factory=list)


def _single_model(population: int) -> Model:
    u = [np.array(PLACE_U if f.column == "place_of_birth" else DEFAULT_U[f.kind]) for f in REGISTER_FIELDS]
    m = [np.array(M_PRIORS[f.kind]) for f in REGISTER_FIELDS]
    # A new registration duplicates one given person with a chance of about one in the register's size.
    return Model(list(REGISTER_FIELDS), m, u, prior=1 / max(population, 100))


def find_matches_for(
    data: dict[str, Any],
    site: Site,
    *,
    limit: int = 5,
    exclude: list[int] | None = None,
    sites: list[Site] | None = None,
    population: int | None = None,
):
    """Persons of the site (or of `sites`) that are probably the person described by `data`
    (before saving): one indexed lookup of the name tokens, then the register's scorer.

    Each match lists its fields side by side with the new entry and how they agree.
    `population` (the register's size) may be passed by a caller checking many persons.
    """
    scope = sites or [site]
    record = {
        "record_id": "new",
        "given_name": data.get("given_name") or data.get("given_name_original") or "",
        "fathers_name": data.get("fathers_name") or data.get("fathers_name_original") or "",
        "family_name": data.get("family_name") or data.get("family_name_original") or "",
        "date_of_birth": str(data.get("date_of_birth") or ""),
        "sex": data.get("sex") if data.get("sex") in ("F", "M") else "",
        "place_of_birth": "",
    }
    tokens = name_tokens(record["given_name"], record["family_name"])
    if not tokens:
        return []
    ids = list(
        NameKeyToken.objects.filter(
            Q(skeleton__in=[t.skeleton for t in tokens]) | Q(phonetic__in=[t.phonetic for t in tokens]),
            site__in=scope,
        )
        .exclude(person_id__in=exclude or [])
        .values_list("person_id", flat=True)
        .distinct()[:500]
    )
    persons = list(Person.objects.filter(pk__in=ids).exclude(presence=Presence.MERGED).select_related("site"))
    if not persons:
        return []
    dedup = register_deduplicator()
    records = [record, *[person_record(p) for p in persons]]
    rows = dedup.prepare(records)
    pairs = np.array([(0, k) for k in range(1, len(rows))], dtype=np.int64)
    levels = dedup.levels(rows, pairs)
    if population is None:
        population = Person.objects.filter(site__in=scope).count()
    model = _single_model(population)
    weights = dedup.weights(model, rows, pairs, levels)
    matches = []
    for k, person in enumerate(persons):
        probability = 1 / (1 + 2 ** (-float(np.clip(weights[k], -60, 60))))
        if probability < dedup.threshold:
            continue
        comparisons = []
        for f_index, f in enumerate(REGISTER_FIELDS):
            if f.column in ("place_of_birth", "household_id"):
                continue
            level = int(levels[k, f_index])
            new, existing = str(record[f.column] or ""), str(records[k + 1][f.column] or "")
            agreement = "missing" if level == NULL else LEVEL_LABELS[f.kind][level]
            if f.kind == "name" and agreement == "exact" and new.casefold() != existing.casefold():
                # The scorer reads Naseem and Nasim as one name; the clerk sees two spellings.
                agreement = "spelled differently"
            comparisons.append(FieldComparison(f.label, new, existing, agreement, f.column))
        matches.append(ProbableMatch(person, round(probability, 4), round(float(weights[k]), 2), comparisons))
    matches.sort(key=lambda m: -m.probability)
    return matches[:limit]


def raise_candidate(
    person_1: Person,
    person_2: Person,
    *,
    probability: float,
    match_weight: float,
    explanation: dict,
    source: str = "registration",
    run=None,
) -> tuple[DuplicateCandidate, bool]:
    """Put a pair in the review queue, unless the pair is already there (or was decided)."""
    a, b = sorted((person_1, person_2), key=lambda p: p.pk)
    if not math.isfinite(match_weight):
        match_weight = 0.0
    return DuplicateCandidate.objects.get_or_create(
        person_a=a,
        person_b=b,
        defaults={
            "site_id": a.site_id,
            "probability": probability,
            "match_weight": match_weight,
            "explanation": explanation,
            "source": source,
            "run": run,
        },
    )


def candidates_for(actor: Actor, status: str | None = CandidateStatus.OPEN) -> QuerySet[DuplicateCandidate]:
    if not actor.has_perm("matching.view_duplicatecandidate"):
        return DuplicateCandidate.objects.none()
    sites = site_ids(actor)
    qs = DuplicateCandidate.objects.filter(person_a__site_id__in=sites, person_b__site_id__in=sites)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("person_a", "person_b", "site").order_by("-probability", "pk")


@transaction.atomic
def decide_candidate(
    *, actor: Actor, candidate: DuplicateCandidate, decision: str, note: str = ""
) -> DuplicateCandidate:
    """Close a pair as different persons or as related (linked). Remembered: never raised again."""
    ensure(actor, "matching.decide_duplicatecandidate", candidate.person_a)
    ensure(actor, "matching.decide_duplicatecandidate", candidate.person_b)
    if decision not in (CandidateStatus.DIFFERENT, CandidateStatus.LINKED):
        raise InvalidInput({"decision": [_("Choose different persons or linked.")]})
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    CANDIDATE.step_to(decision, candidate.status)
    before = candidate.status
    candidate.status = decision
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.note = note[:300]
    candidate.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit.record(
        actor,
        "duplicate.decided",
        candidate.person_a,
        changes={"pair": [candidate.person_a.reference, candidate.person_b.reference], "status": [before, decision]},
        reason=note,
    )
    return candidate
