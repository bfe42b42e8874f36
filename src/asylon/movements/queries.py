"""Reads of movements, risk profiles and reference data, scoped to the actor's sites and role."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asylon.core.errors import NotFound
from asylon.core.scope import ensure, site_ids
from asylon.core.types import Actor
from asylon.registry.models import Person, Site

from .models import (
    Art332Determination,
    ChainAssessmentRecord,
    CountryAuthority,
    FamilyUnityDecision,
    GateAction,
    GateResult,
    GroupRequest,
    Movement,
    MovementKind,
    OnwardReturnPolicy,
    RiskAssessment,
    RiskCountry,
    VoluntarinessRecord,
)


def movements_for(actor: Actor) -> QuerySet[Movement]:
    if not actor.has_perm("movements.view_movement"):
        return Movement.objects.none()
    return Movement.objects.filter(site_id__in=site_ids(actor)).select_related("site", "person", "destination_site")


def get_movement(actor: Actor, reference: str) -> Movement:
    movement = movements_for(actor).filter(reference=reference).first()
    if movement is None:
        raise NotFound("No such movement.")
    return movement


def gate_results(movement: Movement) -> list[GateResult]:
    return list(movement.gate_results.select_related("actor").order_by("pk"))


def groups_for(actor: Actor) -> QuerySet[GroupRequest]:
    if not actor.has_perm("movements.view_movement"):
        return GroupRequest.objects.none()
    return GroupRequest.objects.filter(site_id__in=site_ids(actor)).select_related("site", "block")


def get_group(actor: Actor, reference: str) -> GroupRequest:
    group = groups_for(actor).filter(reference=reference).first()
    if group is None:
        raise NotFound("No such group request.")
    return group


@dataclass(frozen=True)
class AnswerRow:
    movement: Movement
    allowed: bool
    blocks: list[dict]
    warnings: list[dict]


def group_answer(group: GroupRequest) -> list[AnswerRow]:
    """Who may go and who may not, and why: the first assessment of each person."""
    movements = list(group.movements.select_related("person").order_by("person__reference"))
    first: dict[int, GateResult] = {}
    for g in GateResult.objects.filter(movement__group_request=group, action="assess").order_by("pk"):
        first.setdefault(g.movement_id, g)
    return [
        AnswerRow(m, first[m.pk].allowed, first[m.pk].blocks, first[m.pk].warnings) for m in movements if m.pk in first
    ]


@dataclass
class RiskProfile:
    person: Person
    implicit: list[tuple[str, str]]  # (country code, why)
    risks: list[RiskCountry] = field(default_factory=list)
    withdrawn: list[RiskCountry] = field(default_factory=list)
    assessments: list[RiskAssessment] = field(default_factory=list)
    determinations: list[Art332Determination] = field(default_factory=list)
    chain_assessments: list[ChainAssessmentRecord] = field(default_factory=list)
    voluntariness: list[VoluntarinessRecord] = field(default_factory=list)
    family_unity: list[FamilyUnityDecision] = field(default_factory=list)


def risk_profile(actor: Actor, person: Person) -> RiskProfile:
    ensure(actor, "movements.view_risk_profile", person)
    implicit = []
    if person.country_of_origin:
        implicit.append((person.country_of_origin.code, "country of origin"))
    if person.nationality and person.nationality != person.country_of_origin:
        implicit.append((person.nationality.code, "nationality"))
    rows = list(RiskCountry.objects.filter(person=person).select_related("added_by", "withdrawn_by"))
    return RiskProfile(
        person=person,
        implicit=implicit,
        risks=[r for r in rows if r.withdrawn_on is None],
        withdrawn=[r for r in rows if r.withdrawn_on is not None],
        assessments=list(RiskAssessment.objects.filter(person=person).select_related("signed_by").order_by("-pk")),
        determinations=list(Art332Determination.objects.filter(person=person).order_by("-pk")),
        chain_assessments=list(
            ChainAssessmentRecord.objects.filter(person=person, withdrawn_at__isnull=True)
            .prefetch_related("approvals__approver")
            .order_by("-pk")
        ),
        voluntariness=list(VoluntarinessRecord.objects.filter(person=person).order_by("-pk")),
        family_unity=list(
            FamilyUnityDecision.objects.filter(person=person, withdrawn_at__isnull=True)
            .select_related("member", "decided_by")
            .order_by("-pk")
        ),
    )


def get_risk(actor: Actor, person: Person, pk: int) -> RiskCountry:
    ensure(actor, "movements.view_risk_profile", person)
    risk = RiskCountry.objects.filter(person=person, pk=pk).first()
    if risk is None:
        raise NotFound("No such risk.")
    return risk


def get_chain_assessment(actor: Actor, person: Person, pk: int) -> ChainAssessmentRecord:
    ensure(actor, "movements.view_risk_profile", person)
    record = ChainAssessmentRecord.objects.filter(person=person, pk=pk).first()
    if record is None:
        raise NotFound("No such assessment.")
    return record


def onward_policies(actor: Actor, on: date | None = None) -> QuerySet[OnwardReturnPolicy]:
    if not actor.has_perm("movements.view_risk_profile"):
        return OnwardReturnPolicy.objects.none()
    qs = OnwardReturnPolicy.objects.all()
    if on:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)
    return qs


def country_authorities(actor: Actor) -> QuerySet[CountryAuthority]:
    if not actor.has_perm("movements.view_risk_profile"):
        return CountryAuthority.objects.none()
    return CountryAuthority.objects.all()


# --- figures for the situation report (counts only: no person is named) ----------------------

# What each rule of the gate (DOMAIN.md 6.2) protects, in words for a reader of the report.
RULE_LABELS = {
    "N1": _("return to the country of origin"),
    "N2": _("risk of torture"),
    "N3": _("risk to life or of cruel or inhuman treatment"),
    "N4": _("claim or appeal still pending"),
    "N5": _("extradition before the asylum decision"),
    "N6": _("third country not shown to be safe"),
    "N7": _("return not shown to be voluntary"),
    "N8": _("family unity"),
}


@dataclass(frozen=True)
class RuleRefusals:
    rule: str
    label: str
    refusals: int  # refused steps in which this rule blocked


@dataclass(frozen=True)
class SafeguardRefusals:
    refusals: int  # refused steps; one step may be blocked by several rules
    by_rule: list[RuleRefusals]


def _local_days(start: date, end: date) -> tuple[datetime, datetime]:
    """The moments from the start of local day `start` to the start of the day after `end`."""
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


def safeguard_refusals_in_period(*, actor: Actor, site: Site, start: date, end: date) -> SafeguardRefusals:
    """The steps the gate refused at `site` between `start` and `end` (local days, both
    included), counted by the rule that blocked, in rule order. Read from the gate results
    (N9), which every refusal writes before it is reported. Counts only: a role that may
    read the site's statistics may read them."""
    ensure(actor, "reports.view_statistics", site)
    first, after = _local_days(start, end)
    refused = GateResult.objects.filter(movement__site=site, gated=True, allowed=False, at__gte=first, at__lt=after)
    per_rule: Counter[str] = Counter()
    steps = 0
    for blocks in refused.values_list("blocks", flat=True):
        steps += 1
        per_rule.update({b.get("rule", "") for b in blocks if isinstance(b, dict)})
    rules = sorted(per_rule, key=lambda r: (r not in RULE_LABELS, r))
    return SafeguardRefusals(
        refusals=steps,
        by_rule=[RuleRefusals(r, str(RULE_LABELS.get(r, r)), per_rule[r]) for r in rules],
    )


@dataclass(frozen=True)
class Departure:
    person_id: int
    on: date
    kind: str


def departures_in_period(
    *, actor: Actor, site: Site, start: date, end: date, dated: Mapping[int, date] | None = None
) -> list[Departure]:
    """Persons who left `site` between `start` and `end` (both included) by a movement carried
    out, in date order. A departure is dated by its own day: `dated` gives it by movement id
    where another app records that day (a resettlement case's departure date, which may be
    earlier than the day it was entered); else it is the day the movement was carried out.
    Counts only: a role that may read the site's statistics may read them."""
    ensure(actor, "reports.view_statistics", site)
    dated = dated or {}
    carried_out = GateResult.objects.filter(movement__site=site, action=GateAction.CARRY_OUT, applied=True).values_list(
        "movement_id", "movement__person_id", "movement__kind", "at"
    )
    out = []
    for movement_id, person_id, kind, at in carried_out:
        on = dated.get(movement_id) or timezone.localdate(at)
        if start <= on <= end:
            out.append(Departure(person_id, on, str(MovementKind(kind).label)))
    return sorted(out, key=lambda d: (d.on, d.person_id))
