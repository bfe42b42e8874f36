"""Reads of protection cases, always for one actor.

Who sees a case (DOMAIN.md 12, GBVIMS):
* its caseworker and its supervisor, always;
* a role holding `cases.view_sensitive_case` (no standard role does), every case in its sites;
* a protection officer (`cases.view_protectioncase`) the cases of its sites that are not of a
  sensitive type (violence, torture).
Anyone else does not learn that the case exists: `get_case` raises `NotFound` (a 404 at every
edge), and every list and count starts from `cases_for`, so none counts it. Case notes are
read by the caseworker, the supervisor and `view_sensitive_case` only, even on a case others
may see; each read of notes or of a sensitive case writes an audit event.

Partners (`cases.answer_referral`) read no case at all: only the referrals made to the
recipient they act for, and of each only the fields released (`Referral.shared`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from asylon.audit import services as audit
from asylon.audit.models import AuditEvent
from asylon.core.errors import NotFound
from asylon.core.scope import ensure, site_ids
from asylon.core.types import Actor, AnyUser
from asylon.registry.models import Site
from asylon.sharing.guard import recipient_of

from .models import SENSITIVE_TYPES, CaseNote, ProtectionCase, Referral

VIEW = "cases.view_protectioncase"
SENSITIVE = "cases.view_sensitive_case"
ANSWER = "cases.answer_referral"


def _authenticated(actor: AnyUser) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and bool(getattr(actor, "is_active", False))


def cases_for(actor: AnyUser) -> QuerySet[ProtectionCase]:
    """Every case the actor may know exists."""
    if not _authenticated(actor) or recipient_of(actor) is not None:
        return ProtectionCase.objects.none()
    in_sites = ProtectionCase.objects.filter(site_id__in=site_ids(actor))
    if actor.has_perm(SENSITIVE):
        return in_sites
    own = Q(caseworker=actor) | Q(supervisor=actor)
    if actor.has_perm(VIEW):
        return in_sites.filter(own | ~Q(case_type__in=SENSITIVE_TYPES))
    return in_sites.filter(own)


def get_case(actor: Actor, reference: str) -> ProtectionCase:
    case = (
        cases_for(actor)
        .select_related("site", "person", "household", "caseworker", "supervisor")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise NotFound("No such case.")
    return case


def reads_confidential(actor: AnyUser, case: ProtectionCase) -> bool:
    """Whether the actor reads the case's notes (and, for a sensitive type, the case)."""
    if not _authenticated(actor) or case.site_id not in site_ids(actor):
        return False
    return actor.pk in (case.caseworker_id, case.supervisor_id) or actor.has_perm(SENSITIVE)


def read_case(actor: Actor, reference: str, *, channel: str) -> ProtectionCase:
    """`get_case` for a page or route that shows the case: a sensitive case's read is audited."""
    case = get_case(actor, reference)
    if case.sensitive:
        with transaction.atomic():
            audit.record(actor, "case.sensitive_viewed", case, changes={"channel": channel})
    return case


def case_notes(actor: Actor, case: ProtectionCase, *, channel: str) -> list[CaseNote] | None:
    """The case's notes for the actor who may read them (audited), None for anyone else."""
    if not reads_confidential(actor, case):
        return None
    notes = list(case.notes.select_related("written_by"))
    with transaction.atomic():
        audit.record(actor, "case.notes_viewed", case, changes={"channel": channel, "notes": len(notes)})
    return notes


def case_list(actor: Actor, which: str = "mine", *, state: str = "") -> QuerySet[ProtectionCase]:
    """mine: the actor's caseload; supervised: the cases it supervises; site: all it may see."""
    qs = cases_for(actor).select_related("site", "person", "household", "caseworker")
    if which == "mine":
        qs = qs.filter(caseworker=actor)
    elif which == "supervised":
        qs = qs.filter(supervisor=actor)
    if state:
        qs = qs.filter(state=state)
    return qs


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    by: str
    what: str


# What the case's own events say to the reader. Reads of the case (`case.sensitive_viewed`,
# `case.notes_viewed`) stay in the audit trail for those who audit; the case's history lists
# what was done to it.
HISTORY_LABELS = {
    "case.opened": gettext_lazy("Case opened"),
    "case.consent_recorded": gettext_lazy("Consent recorded"),
    "case.consent_withdrawn": gettext_lazy("Consent withdrawn"),
    "case.assessment_recorded": gettext_lazy("Assessment recorded"),
    "case.assess": gettext_lazy("Case assessed"),
    "case.start_plan": gettext_lazy("Case plan started"),
    "case.action_added": gettext_lazy("Plan action added"),
    "case.action_done": gettext_lazy("Plan action done"),
    "case.reviewed": gettext_lazy("Case reviewed"),
    "case.note_added": gettext_lazy("Note added"),
    "case.referred": gettext_lazy("Referral sent"),
    "case.referral_refused": gettext_lazy("Referral refused by the data-sharing rules"),
    "case.referral_accept": gettext_lazy("Referral accepted by the service"),
    "case.referral_decline": gettext_lazy("Referral declined by the service"),
    "case.referral_complete": gettext_lazy("Outcome of the referral recorded"),
    "case.close": gettext_lazy("Case closed"),
    "case.reopen": gettext_lazy("Case reopened"),
}


def history(case: ProtectionCase) -> list[HistoryLine]:
    """What was done to the case, oldest first, from the audit trail (its own events only)."""
    events = (
        AuditEvent.objects.filter(object_type="cases.protectioncase", object_id=str(case.pk))
        .exclude(action__endswith="_viewed")
        .order_by("seq")
    )
    return [HistoryLine(e.at, e.actor_username, str(HISTORY_LABELS.get(e.action, e.action))) for e in events]


# --- counts for the statistics (reports) -----------------------------------------------------


@dataclass(frozen=True)
class CaseCount:
    """One case as the statistics count it: its type, and on the reporting date whether it
    was open and its risk level then; in the period, whether it was opened and how many
    times it was closed. No reference, no person: `reports.statistics` only adds these up."""

    case_type: str
    open_on: bool
    risk_on: str
    opened_in_period: bool
    closed_in_period: int


# The case events that change what the statistics count (services.open_case, _enter_state,
# record_review): a case's state and risk level on a past day are rebuilt from them.
COUNTED_EVENTS = ("case.opened", "case.close", "case.reopen", "case.reviewed")


def case_counts(*, actor: Actor, site: Site, on: date, start: date) -> list[CaseCount]:
    """Every case of `site`, counted for the statistics of `on` and the period `start`..`on`
    (local days, both included). Counts only, of every case whoever holds it (the published
    figures pass disclosure control in `reports.statistics`): a role that may read the site's
    statistics may read them.

    A case is open on D when the last of its opening, closing and reopening recorded on or
    before D was not a closing; its risk level on D is the one set last on or before D."""
    ensure(actor, "reports.view_statistics", site)
    events: dict[int, list[tuple[date, str, dict]]] = {}
    for object_id, action, at, changes in (
        AuditEvent.objects.filter(site_id=site.pk, object_type="cases.protectioncase", action__in=COUNTED_EVENTS)
        .order_by("seq")
        .values_list("object_id", "action", "at", "changes")
    ):
        events.setdefault(int(object_id), []).append((timezone.localdate(at), action, changes or {}))
    out = []
    for pk, case_type, risk, opened_at in ProtectionCase.objects.filter(site=site).values_list(
        "pk", "case_type", "risk_level", "opened_at"
    ):
        own = events.get(pk) or [(timezone.localdate(opened_at), "case.opened", {"risk_level": risk})]
        is_open, risk_on, opened, closed = False, "", False, 0
        for day, action, changes in own:
            in_period = start <= day <= on
            if action == "case.opened":
                opened = opened or in_period
            closed += int(action == "case.close" and in_period)
            if day > on:
                continue
            if action in ("case.opened", "case.reopen"):
                is_open = True
            elif action == "case.close":
                is_open = False
            level = changes.get("risk_level")
            if isinstance(level, list) and len(level) == 2:
                level = level[1]
            if isinstance(level, str) and level:
                risk_on = level
        out.append(CaseCount(case_type, is_open, risk_on or risk, opened, closed))
    return out


# --- referrals -------------------------------------------------------------------------------


def referrals_for_partner(actor: AnyUser) -> QuerySet[Referral]:
    """The referrals made to the recipient a partner account acts for, in its sites."""
    recipient = recipient_of(actor)
    if recipient is None or not actor.has_perm(ANSWER):
        return Referral.objects.none()
    return Referral.objects.filter(recipient=recipient, site_id__in=site_ids(actor)).select_related("recipient")


def get_partner_referral(actor: Actor, reference: str) -> Referral:
    referral = referrals_for_partner(actor).filter(reference=reference).first()
    if referral is None:
        raise NotFound("No such referral.")
    return referral


def get_referral(actor: Actor, reference: str) -> Referral:
    """A referral, for staff through its case (as the case is seen), for a partner if it is theirs."""
    if recipient_of(actor) is not None:
        return get_partner_referral(actor, reference)
    referral = (
        Referral.objects.filter(reference=reference, case__in=cases_for(actor))
        .select_related("case", "recipient")
        .first()
    )
    if referral is None:
        raise NotFound("No such referral.")
    return referral


# --- lookups for the edges (an origin, a worker, a consent or an action of a case) -----------


def need_of(actor: Actor, pk: int):
    from asylon.registry.models import SpecificNeed

    need = SpecificNeed.objects.filter(pk=pk, person__site_id__in=site_ids(actor)).select_related("person").first()
    if need is None:
        raise NotFound("No such specific need.")
    return need


def mark_of(actor: Actor, pk: int):
    from asylon.incidents.models import RollCallEntry

    mark = (
        RollCallEntry.objects.filter(pk=pk, roll_call__site_id__in=site_ids(actor))
        .select_related("person", "roll_call")
        .first()
    )
    if mark is None:
        raise NotFound("No such roll-call mark.")
    return mark


def worker_named(actor: Actor, username: str):
    """An active account of the actor's sites, by its username (None when there is none)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model().objects.filter(username=username, is_active=True, sites__in=site_ids(actor)).distinct().first()
    )


def consent_of(case: ProtectionCase, pk: int):
    consent = case.consents.filter(pk=pk).first()
    if consent is None:
        raise NotFound("No such consent.")
    return consent


def action_of(case: ProtectionCase, pk: int):
    item = case.actions.filter(pk=pk).first()
    if item is None:
        raise NotFound("No such action.")
    return item


def recipient_named(name: str):
    from asylon.sharing.models import Recipient

    recipient = Recipient.objects.filter(name=name).first()
    if recipient is None:
        raise NotFound("No such recipient.")
    return recipient


def partner_recipients():
    """Recipients a referral may go to: NGOs, UN agencies and host authorities under agreement."""
    from asylon.sharing.models import Recipient

    return Recipient.objects.filter(kind__in=["NGO", "UN_AGENCY", "HOST_AUTHORITY"]).order_by("name")


def workers_in(sites) -> QuerySet:
    """Accounts that may hold a case or own its actions in these sites (caseworkers, supervisors)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(
        is_active=True, groups__permissions__codename="change_protectioncase", sites__in=list(sites)
    )
    return users.distinct().order_by("username")
