"""Reads of legal status, RSD cases and declarations, scoped to the actor's sites.

The key read for the safeguards is `status_on` / `statuses_on`. Its rules, exactly:

* The status of a person on date D is the most recently *recorded* StatusEntry that is not
  reverted and whose `effective_on` is on or before D. A person with no such entry is an
  ASYLUM_SEEKER (status is declaratory: a registered person has asked for protection).
  Entries reverted by a revoked group declaration count as never having applied.
* `rsd_case_state` is the state, on D, of the person's RSD case (as applicant or dependant)
  that moved last on or before D, read from the transition log; None when no case of theirs
  existed on D.
* `claim_pending` is True when the status on D is ASYLUM_SEEKER, i.e. no final decision is
  in force — it is also True during an appeal window and an appeal.
* `in_appeal_window` is True when on D the case stood NOTIFIED with a negative first-instance
  decision and D is on or before its `appeal_deadline` (the last day to appeal).
* `appeal_pending` is True when on D the case stood APPEAL_LODGED or APPEAL_DECIDED (the
  appeal decision is not in force until notified).
* `final_decision` is True when the status on D rests on a final decision (REFUGEE,
  REJECTED_FINAL, EXCLUDED, CEASED, CANCELLED, REVOKED).
* A decision ending refugee status (cessation, cancellation, revocation; DOMAIN 5.3) counts
  the same way: `in_appeal_window` from its decision until it is notified and then up to its
  `appeal_deadline`, `appeal_pending` from a lodged appeal until the appeal is decided.
* A negative decision whose appeal window has passed stays ASYLUM_SEEKER (claim_pending,
  not final) until an officer records `finalise` on the case: the safe default.

`statuses_on` runs four queries whatever the number of persons (persons are read in
chunks of 20,000 ids, so a block or a camp is one chunk).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _

from asylon.core.dates import today
from asylon.core.errors import InvalidInput, NotFound
from asylon.core.scope import ensure, site_ids
from asylon.core.types import Actor
from asylon.registry.models import Person, Site

from .criteria import Criteria, check_criteria, classify
from .models import (
    CLOSED_STATES,
    FINAL_STATUSES,
    EndingProcedure,
    GroupDeclaration,
    LegalStatus,
    Outcome,
    RsdCase,
    RsdCaseMember,
    RsdSiteSettings,
    RsdState,
    RsdTransition,
    SiteDesignationAct,
    StatusEntry,
)

CHUNK = 20_000
NEGATIVE = (Outcome.REJECTED, Outcome.EXCLUDED)


@dataclass(frozen=True)
class StatusSnapshot:
    person_id: int
    on: date
    status: str
    recognised_by: str = ""
    determination_mode: str = ""
    legal_basis: str = ""
    derivative_of: int | None = None
    claim_pending: bool = True
    in_appeal_window: bool = False
    appeal_pending: bool = False
    final_decision: bool = False
    appeal_deadline: date | None = None
    rsd_case_state: str | None = None
    rsd_case: str | None = None  # the case's reference
    entry_id: int | None = None  # the StatusEntry in force, None for the implicit one

    @property
    def suspensive(self) -> bool:
        """A removal must be blocked (DOMAIN 6.2 N4): claim, appeal period or appeal pending."""
        return self.claim_pending or self.in_appeal_window or self.appeal_pending


def status_on(person_or_id: Person | int, on: date | None = None) -> StatusSnapshot:
    """The person's legal status on `on` (default today). Not scoped: callers check access."""
    pid = person_or_id if isinstance(person_or_id, int) else person_or_id.pk
    return statuses_on([pid], on)[pid]


def statuses_on(person_ids: Iterable[int], on: date | None = None) -> dict[int, StatusSnapshot]:
    """Snapshots for many persons in three queries per 20,000 persons. Not scoped."""
    on = on or today()
    ids = list(dict.fromkeys(person_ids))
    result: dict[int, StatusSnapshot] = {}
    for start in range(0, len(ids), CHUNK):
        result.update(_snapshots(ids[start : start + CHUNK], on))
    return result


def _snapshots(ids: list[int], on: date) -> dict[int, StatusSnapshot]:
    entries: dict[int, Any] = {}
    for row in (
        StatusEntry.objects.filter(person_id__in=ids, reverted_at__isnull=True, effective_on__lte=on)
        .order_by("id")
        .values("id", "person_id", "status", "recognised_by", "determination_mode", "legal_basis", "derivative_of_id")
    ):
        entries[row["person_id"]] = row  # the last recorded wins
    cases_of: dict[int, list[tuple[int, str]]] = {}
    for pid, case_id, ref in RsdCaseMember.objects.filter(person_id__in=ids, case__registered_on__lte=on).values_list(
        "person_id", "case_id", "case__reference"
    ):
        cases_of.setdefault(pid, []).append((case_id, ref))
    case_ids = {c for lst in cases_of.values() for c, _ref in lst}
    log: dict[int, list[RsdTransition]] = {}
    if case_ids:
        for t in RsdTransition.objects.filter(case_id__in=case_ids, on__lte=on).order_by("id"):
            log.setdefault(t.case_id, []).append(t)
    endings: dict[int, Any] = {}
    for ending_row in (
        EndingProcedure.objects.filter(person_id__in=ids, outcome=EndingProcedure.Outcome.ENDED, decided_on__lte=on)
        .order_by("id")
        .values("person_id", "notified_on", "appeal_deadline", "appeal_lodged_on", "appeal_decided_on")
    ):
        endings[ending_row["person_id"]] = ending_row  # the last decided wins
    out = {}
    for pid in ids:
        e = entries.get(pid)
        status = e["status"] if e else LegalStatus.ASYLUM_SEEKER
        case_state = case_ref = deadline = None
        in_window = appeal_pending = False
        moved = [(log[c][-1].pk, c, ref) for c, ref in cases_of.get(pid, []) if log.get(c)]
        if moved:
            _last, case_id, case_ref = max(moved)
            steps = log[case_id]
            case_state = steps[-1].to_state
            notify = next((t for t in reversed(steps) if t.action in ("notify", "reopen")), None)
            if notify is not None and notify.action == "notify" and notify.outcome in NEGATIVE:
                deadline = notify.appeal_deadline
            in_window = case_state == RsdState.NOTIFIED and deadline is not None and on <= deadline
            appeal_pending = case_state in (RsdState.APPEAL_LODGED, RsdState.APPEAL_DECIDED)
        ending = endings.get(pid)
        if ending is not None:
            window, pending, ending_deadline = _ending_suspends(ending, on)
            in_window, appeal_pending = in_window or window, appeal_pending or pending
            deadline = ending_deadline or deadline
        out[pid] = StatusSnapshot(
            person_id=pid,
            on=on,
            status=status,
            recognised_by=e["recognised_by"] if e else "",
            determination_mode=e["determination_mode"] if e else "",
            legal_basis=e["legal_basis"] if e else "",
            derivative_of=e["derivative_of_id"] if e else None,
            claim_pending=status == LegalStatus.ASYLUM_SEEKER,
            in_appeal_window=in_window,
            appeal_pending=appeal_pending,
            final_decision=status in FINAL_STATUSES,
            appeal_deadline=deadline,
            rsd_case_state=case_state,
            rsd_case=case_ref,
            entry_id=e["id"] if e else None,
        )
    return out


def _ending_suspends(ending: dict, on: date) -> tuple[bool, bool, date | None]:
    """(in the appeal window, appeal pending, last day to appeal) of a decision ending refugee
    status, on `on`. Not yet notified counts as in the window: the clock has not started."""
    notified, deadline = ending["notified_on"], ending["appeal_deadline"]
    lodged, decided = ending["appeal_lodged_on"], ending["appeal_decided_on"]
    if lodged is not None and lodged <= on:
        return False, decided is None or decided > on, deadline
    return notified is None or notified > on or (deadline is not None and on <= deadline), False, deadline


def current_statuses(person_ids: Iterable[int]) -> dict[int, str]:
    """The status now in force for each person, regardless of effective dates (for guards)."""
    ids = list(person_ids)
    out = dict.fromkeys(ids, LegalStatus.ASYLUM_SEEKER.value)
    for pid, status in (
        StatusEntry.objects.filter(person_id__in=ids, reverted_at__isnull=True)
        .order_by("id")
        .values_list("person_id", "status")
    ):
        out[pid] = status
    return out


# --- scoped reads for pages and the API -------------------------------------------------


def status_history(actor: Actor, person: Person) -> list[StatusEntry]:
    """All entries of a person, reverted ones included (they show as reverted)."""
    ensure(actor, "status.view_statusentry", person)
    return list(
        StatusEntry.objects.filter(person=person)
        .select_related("rsd_case", "declaration", "procedure", "recorded_by", "derivative_of", "reverted_by")
        .order_by("id")
    )


def person_status(actor: Actor, person: Person, on: date | None = None) -> StatusSnapshot:
    ensure(actor, "status.view_statusentry", person)
    return status_on(person, on)


def cases_for(actor: Actor) -> QuerySet[RsdCase]:
    if not actor.has_perm("status.view_rsdcase"):
        return RsdCase.objects.none()
    return RsdCase.objects.filter(site_id__in=site_ids(actor))


def get_case(actor: Actor, reference: str) -> RsdCase:
    case = (
        cases_for(actor)
        .select_related("site", "applicant", "assigned_officer", "decided_by", "appeal_decided_by")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise NotFound("No such RSD case.")
    return case


def case_members(case: RsdCase) -> list[RsdCaseMember]:
    return list(case.members.select_related("person").order_by("-principal", "person__reference"))


def case_transitions(case: RsdCase):
    """The case's steps so far, with who took each (the case's page lists them)."""
    return case.transitions.select_related("by")


def settings_for(site: Site | int) -> RsdSiteSettings:
    """The site's RSD settings, or the defaults when none were saved."""
    site_id = site if isinstance(site, int) else site.pk
    return RsdSiteSettings.objects.filter(site_id=site_id).first() or RsdSiteSettings(site_id=site_id)


class Queue(TextChoices):
    """The RSD queues: the code travels in URLs and the API, the label is what a reader sees."""

    MINE = "mine", _("my cases")
    OVERDUE = "overdue", _("over target")
    INTERVIEWS_THIS_WEEK = "interviews_this_week", _("interviews this week")
    OPEN = "open", _("open")
    TO_FINALISE = "to_finalise", _("to finalise")
    ALL = "all", _("all")


QUEUES = tuple(Queue.values)


def case_queue(actor: Actor, queue: str = "open", on: date | None = None) -> QuerySet[RsdCase]:
    """The RSD queues: the actor's own open cases; cases over the site's target for their
    stage; interviews due this (ISO) week; negative decisions whose appeal window has passed."""
    on = on or today()
    qs = cases_for(actor).select_related("site", "applicant", "assigned_officer")
    open_qs = qs.exclude(state__in=CLOSED_STATES)
    if queue == "mine":
        return open_qs.filter(assigned_officer=actor).order_by("state_since", "reference")
    if queue == "overdue":
        overdue = Q(pk__in=[])
        for sid in site_ids(actor):
            cfg = settings_for(sid)
            for state in RsdState.values:
                days = cfg.target_for(state)
                if days is not None:
                    overdue |= Q(site_id=sid, state=state, state_since__lt=on - timedelta(days=days))
        return open_qs.filter(overdue).order_by("state_since", "reference")
    if queue == "interviews_this_week":
        monday = on - timedelta(days=on.weekday())
        return qs.filter(
            state=RsdState.INTERVIEW_SCHEDULED, interview_on__gte=monday, interview_on__lte=monday + timedelta(days=6)
        ).order_by("interview_on", "reference")
    if queue == "to_finalise":
        return qs.filter(state=RsdState.NOTIFIED, outcome__in=NEGATIVE, appeal_deadline__lt=on).order_by(
            "appeal_deadline"
        )
    if queue == "all":
        return qs.order_by("reference")
    return open_qs.order_by("reference")


def overdue_days(case: RsdCase, on: date | None = None) -> int | None:
    days = settings_for(case.site_id).target_for(case.state)
    if days is None:
        return None
    late = ((on or today()) - case.state_since).days - days
    return late if late > 0 else None


# --- group declarations: the preview (the criteria themselves are in `criteria`) -------


@dataclass(frozen=True)
class Preview:
    count: int
    skipped_count: int
    sample: list[dict]
    skipped_sample: list[dict]


def preview_declaration(actor: Actor, c: Criteria, sample_size: int = 20) -> Preview:
    ensure(actor, "status.add_groupdeclaration", c.site)
    errors: dict[str, list[str]] = {}
    check_criteria(actor, c, errors)
    if errors:
        raise InvalidInput(errors)
    eligible, skipped = classify(c)
    refs = [ref for _pk, ref in eligible[:sample_size]]
    names = {p.reference: p.full_name for p in Person.objects.filter(reference__in=refs)}
    return Preview(
        count=len(eligible),
        skipped_count=len(skipped),
        sample=[{"reference": r, "name": names.get(r, "")} for r in refs],
        skipped_sample=skipped[:sample_size],
    )


def declarations_for(actor: Actor) -> QuerySet[GroupDeclaration]:
    if not actor.has_perm("status.view_groupdeclaration"):
        return GroupDeclaration.objects.none()
    return GroupDeclaration.objects.filter(site_id__in=site_ids(actor)).select_related("site", "declared_by")


def get_declaration(actor: Actor, pk: int) -> GroupDeclaration:
    d = declarations_for(actor).filter(pk=pk).first()
    if d is None:
        raise NotFound("No such declaration.")
    return d


def designations_for(actor: Actor) -> QuerySet[SiteDesignationAct]:
    if not actor.has_perm("status.view_sitedesignationact"):
        return SiteDesignationAct.objects.none()
    return SiteDesignationAct.objects.filter(site_id__in=site_ids(actor)).select_related("site", "recorded_by")


def get_designation(actor: Actor, pk: int) -> SiteDesignationAct:
    act = designations_for(actor).filter(pk=pk).first()
    if act is None:
        raise NotFound("No such designation act.")
    return act


def ending_procedures_for(actor: Actor) -> QuerySet[EndingProcedure]:
    """Ending procedures (cessation, cancellation, revocation) at the actor's sites."""
    if not actor.has_perm("status.view_endingprocedure"):
        return EndingProcedure.objects.none()
    return (
        EndingProcedure.objects.filter(site_id__in=site_ids(actor))
        .select_related("person", "site", "opened_by", "decided_by", "appeal_decided_by")
        .order_by("-opened_on", "-pk")
    )


def get_ending_procedure(actor: Actor, pk: int) -> EndingProcedure:
    procedure = ending_procedures_for(actor).filter(pk=pk).first()
    if procedure is None:
        raise NotFound("No such procedure.")
    return procedure


# --- reads for the API ---------------------------------------------------------------------------


def user_named(username: str | None, *, field: str):
    """The active user an API caller names (an RSD case's officer); None when they name none,
    a 422 naming `field` for a username no active account has. Whether the user may take the
    case is the service's check."""
    from django.contrib.auth import get_user_model

    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InvalidInput({field: [f"Unknown user {username!r}."]})
    return user
