"""What resettlement gives a user to do ("my work", core/work.py): for those who manage
resettlement in a site, the cases that pass their priority's target time within a week
(from their submission) and the departures scheduled for the coming week."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from asylon.core.scope import site_ids
from asylon.core.types import Actor
from asylon.core.work import WorkItem

from .models import ResettlementCase, Stage, target_for
from .transitions import TIMED_STAGES

AHEAD = timedelta(days=7)
MANAGE = "solutions.manage_resettlement"


def _managed(actor: Actor):
    if not actor.has_perm(MANAGE):
        return ResettlementCase.objects.none()
    return ResettlementCase.objects.filter(site_id__in=site_ids(actor)).select_related("site", "country")


def targets(actor: Actor, today: date) -> Iterator[WorkItem]:
    rows = _managed(actor).filter(stage__in=TIMED_STAGES, submitted_on__isnull=False).order_by("submitted_on")
    for case in rows:
        assert case.submitted_on is not None  # filtered on it
        due = case.submitted_on + target_for(case.priority)
        if due <= today + AHEAD:
            yield WorkItem(
                source="solutions.targets",
                group=_("Resettlement"),
                title=_("Resettlement case %(reference)s (%(priority)s): %(stage)s")
                % {
                    "reference": case.reference,
                    "priority": case.get_priority_display(),
                    "stage": case.get_stage_display(),
                },
                url=reverse("solutions:case_detail", args=[case.reference]),
                due=due,
                site=case.site.code,
            )


def departures(actor: Actor, today: date) -> Iterator[WorkItem]:
    rows = _managed(actor).filter(
        stage=Stage.DEPARTURE_SCHEDULED, departure_date__gte=today, departure_date__lte=today + AHEAD
    )
    for case in rows.order_by("departure_date", "reference"):
        yield WorkItem(
            source="solutions.departures",
            group=_("Resettlement"),
            title=_("Departure of case %(reference)s to %(country)s")
            % {"reference": case.reference, "country": str(case.country) if case.country else "—"},
            url=reverse("solutions:case_detail", args=[case.reference]),
            due=case.departure_date,
            site=case.site.code,
        )


def register() -> None:
    from asylon.core import work

    work.register("solutions.targets", targets)
    work.register("solutions.departures", departures)
