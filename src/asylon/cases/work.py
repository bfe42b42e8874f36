"""The protection cases' items of "my work" (core.work): for each user, only what is theirs.

* the caseworker: a case whose review is due, a case with no consent to case management in
  force;
* the owner of a plan action not yet done (on a case the owner may see);
* a partner account: the referrals to its recipient waiting for its answer or its outcome.

Every item starts from `queries.cases_for` or `queries.referrals_for_partner`, so no one is
told of a case they may not know exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from asylon.core.types import Actor
from asylon.core.work import WorkItem

from . import queries
from .models import CaseState, Consent, ConsentScope, PlanAction, ReferralState, RiskLevel
from .transitions import OPEN_STATES


def items_for(actor: Actor, today: date) -> Iterator[WorkItem]:
    group = _("Protection cases")
    cases = queries.cases_for(actor).filter(state__in=OPEN_STATES).select_related("site")
    mine = cases.filter(caseworker=actor)
    for case in mine.filter(next_review_on__lte=today):
        yield WorkItem(
            source="cases",
            group=group,
            title=_("Review case %(ref)s (%(risk)s risk)")
            % {"ref": case.reference, "risk": RiskLevel(case.risk_level).label},
            url=case.get_absolute_url(),
            due=case.next_review_on,
            site=case.site.code,
        )
    consented = Consent.objects.filter(
        case=OuterRef("pk"), scope=ConsentScope.CASE_MANAGEMENT, given_on__lte=today
    ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
    for case in mine.filter(state=CaseState.OPEN).exclude(Exists(consented)):
        yield WorkItem(
            source="cases",
            group=group,
            title=_("Record consent for case %(ref)s") % {"ref": case.reference},
            url=case.get_absolute_url(),
            site=case.site.code,
        )
    actions = PlanAction.objects.filter(owner=actor, done_on__isnull=True, case__in=cases).select_related("case__site")
    for item in actions:
        yield WorkItem(
            source="cases",
            group=group,
            title=_("%(action)s (case %(ref)s)") % {"action": item.action, "ref": item.case.reference},
            url=item.case.get_absolute_url(),
            due=item.due_on,
            site=item.case.site.code,
        )
    waiting = queries.referrals_for_partner(actor).filter(state__in=[ReferralState.SENT, ReferralState.ACCEPTED])
    for referral in waiting.select_related("site"):
        answer = (
            _("Answer referral %(ref)s")
            if referral.state == ReferralState.SENT
            else _("Record the outcome of referral %(ref)s")
        )
        yield WorkItem(
            source="cases",
            group=_("Referrals"),
            title=answer % {"ref": referral.reference},
            url=reverse("cases:referral_detail", args=[referral.reference]),
            site=referral.site.code,
        )
