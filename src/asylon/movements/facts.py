"""Build the safeguards' plain facts from the records, as they stand on a given day.

`person_facts(ids, on)` reads any number of persons in a constant number of queries (a
whole block for a group request is one pass). `movement_facts(...)` adds the movement and
the reference data valid that day. Nothing here writes or checks permissions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from asylon.core.dates import age_on
from asylon.registry.models import NeedStatus, Person, SpecificNeed
from asylon.safeguards import (
    Art332Determination,
    ChainAssessment,
    LegalStatus,
    MovementFacts,
    PersonFacts,
    RiskAssessment,
    VoluntarinessRecord,
)
from asylon.safeguards.types import MovementKind as SafeguardKind
from asylon.status.queries import StatusSnapshot, statuses_on

from . import models as m

UNACCOMPANIED_NEEDS = ("SC", "SC-UC", "SC-SC")
OPEN_NEED = ~Q(status__in=[NeedStatus.RESOLVED, NeedStatus.REJECTED])


@dataclass(frozen=True)
class Situation:
    """One person's facts plus what movement facts need about them."""

    person: Person
    facts: PersonFacts
    snapshot: StatusSnapshot
    chain: dict[str, ChainAssessment]


def person_facts(person_ids: Iterable[int], on: date) -> dict[int, Situation]:
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return {}
    persons = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("site", "sensitive")}
    snapshots = statuses_on(ids, on)

    risks: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for pid, country, kind in m.RiskCountry.objects.filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on), person_id__in=ids, added_on__lte=on
    ).values_list("person_id", "country", "kind"):
        risks[pid][kind].add(country)

    assessments: dict[int, dict[str, RiskAssessment]] = defaultdict(dict)
    for a in (
        m.RiskAssessment.objects.filter(person_id__in=ids, signed_on__lte=on).select_related("signed_by").order_by("id")
    ):
        assessments[a.person_id][a.country.code] = RiskAssessment(
            finds_no_substantial_grounds=a.finds_no_substantial_grounds,
            finds_no_real_risk=a.finds_no_real_risk,
            signed_by=a.signed_by.get_username(),
            country_information=a.country_information,
        )  # the latest recorded wins

    determinations: dict[int, Art332Determination] = {}
    for d in m.Art332Determination.objects.filter(person_id__in=ids, decided_on__lte=on).order_by("id"):
        determinations[d.person_id] = Art332Determination(d.competent_authority, d.reference, d.decided_on)

    voluntariness: dict[int, VoluntarinessRecord] = {}
    for v in m.VoluntarinessRecord.objects.filter(person_id__in=ids).order_by("id"):
        voluntariness[v.person_id] = VoluntarinessRecord(
            signed_declaration=v.signed_declaration,
            counselling_record=v.counselling_record,
            coercion_flag_open=v.coercion_flag_open,
            withdrawn=v.withdrawn_at is not None,
            best_interests_assessment=v.best_interests_assessment,
            best_interests_determination=v.best_interests_determination,
        )

    tortured: set[int] = set()
    unaccompanied: set[int] = set()
    for pid, _code, category in (
        SpecificNeed.objects.filter(OPEN_NEED, person_id__in=ids)
        .filter(Q(code__category="TR") | Q(code_id__in=UNACCOMPANIED_NEEDS))
        .values_list("person_id", "code_id", "code__category")
    ):
        if category == "TR":
            tortured.add(pid)
        else:
            unaccompanied.add(pid)

    submitted: dict[int, set[str]] = defaultdict(set)
    for pid, country in m.SharingGrant.objects.filter(
        person_id__in=ids, expires_at__isnull=True, recipient__kind=m.RecipientKind.RESETTLEMENT_COUNTRY
    ).values_list("person_id", "recipient__country"):
        submitted[pid].add(country)

    chains: dict[int, dict[str, ChainAssessment]] = defaultdict(dict)
    for c in (
        m.ChainAssessmentRecord.objects.filter(person_id__in=ids, withdrawn_at__isnull=True)
        .prefetch_related("approvals")
        .order_by("id")
    ):
        chains[c.person_id][c.country.code] = ChainAssessment(
            country=c.country.code,
            admission_document=c.admission_document,
            access_to_protection=c.access_to_protection,
            respects_non_refoulement=c.respects_non_refoulement,
            approvers=tuple(str(a.approver_id) for a in c.approvals.all()),
            rationale=c.rationale,
        )

    out = {}
    for pid in ids:
        person = persons[pid]
        snap = snapshots[pid]
        age = age_on(person.date_of_birth, on) if person.date_of_birth else None
        profile = getattr(person, "sensitive", None)
        survivor = pid in tortured or bool(profile and profile.torture_survivor)
        kinds = risks.get(pid, {})
        facts = PersonFacts(
            reference=person.reference,
            legal_status=LegalStatus(snap.status),
            country_of_origin=person.country_of_origin.code or "",
            nationality=person.nationality.code or "",
            age=age,
            is_child=age is not None and age < 18,
            unaccompanied_or_separated=pid in unaccompanied,
            claim_pending=snap.claim_pending,
            in_appeal_window=snap.in_appeal_window,
            appeal_pending=snap.appeal_pending,
            risk_countries=frozenset(kinds.get(m.RiskKind.PERSECUTION, ())),
            torture_risk_countries=frozenset(kinds.get(m.RiskKind.TORTURE, ())),
            ill_treatment_risk_countries=frozenset(kinds.get(m.RiskKind.ILL_TREATMENT, ())),
            torture_survivor=survivor,
            art_33_2_determination=determinations.get(pid),
            risk_assessments=assessments.get(pid, {}),
            voluntariness=voluntariness.get(pid),
            submitted_to_countries=frozenset(submitted.get(pid, ())),
        )
        out[pid] = Situation(person=person, facts=facts, snapshot=snap, chain=chains.get(pid, {}))
    return out


@dataclass(frozen=True)
class OnwardPolicies:
    """Onward-return reference data valid on one day: (country, nationality, returns_to)."""

    rows: tuple[tuple[str, str, str], ...]

    @classmethod
    def on(cls, day: date) -> OnwardPolicies:
        rows = m.OnwardReturnPolicy.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day
        ).values_list("country", "nationality", "returns_to")
        return cls(tuple((c, n or "", r) for c, n, r in rows))

    def for_person(self, facts: PersonFacts) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
        """(countries that return this person's nationality home, onward routes)."""
        mine = {"", facts.nationality, facts.country_of_origin}
        routes: dict[str, set[str]] = defaultdict(set)
        for country, nationality, returns_to in self.rows:
            if nationality in mine:
                routes[country].add(returns_to)
        returners = frozenset(c for c, dests in routes.items() if dests & facts.home_countries)
        return returners, {c: frozenset(d) for c, d in routes.items()}


def destination_country_of(movement: m.Movement) -> str:
    if movement.destination_country:
        return movement.destination_country.code
    if movement.destination_site_id and movement.destination_site:
        return movement.destination_site.host_country.code
    return ""


def movement_facts(movement: m.Movement, situation: Situation, policies: OnwardPolicies) -> MovementFacts:
    destination = destination_country_of(movement)
    returners, routes = policies.for_person(situation.facts)
    return MovementFacts(
        kind=SafeguardKind(movement.kind),
        destination_country=destination,
        host_country=movement.site.host_country.code,
        requesting_state=movement.requesting_state.code or "",
        onward_return_countries=returners,
        onward_returns=routes,
        chain_assessment=situation.chain.get(destination),
        rsd_decision_final=situation.snapshot.final_decision,
        court_reference=movement.court_reference,
    )
