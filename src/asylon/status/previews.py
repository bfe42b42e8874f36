"""What a big legal-status act will change, read before the user confirms it (core/confirm.py).

Pure reads, called by the pages (the confirmation page) and the API (the 409 preview) before
`services` acts: revoking a group declaration or a site designation, and the RSD steps that
end or decide against a claim (a negative decision, its notification, closing a file,
closing as abandoned). Nothing here writes; the services stay the only writers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, OuterRef, Subquery
from django.utils.translation import gettext as _

from asylon.core.confirm import SAMPLE
from asylon.core.dates import today
from asylon.core.i18n import format_date, to_digits
from asylon.core.scope import ensure, site_ids
from asylon.core.types import Actor
from asylon.registry.models import Person, Presence

from . import queries
from .models import GroupDeclaration, LegalStatus, Outcome, RsdCase, SiteDesignationAct, StatusEntry
from .transitions import DECIDING_ACTIONS, Action

# --- group declarations -------------------------------------------------------------------


@dataclass(frozen=True)
class RevocationPreview:
    """Revoking a declaration: the statuses it created that will be reverted."""

    statuses: int  # entries that will be marked reverted
    current: int  # of whom the declaration's status is the one in force now
    by_site: list[dict[str, Any]]  # [{"site": code, "name": ..., "count": n}], the persons' current site
    sample: list[dict[str, str]]  # [{"reference": ..., "name": ...}], the first SAMPLE by reference
    more: int  # statuses not named in the sample

    def as_dict(self) -> dict[str, Any]:
        return {
            "statuses": self.statuses,
            "current": self.current,
            "by_site": self.by_site,
            "sample": self.sample,
            "more": self.more,
        }


def declaration_revocation(actor: Actor, declaration: GroupDeclaration) -> RevocationPreview:
    """Names only persons in the actor's sites; persons moved elsewhere are counted by site."""
    entries = StatusEntry.objects.filter(declaration=declaration, reverted_at__isnull=True)
    latest = (
        StatusEntry.objects.filter(person=OuterRef("person"), reverted_at__isnull=True).order_by("-id").values("id")[:1]
    )
    current = entries.annotate(latest=Subquery(latest)).filter(latest=F("id")).count()
    by_site = [
        {"site": row["person__site__code"], "name": row["person__site__name"], "count": row["n"]}
        for row in entries.values("person__site__code", "person__site__name")
        .annotate(n=Count("id"))
        .order_by("person__site__code")
    ]
    total = sum(s["count"] for s in by_site)
    named = (
        Person.objects.filter(status_entries__in=entries, site_id__in=site_ids(actor))
        .order_by("reference")
        .distinct()[:SAMPLE]
    )
    sample = [{"reference": p.reference, "name": p.full_name} for p in named]
    return RevocationPreview(statuses=total, current=current, by_site=by_site, sample=sample, more=total - len(sample))


@dataclass(frozen=True)
class DesignationRevocationPreview:
    site: str
    site_name: str
    designation: str  # label now in force
    back_to: str  # label it returns to
    back_to_since: date | None
    persons: int  # persons on the site's register (merged records aside)

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "designation": self.designation,
            "back_to": self.back_to,
            "back_to_since": self.back_to_since.isoformat() if self.back_to_since else None,
            "persons": self.persons,
        }


def designation_revocation(act: SiteDesignationAct) -> DesignationRevocationPreview:
    site = act.site
    return DesignationRevocationPreview(
        site=site.code,
        site_name=site.name,
        designation=str(site.get_designation_display()),
        back_to=str(act.get_previous_designation_display()),
        back_to_since=act.previous_designated_on,
        persons=Person.objects.filter(site=site).exclude(presence=Presence.MERGED).count(),
    )


# --- RSD steps ----------------------------------------------------------------------------


@dataclass
class StepConsequence:
    """A grave RSD step: who it concerns, what status it writes, what it does to an appeal."""

    action: str
    label: str
    persons: list[dict[str, str]] = field(default_factory=list)  # reference, name, status now
    status_to: str = ""  # label of the status written now ("" when none is written yet)
    effective_on: date | None = None
    consequences: list[str] = field(default_factory=list)  # sentences a reader reads

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "persons": self.persons,
            "status_to": self.status_to,
            "effective_on": self.effective_on.isoformat() if self.effective_on else None,
            "consequences": self.consequences,
        }


def _negative(outcome: str) -> bool:
    return outcome in queries.NEGATIVE


def _final_status(outcome: str) -> str:
    if outcome == Outcome.RECOGNISED:
        return LegalStatus.REFUGEE
    return LegalStatus.EXCLUDED if outcome == Outcome.EXCLUDED else LegalStatus.REJECTED_FINAL


def is_grave(case: RsdCase, action: str, data: dict[str, Any]) -> bool:
    """The steps that end a claim, decide against it, or start the clock on its appeal."""
    if action in (Action.CLOSE_ABANDONED, Action.DECIDE_EXCLUSION, Action.FINALISE, Action.NOTIFY_APPEAL):
        return True
    if action in (Action.DECIDE, Action.DECIDE_APPEAL):
        return _negative(str(data.get("outcome", "")))
    if action == Action.NOTIFY:
        return _negative(case.outcome)
    return False


def rsd_step(
    actor: Actor, case: RsdCase, action: str, data: dict[str, Any], on: date | None = None
) -> StepConsequence | None:
    """What the step will change, or None for a step that needs no confirmation. Only an
    actor who may take the step reads it (the same permission the service checks)."""
    if not is_grave(case, action, data):
        return None
    ensure(actor, "status.decide_rsdcase" if action in DECIDING_ACTIONS else "status.change_rsdcase", case)
    on = on or today()
    window = queries.settings_for(case.site_id).appeal_window_days
    members = queries.case_members(case)
    now = queries.current_statuses([m.person_id for m in members])
    out = StepConsequence(
        action=action,
        label=str(Action(action).label),
        persons=[
            {
                "reference": m.person.reference,
                "name": m.person.full_name,
                "status": str(LegalStatus(now[m.person_id]).label),
            }
            for m in members
        ],
    )
    say = out.consequences.append
    if action == Action.CLOSE_ABANDONED:
        out.status_to, out.effective_on = str(LegalStatus.CLOSED_ABANDONED.label), on
        say(_("The claim is closed as abandoned; there is no decision to appeal."))
        say(_("The case can be reopened later, at the applicant's request or on another ground."))
    elif action in (Action.DECIDE, Action.DECIDE_EXCLUSION):
        outcome = Outcome.EXCLUDED if action == Action.DECIDE_EXCLUSION else str(data.get("outcome"))
        say(
            _("Decision: %(o)s. No status changes yet: the persons stay asylum seekers until it is notified.")
            % {"o": Outcome(outcome).label}
        )
        say(
            _("From the notification the applicant has %(n)s days to appeal; without an appeal it becomes final.")
            % {"n": to_digits(window)}
        )
    elif action == Action.NOTIFY:
        deadline = on + timedelta(days=window)
        say(_("The appeal window opens: the applicant may appeal until %(d)s.") % {"d": format_date(deadline)})
        say(
            _("Without an appeal by then, closing the file makes the status “%(s)s”.")
            % {"s": LegalStatus(_final_status(case.outcome)).label}
        )
    elif action == Action.FINALISE:
        if _negative(case.outcome):
            out.status_to = str(LegalStatus(_final_status(case.outcome)).label)
            out.effective_on = case.appeal_deadline + timedelta(days=1) if case.appeal_deadline else None
            say(
                _("No appeal was lodged by %(d)s: the decision becomes final and the right to appeal ends.")
                % {"d": format_date(case.appeal_deadline) or "—"}
            )
        else:
            say(_("The file is closed; the recognition stays in force."))
    elif action == Action.DECIDE_APPEAL:
        outcome = str(data.get("outcome"))
        say(
            _("Appeal decision: %(o)s. When it is notified the status becomes “%(s)s”; there is no further appeal.")
            % {"o": Outcome(outcome).label, "s": LegalStatus(_final_status(outcome)).label}
        )
    elif action == Action.NOTIFY_APPEAL:
        final = case.appeal_outcome or case.outcome
        out.status_to, out.effective_on = str(LegalStatus(_final_status(final)).label), on
        say(_("The appeal decision is final and the case closes; there is no further appeal."))
    return out
