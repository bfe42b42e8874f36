"""The non-refoulement gate's one door, and the one place a movement's state is written.

`safeguards.assess_movement` runs here, for each person, at every state change up to
departure, with the facts of that day (`_assess_one`, `_assess_together`), and for a
read-only answer in advance (`preview_movement`, which records nothing). The write modules
of movements (`requests`: requests, transitions, group requests, family unity,
voluntariness) call in here; nothing else opens the gate (tests/movements/test_one_door.py).

This module is the only code that sets a movement's state (`_new_movement`, `_enter_state`,
`_enter_state_many`); a test scans the source tree for any other
(tests/movements/test_state_guard.py), and a database trigger refuses a state that no
applied gate result names (migration 0002).

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

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import NotPermitted, SafeguardRefusal
from asylon.core.scope import can, ensure
from asylon.core.types import Actor
from asylon.incidents.alerts import raise_alert
from asylon.registry.models import Person, Site
from asylon.safeguards import Assessment, assess_movement
from asylon.safeguards.messages import Listing, Message, Number, message
from asylon.safeguards.types import THIRD_COUNTRY_SOLUTION_KINDS

from .facts import Family, OnwardPolicies, Plan, Situation, destination_for, movement_facts, person_facts
from .models import GateAction, GateResult, Movement, MovementState

DEPARTURE_KINDS = frozenset(str(k) for k in THIRD_COUNTRY_SOLUTION_KINDS)


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


def may_handle(actor: Actor, kind: str, obj, perm: str) -> bool:
    """Protection officers hold `perm`; resettlement officers handle departures only."""
    if kind in DEPARTURE_KINDS and can(actor, "movements.request_departure", obj):
        return True
    return can(actor, perm, obj)


def _ensure_handle(actor: Actor, kind: str, obj, perm: str) -> None:
    if may_handle(actor, kind, obj, perm):
        return
    ensure(actor, perm, obj)  # raises the right error (404 outside scope, else 403)
    raise NotPermitted(_("Your role does not allow this kind of movement."))


def ensure_may_request(actor: Actor, kind: str, obj=None) -> None:
    """Refuse, before any input is checked, an actor whose role may not request `kind`."""
    _ensure_handle(actor, kind, obj, "movements.add_movement")


def may_act_at_all(actor: Actor, movement: Movement) -> bool:
    """Whether the actor's role allows any step on this movement."""
    return any(may_act(actor, movement, action) for action in ACTION_PERMS)


ACTION_PERMS = {
    GateAction.ASSESS: "movements.add_movement",
    GateAction.APPROVE: "movements.approve_movement",
    GateAction.REFUSE: "movements.approve_movement",
    GateAction.CARRY_OUT: "movements.carry_out_movement",
    GateAction.CANCEL: "movements.add_movement",
}


def may_act(actor: Actor, movement: Movement, action: str) -> bool:
    perm = ACTION_PERMS[GateAction(action)]
    if action in (GateAction.APPROVE, GateAction.REFUSE):
        return can(actor, perm, movement)
    return may_handle(actor, movement.kind, movement, perm)


# --- the one place a movement's state is written -------------------------------------------


@dataclass(frozen=True)
class Request:
    """A request's checked fields (`requests._check_request`), the same for every person."""

    kind: str
    destination_country: str
    destination_site: Site | None
    requesting_state: str
    legal_reference: str
    court_reference: str


def _new_movement(reference: str, person: Person, req: Request, actor: Actor, note: str, group=None) -> Movement:
    """An unsaved movement, REQUESTED: the only state a movement is born with."""
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
    actor: Actor,
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


def _audit_gate(actor: Actor, movement: Movement, gate: GateResult, *, refused: bool) -> None:
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


def _alert(site: Site, *, kind: Message, subject: str, page: str, assessments: list[Assessment], involuntary: bool):
    """Alert the site's protection officers of refusals and notices; `page` names the URL
    of the subject's page, resolved only when there is something to say."""
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
        link=reverse(page, args=[subject]),
        source=f"movements:{subject}",
    )


# --- the gate: the one door, for recorded movements and for previews -------------------------


class Reading:
    """The facts of today for the persons moved in one act (a resettlement case's members),
    read once for one step of that act and one plan: every member's movement is then
    assessed from it, in a constant number of queries however large the household.

    Within the step, the only writes that change another member's facts are departures (a
    member who left is no longer household for N8, `left`); whoever changes anything else
    the gate reads must take a new Reading."""

    def __init__(self, person_ids: Iterable[int], plan: Plan) -> None:
        on = today()
        ids = list(dict.fromkeys(person_ids))
        self.plan = plan
        self.situations = person_facts(ids, on)
        self.family = Family.read(ids, plan, on)
        self.policies = OnwardPolicies.on(on)

    def assess(self, movement: Movement, together: Iterable[int] = ()) -> Assessment:
        """Assess one recorded movement of the act, its household included (N8)."""
        if Plan.of(movement) != self.plan:
            raise ValueError(f"{movement.reference} is not the movement this reading was made for")
        situation = self.situations[movement.person_id]
        facts = movement_facts(self.plan, situation, self.policies, self.family, together)
        return assess_movement(situation.facts, facts)

    def left(self, person_id: int) -> None:
        """The person has just left the camp in this step: the others' households lose them."""
        self.family = self.family.without(person_id)


def _assess_one(movement: Movement, together: Iterable[int] = ()) -> Assessment:
    """Assess one recorded movement with the facts of today, its household included (N8)."""
    return Reading([movement.person_id], Plan.of(movement)).assess(movement, together)


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
    actor: Actor,
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
