"""Build the safeguards' plain facts from the records, as they stand on a given day.

`person_facts(ids, on)` reads any number of persons in a constant number of queries (a
whole block for a group request is one pass); `disclosure_subjects(ids, on)` reads only what
the sharing rule D1 needs of them, in two. `movement_facts(...)` adds the movement and
the reference data valid that day. Nothing here writes or checks permissions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Q

from asylon.core.dates import age_on
from asylon.registry.models import Membership, NeedStatus, Person, Presence, SpecificNeed
from asylon.safeguards import (
    Art332Determination,
    ChainAssessment,
    DisclosureSubject,
    FamilyUnityOverride,
    LegalStatus,
    MovementFacts,
    PersonFacts,
    RiskAssessment,
    VoluntarinessRecord,
)
from asylon.safeguards.types import MovementKind as SafeguardKind
from asylon.safeguards.types import RecipientKind as SafeguardRecipientKind
from asylon.status.queries import StatusSnapshot, statuses_on

from . import models as m

UNACCOMPANIED_NEEDS = ("SC", "SC-UC", "SC-SC")
OPEN_NEED = ~Q(status__in=[NeedStatus.RESOLVED, NeedStatus.REJECTED])
GONE = (Presence.DEPARTED, Presence.DECEASED)
# A movement still REQUESTED is being assessed in this very act; it is not yet set to go.
SET_TO_GO = (m.MovementState.ASSESSED, m.MovementState.APPROVED)


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
    risks = _risk_countries(ids, on)

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

    # Open grants to resettlement countries (D3), read through the person's relation: the
    # grants are the sharing app's, which sits above movements and is not imported here.
    submitted: dict[int, set[str]] = defaultdict(set)
    for pid, country in Person.objects.filter(
        pk__in=ids,
        sharing_grants__expires_at__isnull=True,
        sharing_grants__recipient__kind=SafeguardRecipientKind.RESETTLEMENT_COUNTRY,
    ).values_list("pk", "sharing_grants__recipient__country"):
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


def _risk_countries(ids: list[int], on: date) -> dict[int, dict[str, set[str]]]:
    """Each person's risk countries recorded and not withdrawn on `on`, by kind of risk."""
    risks: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for pid, country, kind in m.RiskCountry.objects.filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on), person_id__in=ids, added_on__lte=on
    ).values_list("person_id", "country", "kind"):
        risks[pid][kind].add(country)
    return risks


def disclosure_subjects(person_ids: Iterable[int], on: date) -> list[DisclosureSubject]:
    """What D1 reads of each person, as `person_facts` has it (reference, origin, nationality,
    alleged persecutors), in two queries: a grant to a delegation needs none of the rest."""
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return []
    persons = {
        pk: (reference, origin, nationality)
        for pk, reference, origin, nationality in Person.objects.filter(pk__in=ids).values_list(
            "pk", "reference", "country_of_origin", "nationality"
        )
    }
    risks = _risk_countries(ids, on)
    subjects = []
    for pid in ids:
        reference, origin, nationality = persons[pid]
        subjects.append(
            DisclosureSubject(
                reference=reference,
                country_of_origin=origin or "",
                nationality=nationality or "",
                risk_countries=frozenset(risks.get(pid, {}).get(m.RiskKind.PERSECUTION, ())),
            )
        )
    return subjects


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


def destination_for(kind: str, destination_country: str = "", destination_site=None, requesting_state: str = "") -> str:
    """Where a person would go: the one place this is derived, for requests, previews and
    every gate check. An internal transfer goes to its site's host country unless a country
    is named; an extradition goes to the requesting state unless a destination is named."""
    code = (destination_country or "").strip().upper()
    if code:
        return code
    if kind == m.MovementKind.INTERNAL_TRANSFER and destination_site is not None:
        return destination_site.host_country.code or ""
    if kind == m.MovementKind.EXTRADITION_REQUEST:
        return (requesting_state or "").strip().upper()
    return ""


def destination_country_of(movement: m.Movement) -> str:
    return destination_for(
        movement.kind,
        movement.destination_country.code or "",
        movement.destination_site if movement.destination_site_id else None,
        movement.requesting_state.code or "",
    )


@dataclass(frozen=True)
class Plan:
    """What a movement is, as plain values: a saved Movement or one only being previewed."""

    kind: str
    destination: str
    host_country: str
    requesting_state: str = ""
    court_reference: str = ""
    destination_site_id: int | None = None

    @classmethod
    def of(cls, movement: m.Movement) -> Plan:
        return cls(
            kind=movement.kind,
            destination=destination_country_of(movement),
            host_country=movement.site.host_country.code,
            requesting_state=movement.requesting_state.code or "",
            court_reference=movement.court_reference,
            destination_site_id=movement.destination_site_id,
        )


@dataclass(frozen=True)
class Family:
    """N8 from the register: each person's household on a day, who of it is already set to
    make the same movement, and the decisions recorded for members who stay behind.

    A household member is anyone present with an active membership in one of the person's
    open households. A member "moves" when they are part of the same act (a group request,
    a resettlement case: `together`) or have an open movement of the same kind to the same
    place; every other member stays, and staying needs a FamilyUnityDecision."""

    others: dict[int, tuple[int, ...]]
    references: dict[int, str]
    moving: frozenset[int]
    decisions: dict[tuple[int, int], tuple[str, str]]

    @classmethod
    def read(cls, person_ids: Iterable[int], plan: Plan, on: date) -> Family:
        ids = list(dict.fromkeys(person_ids))
        active = Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        active &= Q(household__closed_on__isnull=True)
        households: dict[int, set[int]] = defaultdict(set)
        for household_id, pid in Membership.objects.filter(active, person_id__in=ids).values_list(
            "household_id", "person_id"
        ):
            households[household_id].add(pid)
        others: dict[int, set[int]] = defaultdict(set)
        references: dict[int, str] = {}
        for household_id, other, reference in (
            Membership.objects.filter(active, household_id__in=list(households))
            .exclude(person__presence__in=GONE)
            .values_list("household_id", "person_id", "person__reference")
        ):
            for pid in households[household_id]:
                if pid != other:
                    others[pid].add(other)
                    references[other] = reference
        everyone = set(references)
        moving = set(
            m.Movement.objects.filter(
                person_id__in=everyone,
                kind=plan.kind,
                destination_country=plan.destination,
                destination_site_id=plan.destination_site_id,
                state__in=SET_TO_GO,
            ).values_list("person_id", flat=True)
        )
        decisions = {
            (d.person_id, d.member_id): (d.rationale, d.decided_by.get_username())
            for d in m.FamilyUnityDecision.objects.filter(
                person_id__in=ids, kind=plan.kind, country=plan.destination, withdrawn_at__isnull=True
            ).select_related("decided_by")
        }
        return cls(
            others={pid: tuple(sorted(o)) for pid, o in others.items()},
            references=references,
            moving=frozenset(moving),
            decisions=decisions,
        )

    def without(self, person_id: int) -> Family:
        """The same households once `person_id` has left the camp (as `read` would find them)."""
        return replace(
            self,
            others={pid: tuple(o for o in others if o != person_id) for pid, others in self.others.items()},
            references={pid: ref for pid, ref in self.references.items() if pid != person_id},
            moving=self.moving - {person_id},
        )

    def for_person(
        self, pid: int, reference: str, together: Iterable[int] = ()
    ) -> tuple[dict[str, str | None], bool, FamilyUnityOverride | None]:
        """(member decisions, whether the household splits, the override if every member
        who stays has a recorded decision)."""
        others = self.others.get(pid, ())
        if not others:
            return {}, False, None
        moving = self.moving | set(together) | {pid}
        decisions: dict[str, str | None] = {reference: MOVES}
        reasons: list[tuple[str, str]] = []
        for other in others:
            if other in moving:
                decisions[self.references[other]] = MOVES
            elif (pid, other) in self.decisions:
                decisions[self.references[other]] = STAYS
                reasons.append(self.decisions[(pid, other)])
            else:
                decisions[self.references[other]] = None
        split = any(d != MOVES for d in decisions.values())
        override = None
        if split and reasons and None not in decisions.values():
            override = FamilyUnityOverride(
                rationale=" / ".join(sorted({r for r, _ in reasons})),
                approved_by=", ".join(sorted({a for _, a in reasons})),
            )
        return decisions, split, override


MOVES, STAYS = "moves", "stays"


def movement_facts(
    movement: m.Movement | Plan,
    situation: Situation,
    policies: OnwardPolicies,
    family: Family | None = None,
    together: Iterable[int] = (),
) -> MovementFacts:
    plan = movement if isinstance(movement, Plan) else Plan.of(movement)
    returners, routes = policies.for_person(situation.facts)
    decisions, split, override = (
        family.for_person(situation.person.pk, situation.facts.reference, together) if family else ({}, False, None)
    )
    return MovementFacts(
        kind=SafeguardKind(plan.kind),
        destination_country=plan.destination,
        host_country=plan.host_country,
        requesting_state=plan.requesting_state,
        onward_return_countries=returners,
        onward_returns=routes,
        chain_assessment=situation.chain.get(plan.destination),
        rsd_decision_final=situation.snapshot.final_decision,
        court_reference=plan.court_reference,
        member_decisions=decisions,
        split_decision=split,
        family_unity_override=override,
    )
