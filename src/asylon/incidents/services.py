"""Every write about incidents, their follow-ups, affected persons and evidence.

One function per business action: permission-checked, atomic, audited. Alerts are raised
inside the same transaction and sent after commit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, BinaryIO

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from asylon.audit import services as audit
from asylon.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from asylon.core.messages import msgid_of
from asylon.core.scope import ensure, site_ids
from asylon.core.types import Actor
from asylon.registry.models import Location, Person, Presence, Site
from asylon.registry.references import next_reference
from asylon.safeguards.messages import Moment, Number, message

from . import evidence as store
from .alerts import raise_alert
from .models import (
    AffectedPerson,
    AlertKind,
    CustodyAction,
    CustodyEntry,
    Evidence,
    FollowUp,
    Harm,
    Incident,
    IncidentKind,
    IncidentStatus,
    PerpetratorCategory,
    Severity,
    TimePrecision,
    Verification,
)
from .queries import follow_up_owners
from .transitions import INCIDENT

# Kinds that reach protection officers whatever their severity.
ALWAYS_ALERT = {IncidentKind.THREAT, IncidentKind.REFOULEMENT_RISK, IncidentKind.ARMED_ATTACK}
ALERT_SEVERITY = Severity.SERIOUS
COUNT_FIELDS = ("killed", "injured", "missing", "detained")
RESTRICTED_FIELDS = ("narrative", "perpetrator_detail")
EDITABLE_FIELDS = (
    "kind",
    "occurred_at",
    "occurred_precision",
    "location",
    "latitude",
    "longitude",
    "source",
    "verification",
    "severity",
    "perpetrator_category",
    *RESTRICTED_FIELDS,
    *COUNT_FIELDS,
)


def _check(values: dict[str, Any], site: Site, errors: dict[str, list[str]]) -> None:
    checks = {
        "kind": IncidentKind.values,
        "occurred_precision": TimePrecision.values,
        "verification": Verification.values,
        "perpetrator_category": PerpetratorCategory.values,
    }
    for field, allowed in checks.items():
        if field in values and values[field] not in allowed:
            errors.setdefault(field, []).append(_("Unknown value %(v)r.") % {"v": values[field]})
    if "severity" in values and values["severity"] not in Severity.values:
        errors.setdefault("severity", []).append(_("Severity is 1 (low) to 4 (critical)."))
    occurred = values.get("occurred_at")
    if "occurred_at" in values:
        if not isinstance(occurred, datetime):
            errors.setdefault("occurred_at", []).append(_("When did it happen?"))
        elif occurred > timezone.now() + timedelta(minutes=10):
            errors.setdefault("occurred_at", []).append(_("This time is in the future."))
    for field in COUNT_FIELDS:
        v = values.get(field)
        if v is not None and (not isinstance(v, int) or v < 0):
            errors.setdefault(field, []).append(_("A count is zero or more."))
    loc = values.get("location")
    if loc is not None and (not isinstance(loc, Location) or loc.site_id != site.pk):
        errors.setdefault("location", []).append(_("This place is not in site %(s)s.") % {"s": site.code})
    for field, bound in (("latitude", 90), ("longitude", 180)):
        v = values.get(field)
        if v is not None and not -bound <= float(v) <= bound:
            errors.setdefault(field, []).append(_("Out of range."))


def _alert_for(incident: Incident) -> None:
    if incident.severity < ALERT_SEVERITY and incident.kind not in ALWAYS_ALERT:
        return
    what = {
        "kind": message(msgid_of(IncidentKind(incident.kind).label)),
        "site": incident.site.code,
        "sev": Number(incident.severity),
    }
    if incident.location_id:
        title = message(
            gettext_noop("%(kind)s at %(site)s, %(place)s, severity %(sev)s"), **what, place=str(incident.location)
        )
    else:
        title = message(gettext_noop("%(kind)s at %(site)s, severity %(sev)s"), **what)
    body = message(
        gettext_noop(
            "Incident %(ref)s occurred %(at)s (%(verification)s). Killed: %(k)s, injured: %(i)s, missing: %(m)s."
        ),
        ref=incident.reference,
        at=Moment(incident.occurred_at),
        verification=message(msgid_of(Verification(incident.verification).label)),
        k=Number(incident.killed),
        i=Number(incident.injured),
        m=Number(incident.missing),
    )
    kind = (
        AlertKind.THREAT
        if incident.kind in (IncidentKind.THREAT, IncidentKind.REFOULEMENT_RISK)
        else AlertKind.INCIDENT
    )
    raise_alert(
        site=incident.site,
        kind=kind,
        severity=incident.severity,
        title=title,
        body=body,
        link=reverse("incidents:detail", args=[incident.reference]),
        source=incident,
    )


@transaction.atomic
def report_incident(*, actor: Actor, site: Site, **values: Any) -> Incident:
    """Log an incident. Severe ones, threats and attacks alert the site's protection officers."""
    ensure(actor, "incidents.add_incident", site)
    values = {k: v for k, v in values.items() if v is not None}
    unknown = set(values) - set(EDITABLE_FIELDS)
    errors: dict[str, list[str]] = {f: [_("Unknown field.")] for f in sorted(unknown)}
    for required in ("kind", "occurred_at", "severity"):
        if required not in values:
            errors.setdefault(required, []).append(_("This field is required."))
    _check(values, site, errors)
    if errors:
        raise InvalidInput(errors)
    if values.get("verification", Verification.UNVERIFIED) != Verification.UNVERIFIED and not actor.has_perm(
        "incidents.change_incident", site
    ):
        values["verification"] = Verification.UNVERIFIED  # a field report starts unverified
    incident = Incident.objects.create(
        reference=next_reference(f"{site.code}-I"),
        site=site,
        reported_by=actor,
        killed_reported=values.get("killed", 0),
        missing_reported=values.get("missing", 0),
        **values,
    )
    audit.record(
        actor,
        "incident.reported",
        incident,
        changes={k: v.pk if hasattr(v, "pk") else v for k, v in values.items()},
        sensitive=RESTRICTED_FIELDS,
    )
    _alert_for(incident)
    return incident


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().select_related("site").get(pk=incident.pk)


# --- casualties that follow the register --------------------------------------------------------

DERIVED_COUNTS = ("killed", "missing")
# The harm recorded for an affected person, and the presence that confirms it in the register.
CONFIRMED_BY = {"killed": (Harm.KILLED, Presence.DECEASED), "missing": (Harm.MISSING, Presence.MISSING)}


def _confirmed(incident: Incident) -> dict[str, int]:
    """How many affected persons the register confirms as dead and as missing."""
    return {
        field: AffectedPerson.objects.filter(incident=incident, harm=harm, person__presence=presence).count()
        for field, (harm, presence) in CONFIRMED_BY.items()
    }


def refresh_casualties(*, actor: Actor, incident: Incident, reason: str) -> Incident:
    """Set killed and missing to the larger of the reported figure and what the register confirms.

    Called inside the transaction that changed an affected person's harm or presence (a review
    confirmed, a presence corrected); audited as `incident.casualties_followed_register`.
    """
    incident = _locked(incident)
    confirmed = _confirmed(incident)
    new = {f: max(getattr(incident, f"{f}_reported"), confirmed[f]) for f in DERIVED_COUNTS}
    delta = audit.diff({f: getattr(incident, f) for f in DERIVED_COUNTS}, new)
    if delta:
        Incident.objects.filter(pk=incident.pk).update(**new)
        audit.record(actor, "incident.casualties_followed_register", incident, changes=delta, reason=reason)
        for f, v in new.items():
            setattr(incident, f, v)
    return incident


def follow_presences(sender, *, actor: Actor, person_ids: list[int], reason: str, **kwargs) -> None:
    """Receiver of `registry.signals.presence_changed`: the incidents that count
    these persons as killed or missing take their figures from the register again."""
    harms = [harm for harm, _presence in CONFIRMED_BY.values()]
    incidents = Incident.objects.filter(affected__person_id__in=person_ids, affected__harm__in=harms).distinct()
    for incident in incidents.order_by("pk"):
        refresh_casualties(actor=actor, incident=incident, reason=reason)


@transaction.atomic
def transition_incident(*, actor: Actor, incident: Incident, to: str, reason: str = "") -> Incident:
    ensure(actor, "incidents.change_incident", incident)
    return _apply_transition(actor, _locked(incident), to, reason)


def _apply_transition(actor: Actor, incident: Incident, to: str, reason: str = "") -> Incident:
    """The only place an incident's status is assigned; `incident` is locked by the caller."""
    INCIDENT.step_to(to, incident.status)
    before = incident.status
    incident.status = to
    incident.closed_at = timezone.now() if to == IncidentStatus.CLOSED else None
    incident.save(update_fields=["status", "closed_at"])
    audit.record(actor, "incident.status_changed", incident, changes={"status": [before, to]}, reason=reason)
    return incident


@transaction.atomic
def add_affected_person(
    *, actor: Actor, incident: Incident, person: Person, harm: str, note: str = ""
) -> AffectedPerson:
    ensure(actor, "incidents.change_incident", incident)
    if person.site_id not in site_ids(actor):
        raise NotFound("No such person.")
    if harm not in Harm.values:
        raise InvalidInput({"harm": [_("Unknown value %(v)r.") % {"v": harm}]})
    row, created = AffectedPerson.objects.get_or_create(
        incident=incident, person=person, defaults={"harm": harm, "note": note}
    )
    if not created and (row.harm, row.note) != (harm, note):
        row.harm, row.note = harm, note
        row.save(update_fields=["harm", "note"])
    audit.record(
        actor,
        "incident.person_affected",
        incident,
        changes={"person": person.reference, "harm": harm, "note": note},
        sensitive=["person", "note"],
    )
    # A person the register already confirms dead or missing now counts in the figures.
    refresh_casualties(actor=actor, incident=incident, reason=_("affected person recorded"))
    return row


@transaction.atomic
def add_follow_up(*, actor: Actor, incident: Incident, action: str, owner, due_on: date) -> FollowUp:
    ensure(actor, "incidents.add_followup", incident)
    errors: dict[str, list[str]] = {}
    if not (action or "").strip():
        errors["action"] = [_("Say what must be done.")]
    if owner is None or not follow_up_owners(incident.site_id).filter(pk=owner.pk).exists():
        errors["owner"] = [_("The owner must work on incidents in site %(s)s.") % {"s": incident.site.code}]
    if not isinstance(due_on, date):
        errors["due_on"] = [_("A due date is required.")]
    if errors:
        raise InvalidInput(errors)
    follow_up = FollowUp.objects.create(
        incident=incident, site_id=incident.site_id, action=action.strip(), owner=owner, due_on=due_on
    )
    audit.record(
        actor,
        "incident.follow_up_added",
        incident,
        changes={"follow_up": follow_up.pk, "action": follow_up.action, "owner": owner.username, "due_on": due_on},
        sensitive=["action"],
    )
    locked = _locked(incident)
    if locked.status == IncidentStatus.OPEN:
        _apply_transition(actor, locked, IncidentStatus.FOLLOW_UP, reason=_("follow-up added"))
    return follow_up


@transaction.atomic
def complete_follow_up(*, actor: Actor, follow_up: FollowUp, outcome: str = "") -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().select_related("incident").get(pk=follow_up.pk)
    if follow_up.owner_id != actor.pk:
        ensure(actor, "incidents.change_followup", follow_up)
    elif follow_up.site_id not in site_ids(actor):
        raise NotFound("No such follow-up.")
    if follow_up.done_at is not None:
        raise Conflict(_("This follow-up is already done."), code="already_done")
    follow_up.done_at, follow_up.done_by, follow_up.outcome = timezone.now(), actor, outcome.strip()
    follow_up.save(update_fields=["done_at", "done_by", "outcome"])
    audit.record(
        actor,
        "incident.follow_up_done",
        follow_up.incident,
        changes={"follow_up": follow_up.pk, "outcome": follow_up.outcome},
        sensitive=["outcome"],
    )
    return follow_up


# --- evidence --------------------------------------------------------------------------------


def _custody(
    actor: Actor | None, ev: Evidence, action: str, *, recipient: str = "", note: str = "", seen: str = ""
) -> CustodyEntry:
    entry = CustodyEntry.objects.create(
        evidence=ev,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        recipient=recipient,
        note=note,
        sha256_seen=seen,
    )
    audit.record(
        actor,
        f"evidence.{action.lower()}",
        ev,
        changes={"incident": ev.incident.reference, "sha256": ev.sha256, "recipient": recipient, "note": note},
        object_ref=ev.incident.reference,
    )
    return entry


@transaction.atomic
def add_evidence(*, actor: Actor, incident: Incident, file: BinaryIO, name: str, description: str = "") -> Evidence:
    """Store a file with its checksum and open its chain of custody.

    Field monitors may attach evidence to incidents they reported; protection officers to any.
    """
    ensure(actor, "incidents.add_evidence", incident)
    if incident.reported_by_id != actor.pk and not actor.has_perm("incidents.view_evidence", incident):
        raise NotPermitted(_("You may attach evidence only to incidents you reported."))
    stored = store.store(file, name)
    if Evidence.objects.filter(incident=incident, sha256=stored.sha256).exists():
        raise InvalidInput({"file": [_("%(name)s is already attached to this incident.") % {"name": name}]})
    ev = Evidence.objects.create(
        incident=incident,
        site_id=incident.site_id,
        sha256=stored.sha256,
        size=stored.size,
        content_type=stored.content_type,
        original_name=name[:200],
        description=description[:300],
        uploaded_by=actor,
    )
    _custody(actor, ev, CustodyAction.UPLOADED, seen=stored.sha256)
    return ev


@transaction.atomic
def open_evidence(*, actor: Actor, evidence: Evidence) -> BinaryIO:
    """Open an evidence file for download, logging the access. Refuses a file that changed."""
    ensure(actor, "incidents.view_evidence", evidence)
    path = store.path_of(evidence.sha256)
    if not path.exists():
        raise NotFound(_("The file of this evidence is missing from the store."))
    found = store.checksum(path)
    if found != evidence.sha256:
        raise Conflict(_("The file of this evidence has changed since upload."), code="evidence_changed")
    _custody(actor, evidence, CustodyAction.DOWNLOADED, seen=found)
    return open(path, "rb")  # noqa: SIM115 - the response closes it


@transaction.atomic
def hand_over_evidence(*, actor: Actor, evidence: Evidence, recipient: str, note: str = "") -> CustodyEntry:
    """Record that the evidence (or a copy) passed to someone outside the system."""
    ensure(actor, "incidents.view_evidence", evidence)
    if not (recipient or "").strip():
        raise InvalidInput({"recipient": [_("Say to whom it was handed over.")]})
    return _custody(actor, evidence, CustodyAction.HANDED_OVER, recipient=recipient.strip(), note=note.strip())


# What `asylon evidence verify` found wrong with a file, as the alert words it.
INTEGRITY_PROBLEMS = {
    "changed": gettext_noop("changed"),
    "missing": gettext_noop("missing"),
    "replaced": gettext_noop("replaced"),
    "unrecorded": gettext_noop("unrecorded"),
}


@transaction.atomic
def record_integrity_failure(*, evidence: Evidence, problem: str, found: str = "") -> CustodyEntry:
    """Called by `asylon evidence verify` for each file that changed or went missing."""
    entry = _custody(None, evidence, CustodyAction.INTEGRITY_FAILED, note=problem, seen=found)
    raise_alert(
        site=evidence.site,
        kind=AlertKind.EVIDENCE_INTEGRITY,
        severity=Severity.SERIOUS,
        title=message(
            gettext_noop("Evidence file %(p)s for incident %(ref)s"),
            p=message(INTEGRITY_PROBLEMS.get(problem, problem)),
            ref=evidence.incident.reference,
        ),
        body=message(
            gettext_noop("An integrity check found an evidence file %(p)s."),
            p=message(INTEGRITY_PROBLEMS.get(problem, problem)),
        ),
        link=reverse("incidents:detail", args=[evidence.incident.reference]),
        source=evidence,
    )
    return entry
