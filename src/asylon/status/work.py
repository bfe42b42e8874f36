"""What legal status gives a user to do ("my work", core/work.py): the RSD cases assigned
to them that reach or pass the site's target for their stage within a week, their
interviews of the coming week, and the appeal windows of their negative decisions that
close within a week or have closed (the case waits to be finalised)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from asylon.core.i18n import format_date
from asylon.core.scope import site_ids
from asylon.core.types import Actor
from asylon.core.work import WorkItem

from .models import CLOSED_STATES, RsdCase, RsdSiteSettings, RsdState
from .queries import NEGATIVE, settings_for

AHEAD = timedelta(days=7)  # how far ahead a deadline shows: the coming week's work


def _mine(actor: Actor):
    if not actor.has_perm("status.view_rsdcase"):
        return RsdCase.objects.none()
    return (
        RsdCase.objects.filter(site_id__in=site_ids(actor))
        .filter(Q(assigned_officer=actor) | Q(assigned_officer__isnull=True, decided_by=actor))
        .exclude(state__in=CLOSED_STATES)
        .select_related("site")
    )


def rsd_targets(actor: Actor, today: date) -> Iterator[WorkItem]:
    targets: dict[int, RsdSiteSettings] = {}  # one read per site, not per case
    for case in _mine(actor).order_by("state_since", "reference"):
        if case.site_id not in targets:
            targets[case.site_id] = settings_for(case.site_id)
        days = targets[case.site_id].target_for(case.state)
        if days is None:
            continue
        due = case.state_since + timedelta(days=days)
        if due <= today + AHEAD:
            yield WorkItem(
                source="status.targets",
                group=_("Legal status"),
                title=_("RSD case %(reference)s: %(state)s since %(since)s")
                % {
                    "reference": case.reference,
                    "state": case.get_state_display(),
                    "since": format_date(case.state_since),
                },
                url=reverse("status:case_detail", args=[case.reference]),
                due=due,
                site=case.site.code,
            )


def rsd_interviews(actor: Actor, today: date) -> Iterator[WorkItem]:
    rows = _mine(actor).filter(
        state=RsdState.INTERVIEW_SCHEDULED, interview_on__gte=today, interview_on__lte=today + AHEAD
    )
    for case in rows.order_by("interview_on", "reference"):
        yield WorkItem(
            source="status.interviews",
            group=_("Legal status"),
            title=_("Interview for RSD case %(reference)s") % {"reference": case.reference},
            url=reverse("status:case_detail", args=[case.reference]),
            due=case.interview_on,
            site=case.site.code,
        )


def appeal_windows(actor: Actor, today: date) -> Iterator[WorkItem]:
    rows = _mine(actor).filter(state=RsdState.NOTIFIED, outcome__in=NEGATIVE, appeal_deadline__lte=today + AHEAD)
    for case in rows.order_by("appeal_deadline", "reference"):
        deadline = case.appeal_deadline
        assert deadline is not None  # filtered on it
        text = (
            _("Appeal window of RSD case %(reference)s closes on %(day)s")
            if deadline >= today
            else _("Appeal window of RSD case %(reference)s closed on %(day)s: finalise the case")
        )
        yield WorkItem(
            source="status.appeal_windows",
            group=_("Legal status"),
            title=text % {"reference": case.reference, "day": format_date(deadline)},
            url=reverse("status:case_detail", args=[case.reference]),
            due=deadline,
            site=case.site.code,
        )


def register() -> None:
    from asylon.core import work

    work.register("status.targets", rsd_targets)
    work.register("status.interviews", rsd_interviews)
    work.register("status.appeal_windows", appeal_windows)
