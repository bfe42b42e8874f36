"""Every write about movements, risk profiles, reference data and recipients.

The non-refoulement gate (`safeguards.assess_movement`) runs for each person at every state
change up to departure, with the facts of that day. This module is the only code that
changes a movement's state (`_enter_state`, `_enter_state_many`); a test scans the source
tree for any other, and a database trigger refuses a state that no applied gate result names.

Refusals. A safeguard refusal is recorded before it is reported: the GateResult, its audit
event and the protection alert commit, then `MovementRefused` (a `SafeguardRefusal`, HTTP
409) is raised. A refused *request* is kept as a REFUSED movement with its reasons; a
refused *transition* leaves the movement as it was. Callers inside their own transaction
must catch `MovementRefused` if the recorded attempt is to survive their rollback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_countries import countries as country_names

from asylon.accounts.roles import Role
from asylon.accounts.services import manages
from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput, NotFound, NotPermitted, SafeguardRefusal
from asylon.core.messages import msgid_of
from asylon.core.scope import can, ensure, site_ids
from asylon.incidents.alerts import raise_alert
from asylon.registry.models import Location, Person, Presence, Site
from asylon.registry.references import next_references
from asylon.registry.services import apply_presence
from asylon.safeguards import Assessment, DisclosureSubject, assess_movement, legal_bases
from asylon.safeguards import Recipient as RecipientFacts
from asylon.safeguards.messages import Listing, Message, Number, message
from asylon.safeguards.sharing_rules import d1_refusal
from asylon.safeguards.types import INVOLUNTARY_KINDS, NEVER_RECIPIENTS, THIRD_COUNTRY_SOLUTION_KINDS
from asylon.safeguards.types import RecipientKind as SafeguardRecipientKind
from asylon.status.models import LegalStatus
from asylon.status.queries import status_on

from .facts import Family, OnwardPolicies, Plan, Situation, destination_for, movement_facts, person_facts
from .models import (
    Art332Determination,
    AuthorityKind,
    ChainApproval,
    ChainAssessmentRecord,
    CountryAuthority,
    FamilyUnityDecision,
    GateAction,
    GateResult,
    GroupRequest,
    Movement,
    MovementKind,
    MovementState,
    OnwardReturnPolicy,
    Recipient,
    RecipientKind,
    RiskAssessment,
    RiskCountry,
    RiskKind,
    SharingAgreement,
    SharingGrant,
    VoluntarinessRecord,
)
from .transitions import MOVEMENT, OPEN_STATES

DEPARTURE_KINDS = frozenset(str(k) for k in THIRD_COUNTRY_SOLUTION_KINDS)
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


class MovementRefused(SafeguardRefusal):
    """The gate refused a movement. Carries every reason; the first one is the headline."""

    def __init__(self, movement: Movement, assessment: Assessment):
        first = assessment.blocks[0]
        reason = first.message.as_dict() if first.message else None
        super().__init__(first.rule, first.legal_basis, first.detail, reason)
        self.movement = movement
        self.blocks = assessment.blocks

    def as_dict(self) -> dict:
        return {
            **super().as_dict(),
            "movement": self.movement.reference,
            "state": self.movement.state,
            "blocks": [b.as_dict() for b in self.blocks],
        }


# --- permissions ---------------------------------------------------------------------------


def may_handle(actor, kind: str, obj, perm: str) -> bool:
    """Protection officers hold `perm`; resettlement officers handle departures only."""
    if kind in DEPARTURE_KINDS and can(actor, "movements.request_departure", obj):
        return True
    return can(actor, perm, obj)


def _ensure_handle(actor, kind: str, obj, perm: str) -> None:
    if may_handle(actor, kind, obj, perm):
        return
    ensure(actor, perm, obj)  # raises the right error (404 outside scope, else 403)
    raise NotPermitted(_("Your role does not allow this kind of movement."))


def ensure_may_request(actor, kind: str, obj=None) -> None:
    """Refuse, before any input is checked, an actor whose role may not request `kind`."""
    _ensure_handle(actor, kind, obj, "movements.add_movement")


def may_act_at_all(actor, movement: Movement) -> bool:
    """Whether the actor's role allows any step on this movement."""
    return any(may_act(actor, movement, action) for action in ACTION_PERMS)


ACTION_PERMS = {
    GateAction.ASSESS: "movements.add_movement",
    GateAction.APPROVE: "movements.approve_movement",
    GateAction.REFUSE: "movements.approve_movement",
    GateAction.CARRY_OUT: "movements.carry_out_movement",
    GateAction.CANCEL: "movements.add_movement",
}


def may_act(actor, movement: Movement, action: str) -> bool:
    perm = ACTION_PERMS[GateAction(action)]
    if action in (GateAction.APPROVE, GateAction.REFUSE):
        return can(actor, perm, movement)
    return may_handle(actor, movement.kind, movement, perm)


# --- the one place a movement's state is written -------------------------------------------


def _enter_state(movement: Movement, state: str) -> None:
    movement.state = state
    movement.state_since = timezone.now()
    movement.save(update_fields=["state", "state_since", "updated_at"])


def _enter_state_many(ids: list[int], state: str) -> None:
    now = timezone.now()
    for start in range(0, len(ids), 500):
        Movement.objects.filter(pk__in=ids[start : start + 500]).update(state=state, state_since=now, updated_at=now)


def _gate_row(
    movement: Movement,
    action: str,
    to_state: str,
    *,
    actor,
    assessment: Assessment | None,
    applied: bool,
    reason: str = "",
) -> GateResult:
    return GateResult(
        movement=movement,
        action=action,
        from_state=movement.state,
        to_state=to_state,
        allowed=assessment.allowed if assessment else True,
        applied=applied,
        gated=assessment is not None,
        blocks=[b.as_dict() for b in assessment.blocks] if assessment else [],
        warnings=[w.as_dict() for w in assessment.warnings] if assessment else [],
        result=assessment.as_audit_dict() if assessment else {},
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _audit_gate(actor, movement: Movement, gate: GateResult, *, refused: bool) -> None:
    action = f"movement.{gate.action}_refused" if refused else f"movement.{gate.action}"
    audit.record(
        actor,
        action,
        movement,
        changes={
            "state": [gate.from_state, gate.to_state if gate.applied else gate.from_state],
            "gate": gate.result or {"gated": False},
        },
        reason=gate.reason,
        site_id=movement.site_id,
    )


# --- alerts (never name a person: they leave by e-mail and webhook) -------------------------


# What an alert says of a refusal, kept as messages (each reader reads them in their
# language, countries by name; the English text is what leaves by webhook).
_ONE_REFUSED = gettext_noop("%(kind)s %(subject)s: %(outcome)s")
_GROUP_REFUSED = gettext_noop("Group request %(subject)s (%(kind)s): %(refused)s of %(total)s refused")
_GROUP_COUNTS = gettext_noop("%(refused)s of %(total)s persons refused; rules: %(rules)s.")
_BLOCK_LINE = gettext_noop("%(rule)s: %(reason)s (%(basis)s)")
_NOTICE_LINE = gettext_noop("%(rule)s: %(reason)s")


def _reason(reason) -> Message | str:
    """A safeguard's Block or Notice as its message (its English detail when it has none)."""
    return reason.message if reason.message is not None else reason.detail


def _alert(site: Site, *, kind: Message, subject: str, link: str, assessments: list[Assessment], involuntary: bool):
    refused = [a for a in assessments if not a.allowed]
    notices = [n for a in assessments for n in a.alerts]
    if not (refused or notices):
        return None
    rules = sorted({b.rule for a in refused for b in a.blocks} | {n.rule for n in notices})
    critical = involuntary or any(n.rule in ("N1", "N5") for n in notices)
    if len(assessments) == 1:
        a = assessments[0]
        lines = [message(_BLOCK_LINE, rule=b.rule, reason=_reason(b), basis=message(b.legal_basis)) for b in a.blocks]
        lines += [message(_NOTICE_LINE, rule=n.rule, reason=_reason(n)) for n in a.alerts]
        outcome = gettext_noop("refused by the safeguards") if refused else gettext_noop("needs protection attention")
        title = message(_ONE_REFUSED, kind=kind, subject=subject, outcome=message(outcome))
    else:
        counts = {"refused": Number(len(refused)), "total": Number(len(assessments))}
        lines = [message(_GROUP_COUNTS, **counts, rules=Listing(tuple(rules)))]
        said: dict[str, Message] = {}  # each notice once, as the English text sorts them
        for n in notices:
            line = message(_NOTICE_LINE, rule=n.rule, reason=_reason(n))
            said.setdefault(line.english(), line)
        lines += [said[text] for text in sorted(said)]
        title = message(_GROUP_REFUSED, subject=subject, kind=kind, **counts)
    return raise_alert(
        site=site,
        kind="SAFEGUARD_REFUSAL",
        severity=4 if critical else 2,
        title=title,
        body=lines,
        link=link,
        source=f"movements:{subject}",
    )


# --- the gate: the one door, for recorded movements and for previews -------------------------


def _assess_one(movement: Movement, together: Iterable[int] = ()) -> Assessment:
    """Assess one recorded movement with the facts of today, its household included (N8)."""
    on = today()
    situation = person_facts([movement.person_id], on)[movement.person_id]
    plan = Plan.of(movement)
    family = Family.read([movement.person_id], plan, on)
    return assess_movement(situation.facts, movement_facts(plan, situation, OnwardPolicies.on(on), family, together))


def _assess_together(plan: Plan, situations: dict[int, Situation], on: date) -> dict[int, Assessment]:
    """Assess persons moved in one act. Who of a household actually moves depends on the
    others' results (N8), so the answer is repeated until no one's result changes: a block
    only ever adds blocks, so this ends after at most one round per person."""
    policies = OnwardPolicies.on(on)
    family = Family.read(list(situations), plan, on)
    moving = set(situations)
    results: dict[int, Assessment] = {}
    for _round in range(len(situations) + 1):
        results = {
            pid: assess_movement(s.facts, movement_facts(plan, s, policies, family, moving))
            for pid, s in situations.items()
        }
        allowed = {pid for pid, a in results.items() if a.allowed}
        if allowed == moving:
            break
        moving = allowed
    return results


def preview_movement(
    *,
    actor,
    persons: Iterable[Person],
    kind: str,
    destination_country: str = "",
    destination_site: Site | None = None,
    requesting_state: str = "",
    court_reference: str = "",
) -> dict[int, Assessment]:
    """What the gate would answer today if these persons were moved together: read only,
    nothing is recorded and nothing is authorised. For callers that must know in advance
    (a resettlement departure checks every member before requesting any); the request
    itself is assessed again, and recorded, by `request_movement`."""
    persons = list(persons)
    for person in persons:
        _ensure_handle(actor, kind, person, "movements.add_movement")
    if not persons:
        return {}
    on = today()
    situations = person_facts([p.pk for p in persons], on)
    plan = Plan(
        kind=kind,
        destination=destination_for(kind, destination_country, destination_site, requesting_state),
        host_country=situations[persons[0].pk].person.site.host_country.code,
        requesting_state=(requesting_state or "").strip().upper(),
        court_reference=(court_reference or "").strip(),
        destination_site_id=destination_site.pk if destination_site else None,
    )
    return _assess_together(plan, situations, on)


# --- requests ------------------------------------------------------------------------------


def _country(value: str | None, field: str, errors: dict[str, list[str]]) -> str:
    code = (value or "").strip().upper()
    if code and code not in country_names:
        errors.setdefault(field, []).append(_("Unknown country code %(c)r.") % {"c": code})
    return code


@dataclass(frozen=True)
class Request:
    kind: str
    destination_country: str
    destination_site: Site | None
    requesting_state: str
    legal_reference: str
    court_reference: str


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
    destination = _country(destination_country, "destination_country", errors)
    requesting = _country(requesting_state, "requesting_state", errors)
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


def _new_movement(reference: str, person: Person, req: Request, actor, note: str, group=None) -> Movement:
    return Movement(
        reference=reference,
        site_id=person.site_id,
        person=person,
        kind=req.kind,
        destination_country=req.destination_country,
        destination_site=req.destination_site,
        requesting_state=req.requesting_state,
        legal_reference=req.legal_reference,
        court_reference=req.court_reference,
        note=note,
        state=MovementState.REQUESTED,
        state_since=timezone.now(),
        group_request=group,
        requested_by=actor,
    )


def request_movement(
    *,
    actor,
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
    *, actor, person: Person, kind: str, note: str, together: list[int], **fields
) -> tuple[Movement, Assessment]:
    _ensure_handle(actor, kind, person, "movements.add_movement")
    person = Person.objects.select_for_update().select_related("site").get(pk=person.pk)
    req = _check_request(kind=kind, site=person.site, **fields)
    if person.presence in GONE:
        raise Conflict(_("This person has left or died; no movement can be planned."), code="person_gone")
    [reference] = next_references(f"{person.site.code}-MV", 1)
    movement = _new_movement(reference, person, req, actor, note.strip())
    movement.save()
    movement = Movement.objects.select_related("site", "destination_site", "person").get(pk=movement.pk)
    assessment = _assess_one(movement, together)
    target = MovementState.ASSESSED if assessment.allowed else MovementState.REFUSED
    gate = _gate_row(movement, GateAction.ASSESS, target, actor=actor, assessment=assessment, applied=True)
    gate.save()
    audit.record(
        actor,
        "movement.requested",
        movement,
        changes={"kind": movement.kind, "destination_country": req.destination_country, "person": person.reference},
        site_id=movement.site_id,
    )
    _audit_gate(actor, movement, gate, refused=not assessment.allowed)
    _enter_state(movement, target)
    _alert(
        movement.site,
        kind=message(msgid_of(MovementKind(movement.kind).label)),
        subject=movement.reference,
        link=reverse("movements:detail", args=[movement.reference]),
        assessments=[assessment],
        involuntary=movement.kind in INVOLUNTARY,
    )
    return movement, assessment


def transition_movement(*, actor, movement: Movement, action: str, reason: str = "") -> Movement:
    """Move a movement on (approve, refuse, carry_out, cancel). Gated steps re-assess the
    person with the facts of today; a refusal leaves the movement as it was and raises
    `MovementRefused` once the attempt is recorded."""
    movement, refusal = _transition_movement(actor=actor, movement=movement, action=action, reason=reason)
    if refusal is not None:
        raise refusal
    return movement


@transaction.atomic
def _transition_movement(*, actor, movement: Movement, action: str, reason: str):
    movement = (
        Movement.objects.select_for_update(of=("self",))
        .select_related("site", "destination_site", "person")
        .get(pk=movement.pk)
    )
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
        Person.objects.select_for_update().filter(pk=movement.person_id).first()
        assessment = _assess_one(movement)
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
        link=reverse("movements:detail", args=[movement.reference]),
        assessments=[assessment],
        involuntary=movement.kind in INVOLUNTARY,
    )


def _record_departure(actor, movement: Movement) -> None:
    """A departure leaves the register as a presence change and a status event."""
    if movement.kind == MovementKind.INTERNAL_TRANSFER:
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
    actor,
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
        link=reverse("movements:group_detail", args=[group.reference]),
        assessments=assessments,
        involuntary=req.kind in INVOLUNTARY,
    )
    return group


# --- family unity (N8) -------------------------------------------------------------------------


@transaction.atomic
def record_family_unity_decision(
    *, actor, person: Person, member: Person, kind: str, country: str, rationale: str
) -> FamilyUnityDecision:
    """N8 override: `person` may make this movement while `member`, of the same household,
    stays. Only an officer who may approve movements records it, with a rationale; the gate
    then lets the split go ahead, naming the decision (N9)."""
    ensure(actor, "movements.approve_movement", person)
    ensure(actor, "movements.approve_movement", member)
    errors: dict[str, list[str]] = {}
    if kind not in MovementKind.values:
        errors["kind"] = [_("Unknown kind of movement %(k)r.") % {"k": kind}]
    code = _country(country, "country", errors)
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
    actor,
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
def withdraw_consent(*, actor, person: Person, note: str) -> list[Movement]:
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


# --- risk profiles ------------------------------------------------------------------------------


@transaction.atomic
def add_risk_country(
    *, actor, person: Person, country: str, kind: str, reason: str, on: date | None = None
) -> RiskCountry:
    ensure(actor, "movements.manage_risk_profile", person)
    errors: dict[str, list[str]] = {}
    code = _country(country, "country", errors)
    if not code:
        errors.setdefault("country", []).append(_("Name the country."))
    if kind not in RiskKind.values:
        errors["kind"] = [_("Unknown kind of risk.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the person is at risk there.")]
    if errors:
        raise InvalidInput(errors)
    if RiskCountry.objects.filter(person=person, country=code, kind=kind, withdrawn_on__isnull=True).exists():
        raise Conflict(_("This risk is already recorded."), code="risk_recorded")
    risk = RiskCountry.objects.create(
        person=person, country=code, kind=kind, reason=reason.strip(), added_by=actor, added_on=on or today()
    )
    audit.record(actor, "risk.country_added", person, changes={"country": code, "kind": kind}, reason=reason.strip())
    return risk


@transaction.atomic
def withdraw_risk_country(*, actor, risk: RiskCountry, reason: str) -> RiskCountry:
    risk = RiskCountry.objects.select_for_update().select_related("person").get(pk=risk.pk)
    ensure(actor, "movements.manage_risk_profile", risk.person)
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("Say why the risk no longer applies.")]})
    if risk.withdrawn_on is not None:
        raise Conflict(_("Already withdrawn."), code="risk_withdrawn")
    risk.withdrawn_on, risk.withdrawn_by, risk.withdrawal_reason = today(), actor, reason.strip()
    risk.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawal_reason"])
    audit.record(
        actor,
        "risk.country_withdrawn",
        risk.person,
        changes={"country": risk.country.code, "kind": risk.kind},
        reason=reason.strip(),
    )
    return risk


@transaction.atomic
def record_risk_assessment(
    *,
    actor,
    person: Person,
    country: str,
    finds_no_substantial_grounds: bool,
    finds_no_real_risk: bool,
    country_information: str,
    signed_on: date | None = None,
) -> RiskAssessment:
    """A signed individual risk assessment (N2, N3). The signer is the actor."""
    ensure(actor, "movements.manage_risk_profile", person)
    errors: dict[str, list[str]] = {}
    code = _country(country, "country", errors)
    if not code:
        errors.setdefault("country", []).append(_("Name the country assessed."))
    if not (country_information or "").strip():
        errors["country_information"] = [_("Name the country information used.")]
    if signed_on and signed_on > today():
        errors["signed_on"] = [_("The date is in the future.")]
    if errors:
        raise InvalidInput(errors)
    assessment = RiskAssessment.objects.create(
        person=person,
        country=code,
        finds_no_substantial_grounds=finds_no_substantial_grounds,
        finds_no_real_risk=finds_no_real_risk,
        country_information=country_information.strip(),
        signed_by=actor,
        signed_on=signed_on or today(),
    )
    audit.record(
        actor,
        "risk.assessment_signed",
        person,
        changes={
            "country": code,
            "finds_no_substantial_grounds": finds_no_substantial_grounds,
            "finds_no_real_risk": finds_no_real_risk,
        },
    )
    return assessment


@transaction.atomic
def record_art_33_2(
    *, actor, person: Person, competent_authority: str, reference: str, decided_on: date
) -> Art332Determination:
    """Record an art. 33(2) determination; only after a final decision on the claim."""
    ensure(actor, "movements.manage_risk_profile", person)
    errors: dict[str, list[str]] = {}
    if not (competent_authority or "").strip():
        errors["competent_authority"] = [_("Name the competent authority.")]
    if not (reference or "").strip():
        errors["reference"] = [_("Give the reference of the determination.")]
    if decided_on > today():
        errors["decided_on"] = [_("The date is in the future.")]
    if errors:
        raise InvalidInput(errors)
    if not status_on(person, decided_on).final_decision:
        raise Conflict(
            _("An art. 33(2) determination can only follow a final decision on the asylum claim."),
            code="art332_before_final_decision",
        )
    record = Art332Determination.objects.create(
        person=person,
        competent_authority=competent_authority.strip(),
        reference=reference.strip(),
        decided_on=decided_on,
        recorded_by=actor,
    )
    audit.record(actor, "risk.art_33_2_recorded", person, changes={"authority": record.competent_authority})
    return record


# --- chain refoulement (N6) -----------------------------------------------------------------------


@transaction.atomic
def record_chain_assessment(
    *,
    actor,
    person: Person,
    country: str,
    admission_document: str,
    access_to_protection: bool,
    respects_non_refoulement: bool,
    rationale: str,
) -> ChainAssessmentRecord:
    """Assess a third country for one person. The author's approval counts as the first;
    a second, different protection officer must approve (`approve_chain_assessment`)."""
    ensure(actor, "movements.approve_chain", person)
    errors: dict[str, list[str]] = {}
    code = _country(country, "country", errors)
    if not code:
        errors.setdefault("country", []).append(_("Name the country assessed."))
    if not (rationale or "").strip():
        errors["rationale"] = [_("Write the rationale.")]
    if errors:
        raise InvalidInput(errors)
    ChainAssessmentRecord.objects.filter(person=person, country=code, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    record = ChainAssessmentRecord.objects.create(
        person=person,
        country=code,
        admission_document=(admission_document or "").strip(),
        access_to_protection=access_to_protection,
        respects_non_refoulement=respects_non_refoulement,
        rationale=rationale.strip(),
        recorded_by=actor,
    )
    ChainApproval.objects.create(assessment=record, approver=actor)
    audit.record(
        actor,
        "risk.chain_assessment_recorded",
        person,
        changes={
            "country": code,
            "access_to_protection": access_to_protection,
            "respects_non_refoulement": respects_non_refoulement,
            "admission_document": bool(record.admission_document),
        },
        reason=record.rationale,
    )
    return record


@transaction.atomic
def approve_chain_assessment(*, actor, assessment: ChainAssessmentRecord) -> ChainApproval:
    assessment = ChainAssessmentRecord.objects.select_for_update().select_related("person").get(pk=assessment.pk)
    ensure(actor, "movements.approve_chain", assessment.person)
    if assessment.withdrawn_at is not None:
        raise Conflict(_("This assessment was replaced."), code="chain_assessment_replaced")
    if assessment.approvals.filter(approver=actor).exists():
        raise Conflict(_("You already approved it; a different protection officer must."), code="same_approver")
    approval = ChainApproval.objects.create(assessment=assessment, approver=actor)
    audit.record(
        actor, "risk.chain_assessment_approved", assessment.person, changes={"country": assessment.country.code}
    )
    return approval


# --- reference data ---------------------------------------------------------------------------------


def _dates(valid_from: date, valid_to: date | None, errors: dict) -> None:
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = [_("The end is before the start.")]


@transaction.atomic
def record_onward_policy(
    *,
    actor,
    country: str,
    returns_to: str,
    source: str,
    valid_from: date,
    nationality: str = "",
    valid_to: date | None = None,
) -> OnwardReturnPolicy:
    ensure(actor, "movements.manage_reference_data")
    errors: dict[str, list[str]] = {}
    c = _country(country, "country", errors)
    r = _country(returns_to, "returns_to", errors)
    n = _country(nationality, "nationality", errors)
    if not c:
        errors.setdefault("country", []).append(_("Name the country."))
    if not r:
        errors.setdefault("returns_to", []).append(_("Name where it sends people on to."))
    if c and c == r:
        errors.setdefault("returns_to", []).append(_("Two different countries are needed."))
    if not (source or "").strip():
        errors["source"] = [_("Name the source of this information.")]
    _dates(valid_from, valid_to, errors)
    if errors:
        raise InvalidInput(errors)
    policy = OnwardReturnPolicy.objects.create(
        country=c,
        nationality=n,
        returns_to=r,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source.strip(),
        recorded_by=actor,
    )
    audit.record(
        actor,
        "reference.onward_policy_recorded",
        policy,
        changes={"country": c, "nationality": n, "returns_to": r, "valid_from": valid_from, "valid_to": valid_to},
    )
    return policy


@transaction.atomic
def end_onward_policy(*, actor, policy: OnwardReturnPolicy, valid_to: date) -> OnwardReturnPolicy:
    ensure(actor, "movements.manage_reference_data")
    policy = OnwardReturnPolicy.objects.select_for_update().get(pk=policy.pk)
    if valid_to < policy.valid_from:
        raise InvalidInput({"valid_to": [_("The end is before the start.")]})
    before = policy.valid_to
    policy.valid_to = valid_to
    policy.save(update_fields=["valid_to"])
    audit.record(actor, "reference.onward_policy_ended", policy, changes={"valid_to": [before, valid_to]})
    return policy


@transaction.atomic
def record_country_authority(
    *, actor, name: str, country: str, kind: str, valid_from: date, valid_to: date | None = None, source: str = ""
) -> CountryAuthority:
    ensure(actor, "movements.manage_reference_data")
    errors: dict[str, list[str]] = {}
    code = _country(country, "country", errors)
    if not code:
        errors.setdefault("country", []).append(_("Name the state it acts for."))
    if not (name or "").strip():
        errors["name"] = [_("Name the organisation.")]
    if kind not in AuthorityKind.values:
        errors["kind"] = [_("Unknown kind.")]
    _dates(valid_from, valid_to, errors)
    if errors:
        raise InvalidInput(errors)
    authority = CountryAuthority.objects.create(
        name=name.strip(),
        country=code,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        source=(source or "").strip(),
        recorded_by=actor,
    )
    audit.record(actor, "reference.authority_recorded", authority, changes={"name": authority.name, "country": code})
    return authority


# --- recipients and agreements --------------------------------------------------------------------


def _authority_named(name: str) -> CountryAuthority | None:
    on = today()
    return (
        CountryAuthority.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)
        .filter(name__iexact=name.strip())
        .first()
    )


@transaction.atomic
def create_recipient(
    *, actor, name: str, kind: str, country: str = "", acts_for: CountryAuthority | None = None
) -> Recipient:
    """Record a recipient. One that acts for a recorded country authority (by link or by
    name) takes that authority's country, so D1 sees whose state it speaks for."""
    ensure(actor, "movements.manage_recipients")
    errors: dict[str, list[str]] = {}
    code = _country(country, "country", errors)
    if not (name or "").strip():
        errors["name"] = [_("Name the recipient.")]
    if kind not in RecipientKind.values:
        errors["kind"] = [_("Unknown kind of recipient.")]
    if errors:
        raise InvalidInput(errors)
    acts_for = acts_for or _authority_named(name)
    if acts_for is not None:
        if code and code != acts_for.country.code:
            raise InvalidInput({"country": [_("This organisation acts for %(c)s.") % {"c": acts_for.country.code}]})
        code = acts_for.country.code
    if kind == RecipientKind.RESETTLEMENT_COUNTRY and not code:
        raise InvalidInput({"country": [_("Name the resettlement country.")]})
    if Recipient.objects.filter(name__iexact=name.strip()).exists():
        raise InvalidInput({"name": [_("A recipient with this name exists.")]})
    recipient = Recipient.objects.create(
        name=name.strip(), kind=kind, country=code, acts_for=acts_for, created_by=actor
    )
    audit.record(
        actor, "sharing.recipient_recorded", recipient, changes={"name": recipient.name, "kind": kind, "country": code}
    )
    return recipient


def _refuse_never_recipient(recipient: Recipient) -> None:
    if recipient.kind in NEVER_RECIPIENTS:
        raise SafeguardRefusal(
            "D1",
            legal_bases.CONFIDENTIALITY_COUNTRY_OF_ORIGIN,
            _(
                "Nothing about refugees or asylum seekers, not even whether a person is here, may go to the "
                "authorities of the country they fled or to anyone accused of persecuting them. This "
                "recipient can never be given an agreement, an account or a grant."
            ),
        )


@transaction.atomic
def record_sharing_agreement(
    *,
    actor,
    recipient: Recipient,
    reference: str,
    purpose: str,
    fields: Iterable[str],
    valid_from: date,
    non_refoulement_undertaking: bool = False,
    valid_to: date | None = None,
) -> SharingAgreement:
    ensure(actor, "movements.manage_recipients")
    _refuse_never_recipient(recipient)
    errors: dict[str, list[str]] = {}
    field_list = sorted({f.strip() for f in fields if f and f.strip()})
    if not (reference or "").strip():
        errors["reference"] = [_("Give the agreement's reference.")]
    if not (purpose or "").strip():
        errors["purpose"] = [_("State the purpose.")]
    if not field_list:
        errors["fields"] = [_("List the fields the agreement covers.")]
    _dates(valid_from, valid_to, errors)
    if errors:
        raise InvalidInput(errors)
    agreement = SharingAgreement.objects.create(
        recipient=recipient,
        reference=reference.strip(),
        purpose=purpose.strip(),
        fields=field_list,
        non_refoulement_undertaking=non_refoulement_undertaking,
        valid_from=valid_from,
        valid_to=valid_to,
        recorded_by=actor,
    )
    audit.record(
        actor,
        "sharing.agreement_recorded",
        recipient,
        changes={"reference": agreement.reference, "purpose": agreement.purpose, "fields": field_list},
    )
    return agreement


def _refuse_state_of_origin_for(recipient: Recipient, user) -> None:
    """D1 at the door: an account acting for the state that people at the account's sites
    fled (their country of origin or nationality) or that is recorded as persecuting one of
    them (a persecution risk: the alleged actor of persecution) is refused outright, whatever the
    recipient's kind or label: the reads would be refused one by one anyway, and even the
    account's existence tells that state whom to look for here."""
    state = recipient.country.code
    if not state:
        return
    persecutor = RiskCountry.objects.filter(country=state, kind=RiskKind.PERSECUTION, withdrawn_on__isnull=True)
    fled = Person.objects.filter(site__in=user.sites.all()).filter(
        Q(country_of_origin=state) | Q(nationality=state) | Q(pk__in=persecutor.values("person_id"))
    )
    if fled.exists():
        raise SafeguardRefusal(
            "D1",
            legal_bases.CONFIDENTIALITY_COUNTRY_OF_ORIGIN,
            _(
                "This recipient acts for %(state)s, the state that people at this account's sites fled. "
                "Nothing about them, not even whether they are here, may reach it: no account can act for it."
            )
            % {"state": country_names.name(state) or state},
        )


@transaction.atomic
def link_recipient_user(*, actor, recipient: Recipient, user) -> Recipient:
    """Give a partner account access as this recipient (it will read only what is shared).

    Refused: a recipient D1 names (by kind, or acting for the state people at the account's
    sites fled), an account the actor does not manage (a site outside the actor's), an
    account that is not a partner account only, or one already acting for another recipient.
    """
    ensure(actor, "movements.manage_recipients")
    _refuse_never_recipient(recipient)
    if not manages(actor, user):
        raise NotFound(_("No such user."))
    if not user.groups.filter(name=Role.PARTNER).exists() or user.groups.exclude(name=Role.PARTNER).exists():
        raise InvalidInput({"user": [_("Only partner accounts (and nothing else) can act for a recipient.")]})
    if user.recipients.exclude(pk=recipient.pk).exists():
        raise InvalidInput({"user": [_("This account already acts for another recipient.")]})
    _refuse_state_of_origin_for(recipient, user)
    recipient.users.add(user)
    # About a user: read by the administrators of the user's sites (the trail is read per site).
    audit.record(
        actor,
        "sharing.recipient_user_linked",
        recipient,
        changes={"user": user.get_username()},
        sites=user.sites.values_list("pk", flat=True),
    )
    return recipient


@transaction.atomic
def grant_sharing(
    *, actor, recipient: Recipient, persons: Iterable[Person], reason: str, source: str = ""
) -> list[SharingGrant]:
    """D3: let a resettlement country see these persons (the members of a case submitted to
    it). The resettlement app calls this at submission. D1 is checked for every person."""
    persons = list(persons)
    for p in persons:
        if not (can(actor, "movements.manage_recipients", p) or can(actor, "movements.request_departure", p)):
            ensure(actor, "movements.manage_recipients", p)
            raise NotPermitted(_("Your role does not allow sharing."))
    _refuse_never_recipient(recipient)
    if recipient.kind != RecipientKind.RESETTLEMENT_COUNTRY:
        raise InvalidInput({"recipient": [_("Case grants are for resettlement countries only.")]})
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("Say why (e.g. the submission).")]})
    situations = person_facts([p.pk for p in persons], today())
    subjects: list[Any] = [  # DisclosureSubject is a sharing_rules.Subject (frozen, so read-only)
        DisclosureSubject(
            reference=s.facts.reference,
            country_of_origin=s.facts.country_of_origin,
            nationality=s.facts.nationality,
            risk_countries=s.facts.risk_countries,  # D1: alleged persecutors only
        )
        for s in situations.values()
    ]
    refusal = d1_refusal(
        RecipientFacts(
            kind=SafeguardRecipientKind(recipient.kind), country=recipient.country.code, name=recipient.name
        ),
        subjects,
    )
    if refusal:
        raise SafeguardRefusal(
            "D1", legal_bases.CONFIDENTIALITY_COUNTRY_OF_ORIGIN, refusal.english(), refusal.as_dict()
        )
    open_for = set(
        SharingGrant.objects.filter(recipient=recipient, expires_at__isnull=True, person__in=persons).values_list(
            "person_id", flat=True
        )
    )
    grants = SharingGrant.objects.bulk_create(
        [
            SharingGrant(recipient=recipient, person=p, reason=reason.strip(), source=source, granted_by=actor)
            for p in persons
            if p.pk not in open_for
        ]
    )
    for grant in grants:
        audit.record(
            actor,
            "sharing.granted",
            grant.person,
            changes={"recipient": recipient.name, "source": source},
            reason=reason.strip(),
        )
    return grants


@transaction.atomic
def expire_sharing(
    *, actor, recipient: Recipient, reason: str, persons: Iterable[Person] | None = None, source: str = ""
) -> int:
    """End grants at the case's closure: for these persons, or every grant from `source`."""
    if not (can(actor, "movements.manage_recipients") or can(actor, "movements.request_departure")):
        raise NotPermitted(_("Your role does not allow sharing."))
    qs = SharingGrant.objects.select_for_update().filter(recipient=recipient, expires_at__isnull=True)
    if persons is not None:
        qs = qs.filter(person__in=list(persons))
    elif source:
        qs = qs.filter(source=source)
    else:
        raise InvalidInput({"persons": [_("Say which grants end.")]})
    now = timezone.now()
    ended = 0
    for grant in qs.select_related("person"):
        grant.expires_at = now
        grant.save(update_fields=["expires_at"])
        audit.record(actor, "sharing.expired", grant.person, changes={"recipient": recipient.name}, reason=reason)
        ended += 1
    return ended


def partner_users(actor=None):
    """Active partner accounts; with `actor`, only those the actor manages (all its sites are
    the actor's), the ones it may link to a recipient."""
    users = get_user_model().objects.filter(groups__name=Role.PARTNER, is_active=True).distinct()
    if actor is None:
        return users
    mine = site_ids(actor)
    return users.filter(is_superuser=False, sites__in=mine).exclude(sites__in=Site.objects.exclude(pk__in=mine))
