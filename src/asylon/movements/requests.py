"""Requests to move persons and every step after: one request, a transition, a group
request, and the evidence recorded for the gate on the way (family unity N8, voluntariness
N7). Pages, the API, the resettlement app and commands call these services.

Each service checks the role first, then the input, locks what it changes and writes its
audit event in one transaction. The gate itself, and every write of a movement's state,
are `gate`'s: these services ask it and never set a state themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput, NotPermitted
from asylon.core.messages import msgid_of
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Location, Person, Presence, Site
from asylon.registry.references import next_references
from asylon.registry.services import apply_presence
from asylon.safeguards import Assessment
from asylon.safeguards.messages import message
from asylon.safeguards.types import INVOLUNTARY_KINDS
from asylon.status.models import LegalStatus

from .facts import Plan, destination_for, person_facts
from .gate import (
    ACTION_PERMS,
    MovementRefused,
    Reading,
    Request,
    _alert,
    _assess_one,
    _assess_together,
    _audit_gate,
    _ensure_handle,
    _enter_state,
    _enter_state_many,
    _gate_row,
    _new_movement,
    may_act,
    may_act_at_all,
)
from .models import (
    FamilyUnityDecision,
    GateAction,
    GateResult,
    GroupRequest,
    Movement,
    MovementKind,
    MovementState,
    VoluntarinessRecord,
)
from .reference_data import country_code
from .transitions import MOVEMENT, OPEN_STATES

INVOLUNTARY = frozenset(str(k) for k in INVOLUNTARY_KINDS)
GONE = (Presence.DEPARTED, Presence.DECEASED)
STATUS_ON_DEPARTURE: dict[str, str] = {
    MovementKind.RESETTLEMENT_DEPARTURE: LegalStatus.DEPARTED_RESETTLED,
    MovementKind.HUMANITARIAN_ADMISSION: LegalStatus.DEPARTED_RESETTLED,
    MovementKind.RELOCATION_THIRD_COUNTRY: LegalStatus.DEPARTED_OTHER,
    MovementKind.VOLUNTARY_REPATRIATION: LegalStatus.DEPARTED_REPATRIATED,
    MovementKind.DEPORTATION_ORDER: LegalStatus.DEPARTED_OTHER,
    MovementKind.EXTRADITION_REQUEST: LegalStatus.DEPARTED_OTHER,
    MovementKind.OTHER_REMOVAL: LegalStatus.DEPARTED_OTHER,
}


# --- requests ------------------------------------------------------------------------------


def _check_request(
    *,
    kind: str,
    destination_country: str,
    destination_site: Site | None,
    requesting_state: str,
    legal_reference: str,
    court_reference: str,
    site: Site,
) -> Request:
    errors: dict[str, list[str]] = {}
    if kind not in MovementKind.values:
        raise InvalidInput({"kind": [_("Unknown kind of movement %(k)r.") % {"k": kind}]})
    destination = country_code(destination_country, "destination_country", errors)
    requesting = country_code(requesting_state, "requesting_state", errors)
    if kind == MovementKind.INTERNAL_TRANSFER:
        if destination_site is None:
            errors.setdefault("destination_site", []).append(_("Name the site the person would move to."))
        elif destination_site.pk == site.pk:
            errors.setdefault("destination_site", []).append(_("The person already lives in this site."))
    else:
        if destination_site is not None:
            errors.setdefault("destination_site", []).append(_("Only an internal transfer goes to a site."))
        if kind == MovementKind.EXTRADITION_REQUEST:
            if not requesting:
                errors.setdefault("requesting_state", []).append(_("Name the state that asks for extradition."))
            if not (legal_reference or "").strip():
                errors.setdefault("legal_reference", []).append(_("Give the legal reference of the request."))
    destination = destination_for(kind, destination, destination_site, requesting)
    if not destination and kind != MovementKind.INTERNAL_TRANSFER and "requesting_state" not in errors:
        errors.setdefault("destination_country", []).append(_("Name the country of destination."))
    if errors:
        raise InvalidInput(errors)
    return Request(
        kind=kind,
        destination_country=destination,
        destination_site=destination_site,
        requesting_state=requesting,
        legal_reference=(legal_reference or "").strip(),
        court_reference=(court_reference or "").strip(),
    )


def request_movement(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    destination_country: str = "",
    destination_site: Site | None = None,
    requesting_state: str = "",
    legal_reference: str = "",
    court_reference: str = "",
    note: str = "",
    together: Iterable[Person] = (),
) -> Movement:
    """Record a request to move one person and assess it at once.

    `together`: the persons moved in the same act (a resettlement case's members), who
    count as moving for N8 even before their own movements are recorded.
    Returns the ASSESSED movement, or raises `MovementRefused` after keeping the movement
    as REFUSED with the reasons (and alerting the site's protection officers)."""
    movement, assessment = _request_movement(
        actor=actor,
        person=person,
        kind=kind,
        destination_country=destination_country,
        destination_site=destination_site,
        requesting_state=requesting_state,
        legal_reference=legal_reference,
        court_reference=court_reference,
        note=note,
        together=[p.pk for p in together],
    )
    if not assessment.allowed:
        raise MovementRefused(movement, assessment)
    return movement


@transaction.atomic
def _request_movement(
    *, actor: Actor, person: Person, kind: str, note: str, together: list[int], **fields
) -> tuple[Movement, Assessment]:
    _ensure_handle(actor, kind, person, "movements.add_movement")
    person = Person.objects.select_for_update().select_related("site").get(pk=person.pk)
    req = _check_request(kind=kind, site=person.site, **fields)
    if person.presence in GONE:
        raise Conflict(_("This person has left or died; no movement can be planned."), code="person_gone")
    [reference] = next_references(f"{person.site.code}-MV", 1)
    movement = _saved_request(reference, person, req, actor, note)
    return movement, _record_request(actor, movement, req, _assess_one(movement, together))


def request_movements(
    *, actor: Actor, persons: Iterable[Person], kind: str, destination_country: str, note: str = ""
) -> list[Movement]:
    """`request_movement` for each of persons moved in one act (a resettlement case's
    members, who count as moving for one another, N8), in one transaction, the gate's facts
    read once for them all. Returns the ASSESSED movements; at the first refusal, raises
    `MovementRefused` (the caller's transaction decides whether the attempt is kept)."""
    return _request_movements(actor=actor, persons=list(persons), kind=kind, country=destination_country, note=note)


@transaction.atomic
def _request_movements(*, actor: Actor, persons: list[Person], kind: str, country: str, note: str) -> list[Movement]:
    for person in persons:
        _ensure_handle(actor, kind, person, "movements.add_movement")
    ids = [p.pk for p in persons]
    locked = Person.objects.select_for_update().select_related("site").in_bulk(ids)
    sites = Counter(p.site.code for p in locked.values())
    references = {code: iter(next_references(f"{code}-MV", n)) for code, n in sites.items()}
    readings: dict[Plan, Reading] = {}
    movements = []
    for person in (locked[pk] for pk in ids):
        req = _check_request(
            kind=kind,
            destination_country=country,
            destination_site=None,
            requesting_state="",
            legal_reference="",
            court_reference="",
            site=person.site,
        )
        if person.presence in GONE:
            raise Conflict(_("This person has left or died; no movement can be planned."), code="person_gone")
        movement = _saved_request(next(references[person.site.code]), person, req, actor, note)
        plan = Plan.of(movement)  # the same for every member but in unusual cases (two sites)
        if plan not in readings:
            readings[plan] = Reading(ids, plan)
        assessment = _record_request(actor, movement, req, readings[plan].assess(movement, ids))
        if not assessment.allowed:
            raise MovementRefused(movement, assessment)
        movements.append(movement)
    return movements


def _saved_request(reference: str, person: Person, req: Request, actor: Actor, note: str) -> Movement:
    movement = _new_movement(reference, person, req, actor, note.strip())
    movement.save()
    return Movement.objects.select_related("site", "destination_site", "person").get(pk=movement.pk)


def _record_request(actor: Actor, movement: Movement, req: Request, assessment: Assessment) -> Assessment:
    """Keep the gate's answer to a new request: its GateResult, audit events and state."""
    target = MovementState.ASSESSED if assessment.allowed else MovementState.REFUSED
    gate = _gate_row(movement, GateAction.ASSESS, target, actor=actor, assessment=assessment, applied=True)
    gate.save()
    audit.record(
        actor,
        "movement.requested",
        movement,
        changes={
            "kind": movement.kind,
            "destination_country": req.destination_country,
            "person": movement.person.reference,
        },
        site_id=movement.site_id,
    )
    _audit_gate(actor, movement, gate, refused=not assessment.allowed)
    _enter_state(movement, target)
    _alert_movement(movement, assessment)
    return assessment


def transition_movement(*, actor: Actor, movement: Movement, action: str, reason: str = "") -> Movement:
    """Move a movement on (approve, refuse, carry_out, cancel). Gated steps re-assess the
    person with the facts of today; a refusal leaves the movement as it was and raises
    `MovementRefused` once the attempt is recorded."""
    movement, refusal = _transition_movement(actor=actor, movement=movement, action=action, reason=reason)
    if refusal is not None:
        raise refusal
    return movement


def transition_movements(
    *, actor: Actor, movements: Iterable[Movement], action: str, reason: str = ""
) -> list[Movement]:
    """`transition_movement` for the movements of persons moved in one act (a resettlement
    case's members), in one transaction, the gate's facts read once for them all. As one
    after the other would: at the first refusal, the attempt is recorded, the movements
    before it keep their step, those after it are left as they were, and it is raised."""
    done, refusal = _transition_movements(actor=actor, ids=[m.pk for m in movements], action=action, reason=reason)
    if refusal is not None:
        raise refusal
    return done


@transaction.atomic
def _transition_movements(*, actor: Actor, ids: list[int], action: str, reason: str):
    locked = _locked(Movement.objects.filter(pk__in=ids)).in_bulk(ids)
    persons = [locked[pk].person_id for pk in ids]
    list(Person.objects.select_for_update().filter(pk__in=persons).values_list("pk", flat=True))
    readings: dict[Plan, Reading] = {}

    def reading(movement: Movement) -> Reading:
        plan = Plan.of(movement)  # the same for every member but in unusual cases (two sites)
        if plan not in readings:
            readings[plan] = Reading(persons, plan)
        return readings[plan]

    done: list[Movement] = []
    for pk in ids:
        movement, refusal = _step(actor, locked[pk], action, reason, reading)
        if refusal is not None:
            return done, refusal
        done.append(movement)
        if movement.state == MovementState.CARRIED_OUT and _leaves_the_camp(movement):
            for each in readings.values():
                each.left(movement.person_id)
    return done, None


def _locked(movements):
    return movements.select_for_update(of=("self",)).select_related("site", "destination_site", "person")


@transaction.atomic
def _transition_movement(*, actor: Actor, movement: Movement, action: str, reason: str):
    movement = _locked(Movement.objects).get(pk=movement.pk)

    def reading(movement: Movement) -> Reading:
        Person.objects.select_for_update().filter(pk=movement.person_id).first()
        return Reading([movement.person_id], Plan.of(movement))

    return _step(actor, movement, action, reason, reading)


def _step(actor: Actor, movement: Movement, action: str, reason: str, reading):
    """One step of a locked movement; `reading(movement)` gives the gate's facts for it."""
    # The role is checked before the input: an unknown action answers only those who may act.
    if not may_act_at_all(actor, movement):
        _ensure_handle(actor, movement.kind, movement, "movements.approve_movement")
        raise NotPermitted(_("Your role does not allow this step."))
    if action not in MOVEMENT.steps:
        raise MOVEMENT.unknown(action)
    if not may_act(actor, movement, action):
        _ensure_handle(actor, movement.kind, movement, ACTION_PERMS[GateAction(action)])
        raise NotPermitted(_("Your role does not allow this step."))
    step = MOVEMENT.step_for(action, movement.state)
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise InvalidInput({"reason": [_("Say why.")]})
    if step.target == MovementState.CARRIED_OUT and movement.person.presence in GONE:
        raise Conflict(_("This person has already left or died."), code="person_gone")
    assessment = None
    if step.gated:
        assessment = reading(movement).assess(movement)
        if not assessment.allowed:
            gate = _gate_row(
                movement, action, step.target, actor=actor, assessment=assessment, applied=False, reason=reason
            )
            gate.save()
            _audit_gate(actor, movement, gate, refused=True)
            _alert_movement(movement, assessment)
            return movement, MovementRefused(movement, assessment)
    gate = _gate_row(movement, action, step.target, actor=actor, assessment=assessment, applied=True, reason=reason)
    gate.save()
    _audit_gate(actor, movement, gate, refused=False)
    _enter_state(movement, step.target)
    if assessment is not None:
        _alert_movement(movement, assessment)
    if step.target == MovementState.CARRIED_OUT:
        _record_departure(actor, movement)
    return movement, None


def _alert_movement(movement: Movement, assessment: Assessment) -> None:
    _alert(
        movement.site,
        kind=message(msgid_of(MovementKind(movement.kind).label)),
        subject=movement.reference,
        page="movements:detail",
        assessments=[assessment],
        involuntary=movement.kind in INVOLUNTARY,
    )


def _leaves_the_camp(movement: Movement) -> bool:
    return movement.kind != MovementKind.INTERNAL_TRANSFER


def _record_departure(actor: Actor, movement: Movement) -> None:
    """A departure leaves the register as a presence change and a status event."""
    if not _leaves_the_camp(movement):
        return  # moving the record to the other site is left to the register (not built yet)
    from asylon.status.services import record_status_event

    note = _("Movement %(ref)s carried out") % {"ref": movement.reference}
    apply_presence(
        actor=actor, person=movement.person, presence=Presence.DEPARTED, reason=note, action="person.departed"
    )
    record_status_event(actor=actor, person=movement.person, status=STATUS_ON_DEPARTURE[movement.kind], note=note)


# --- group requests ---------------------------------------------------------------------------


@transaction.atomic
def request_group_movement(
    *,
    actor: Actor,
    site: Site,
    kind: str,
    description: str,
    block: Location | None = None,
    persons: Iterable[Person] | None = None,
    destination_country: str = "",
    destination_site: Site | None = None,
    requesting_state: str = "",
    legal_reference: str = "",
    court_reference: str = "",
) -> GroupRequest:
    """Assess one request for many persons (a block, or a list), person by person.

    Every person gets a Movement, ASSESSED or REFUSED with the reasons; the answer is the
    group's movements (`queries.group_answer`). One alert for the whole group, whatever
    its size. Nothing is raised for refusals: the list *is* the answer."""
    _ensure_handle(actor, kind, site, "movements.add_movement")
    req = _check_request(
        kind=kind,
        destination_country=destination_country,
        destination_site=destination_site,
        requesting_state=requesting_state,
        legal_reference=legal_reference,
        court_reference=court_reference,
        site=site,
    )
    errors: dict[str, list[str]] = {}
    if not (description or "").strip():
        errors["description"] = [_("Describe the request (e.g. all residents of block 4).")]
    if block is not None and (block.site_id != site.pk or block.parent_id is not None):
        errors["block"] = [_("This is not a block of site %(s)s.") % {"s": site.code}]
    if (block is None) == (persons is None):
        errors["persons"] = [_("Give either a block or a list of persons.")]
    if errors:
        raise InvalidInput(errors)
    if block is not None:
        qs = Person.objects.filter(site=site, unit__parent=block)
    else:
        wanted = [p.pk for p in persons or ()]
        qs = Person.objects.filter(pk__in=wanted)
        if qs.exclude(site=site).exists() or qs.count() != len(set(wanted)):
            raise InvalidInput({"persons": [_("Some persons are not in site %(s)s.") % {"s": site.code}]})
    people = list(qs.exclude(presence__in=GONE).select_for_update().order_by("reference"))
    if not people:
        raise InvalidInput({"persons": [_("Nobody to assess: the group is empty.")]})
    group = GroupRequest.objects.create(
        reference=next_references(f"{site.code}-GR", 1)[0],
        site=site,
        block=block,
        description=description.strip(),
        kind=req.kind,
        destination_country=req.destination_country,
        requesting_state=req.requesting_state,
        legal_reference=req.legal_reference,
        requested_by=actor,
    )
    refs = next_references(f"{site.code}-MV", len(people))
    movements = Movement.objects.bulk_create(
        [_new_movement(ref, p, req, actor, "", group) for ref, p in zip(refs, people, strict=True)]
    )
    on = today()
    situations = person_facts([p.pk for p in people], on)
    movements[0].site = site
    plan = Plan.of(movements[0])  # every movement of the group is the same plan
    results = _assess_together(plan, situations, on)
    assessments, gates = [], []
    allowed_ids: list[int] = []
    refused_ids: list[int] = []
    for movement in movements:
        movement.site = site
        assessment = results[movement.person_id]
        target = MovementState.ASSESSED if assessment.allowed else MovementState.REFUSED
        gates.append(_gate_row(movement, GateAction.ASSESS, target, actor=actor, assessment=assessment, applied=True))
        assessments.append(assessment)
        (allowed_ids if assessment.allowed else refused_ids).append(movement.pk)
    GateResult.objects.bulk_create(gates)
    for movement, gate in zip(movements, gates, strict=True):
        _audit_gate(actor, movement, gate, refused=not gate.allowed)
    _enter_state_many(allowed_ids, MovementState.ASSESSED)
    _enter_state_many(refused_ids, MovementState.REFUSED)
    group.allowed_count, group.refused_count = len(allowed_ids), len(refused_ids)
    group.save(update_fields=["allowed_count", "refused_count"])
    audit.record(
        actor,
        "movement.group_requested",
        group,
        changes={
            "kind": group.kind,
            "destination_country": req.destination_country,
            "persons": len(people),
            "allowed": len(allowed_ids),
            "refused": len(refused_ids),
        },
        site_id=site.pk,
    )
    _alert(
        site,
        kind=message(msgid_of(MovementKind(req.kind).label)),
        subject=group.reference,
        page="movements:group_detail",
        assessments=assessments,
        involuntary=req.kind in INVOLUNTARY,
    )
    return group


# --- family unity (N8) -------------------------------------------------------------------------


@transaction.atomic
def record_family_unity_decision(
    *, actor: Actor, person: Person, member: Person, kind: str, country: str, rationale: str
) -> FamilyUnityDecision:
    """N8 override: `person` may make this movement while `member`, of the same household,
    stays. Only an officer who may approve movements records it, with a rationale; the gate
    then lets the split go ahead, naming the decision (N9)."""
    ensure(actor, "movements.approve_movement", person)
    ensure(actor, "movements.approve_movement", member)
    errors: dict[str, list[str]] = {}
    if kind not in MovementKind.values:
        errors["kind"] = [_("Unknown kind of movement %(k)r.") % {"k": kind}]
    code = country_code(country, "country", errors)
    if not code:
        errors.setdefault("country", []).append(_("Name the country of destination."))
    if not (rationale or "").strip():
        errors["rationale"] = [_("Write the rationale.")]
    if member.pk == person.pk:
        errors["member"] = [_("Name another member of the household.")]
    if errors:
        raise InvalidInput(errors)
    on = today()
    active = Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    shared = person.memberships.filter(active, started_on__lte=on).values("household_id")
    if not member.memberships.filter(active, started_on__lte=on, household_id__in=shared).exists():
        raise InvalidInput({"member": [_("This person is not in the same household.")]})
    FamilyUnityDecision.objects.select_for_update().filter(
        person=person, member=member, kind=kind, country=code, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    decision = FamilyUnityDecision.objects.create(
        person=person, member=member, kind=kind, country=code, rationale=rationale.strip(), decided_by=actor
    )
    audit.record(
        actor,
        "movement.family_unity_decided",
        person,
        changes={"member": member.reference, "kind": kind, "country": code},
        reason=decision.rationale,
    )
    return decision


# --- voluntariness (N7) -------------------------------------------------------------------------


@transaction.atomic
def record_voluntariness(
    *,
    actor: Actor,
    person: Person,
    signed_declaration: bool = False,
    counselling_record: bool = False,
    coercion_flag_open: bool = False,
    best_interests_assessment: bool = False,
    best_interests_determination: bool = False,
    note: str = "",
) -> VoluntarinessRecord:
    ensure(actor, "movements.record_voluntariness", person)
    record = VoluntarinessRecord.objects.create(
        person=person,
        signed_declaration=signed_declaration,
        counselling_record=counselling_record,
        coercion_flag_open=coercion_flag_open,
        best_interests_assessment=best_interests_assessment,
        best_interests_determination=best_interests_determination,
        note=note.strip(),
        recorded_by=actor,
    )
    audit.record(
        actor,
        "movement.voluntariness_recorded",
        person,
        changes={
            "signed_declaration": signed_declaration,
            "counselling_record": counselling_record,
            "coercion_flag_open": coercion_flag_open,
            "best_interests_assessment": best_interests_assessment,
            "best_interests_determination": best_interests_determination,
        },
    )
    return record


@transaction.atomic
def withdraw_consent(*, actor: Actor, person: Person, note: str) -> list[Movement]:
    """The person no longer wants to return. Consent can be withdrawn at any time before
    departure; every open voluntary repatriation of the person is cancelled."""
    ensure(actor, "movements.record_voluntariness", person)
    if not (note or "").strip():
        raise InvalidInput({"note": [_("Record what the person said.")]})
    record = VoluntarinessRecord.objects.select_for_update().filter(person=person).order_by("-id").first()
    if record is None:
        raise Conflict(_("No voluntariness record to withdraw."), code="no_consent")
    if record.withdrawn_at is None:
        record.withdrawn_at = timezone.now()
        record.withdrawal_note = note.strip()
        record.save(update_fields=["withdrawn_at", "withdrawal_note"])
    audit.record(actor, "movement.consent_withdrawn", person, reason=note.strip())
    cancelled = []
    for movement in Movement.objects.select_for_update().filter(
        person=person, kind=MovementKind.VOLUNTARY_REPATRIATION, state__in=OPEN_STATES
    ):
        gate = _gate_row(
            movement,
            GateAction.CANCEL,
            MovementState.CANCELLED,
            actor=actor,
            assessment=None,
            applied=True,
            reason=_("Consent withdrawn: %(note)s") % {"note": note.strip()},
        )
        gate.save()
        _audit_gate(actor, movement, gate, refused=False)
        _enter_state(movement, MovementState.CANCELLED)
        cancelled.append(movement)
    return cancelled
