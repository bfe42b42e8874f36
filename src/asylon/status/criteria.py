"""Who a group (prima facie) declaration covers, and why it passes anyone by.

The criteria are the site, a nationality, a cut-off (arrival or registration before a date)
and, for officers who may see sensitive fields, an ethnicity. `check_criteria` says which of
them an actor may not use; `classify` (the preview), `eligible_ids` (the one INSERT ... SELECT
of `declarations.declare_group`) and `passed_by` (the list stored with the
declaration) read the same rule, `ELIGIBLE` in SQL and `_skip_reason` in Python, so the
preview shows exactly what the declaration will do. Reads only: no writes, no scoping (the
callers check the actor's site).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, TextChoices, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from asylon.core.types import Actor
from asylon.registry.models import Membership, Person, Presence, Site

from .models import EVENT_STATUSES, CutoffKind, LegalStatus, RsdCaseMember, StatusEntry


@dataclass(frozen=True)
class Criteria:
    site: Site
    nationality: str
    cutoff_kind: str
    cutoff_date: date
    ethnicity: str = ""


def matching_persons(c: Criteria) -> QuerySet[Person]:
    """The persons a declaration's criteria cover (before skipping anyone)."""
    qs = Person.objects.filter(site=c.site, nationality=c.nationality).exclude(
        presence__in=[Presence.DECEASED, Presence.DEPARTED]
    )
    if c.cutoff_kind == CutoffKind.REGISTRATION:
        qs = qs.filter(registered_on__lt=c.cutoff_date)
    else:
        qs = qs.filter(
            Exists(
                Membership.objects.filter(
                    person=OuterRef("pk"), ended_on__isnull=True, household__arrival_date__lt=c.cutoff_date
                )
            )
        )
    if c.ethnicity:
        qs = qs.filter(sensitive__ethnicity__iexact=c.ethnicity.strip())
    return qs


class SkipReason(TextChoices):
    """Why a declaration passed a person by (stored with the declaration; shown by label)."""

    EXCLUSION_REVIEW = "exclusion_review", _("under exclusion review (Art. 1F)")
    EVENT = "event", _("departed or deceased")
    ALREADY_DECIDED = "already_decided", _("status already decided")


def _classified(c: Criteria) -> QuerySet[Any]:  # annotated: current, decided, flagged
    """The matching persons with what decides their fate: current status, decided, flagged."""
    latest = (
        StatusEntry.objects.filter(person=OuterRef("pk"), reverted_at__isnull=True).order_by("-id").values("status")[:1]
    )
    decided = RsdCaseMember.objects.filter(person=OuterRef("pk")).exclude(case__outcome="")
    flagged = RsdCaseMember.objects.filter(person=OuterRef("pk"), case__exclusion_indicated=True)
    return matching_persons(c).annotate(current=Subquery(latest), decided=Exists(decided), flagged=Exists(flagged))


# Who a declaration applies to: no exclusion review, no decided status or case (the same
# rule as `_skip_reason`, in SQL, so that the declaration is one INSERT ... SELECT).
ELIGIBLE = Q(flagged=False, decided=False) & (Q(current__isnull=True) | Q(current=LegalStatus.ASYLUM_SEEKER))


def _skip_reason(current: str | None, is_decided: bool, is_flagged: bool) -> dict | None:
    if is_flagged:
        return {"reason": SkipReason.EXCLUSION_REVIEW.value}
    if current not in (None, LegalStatus.ASYLUM_SEEKER):
        reason = SkipReason.EVENT.value if current in EVENT_STATUSES else SkipReason.ALREADY_DECIDED.value
        return {"reason": reason, "status": current}
    if is_decided:
        return {"reason": SkipReason.ALREADY_DECIDED.value}
    return None


def classify(c: Criteria) -> tuple[list[tuple[int, str]], list[dict]]:
    """One query: (eligible [(id, reference)], skipped [{reference, reason}]) in reference order."""
    rows = _classified(c).order_by("reference").values_list("pk", "reference", "current", "decided", "flagged")
    eligible, skipped = [], []
    for pk, ref, current, is_decided, is_flagged in rows.iterator(chunk_size=5000):
        why = _skip_reason(current, is_decided, is_flagged)
        if why is None:
            eligible.append((pk, ref))
        else:
            skipped.append({"reference": ref, **why})
    return eligible, skipped


def eligible_ids(c: Criteria) -> QuerySet:
    """The ids of the persons a declaration applies to, in reference order, as SQL to select from.

    `ELIGIBLE` said in fewer probes per person, for the one INSERT ... SELECT over 100,000:
    not flagged and not decided is no RSD membership whose case is either (one anti-join,
    not two), and a current status that is none or ASYLUM_SEEKER is the latest entry's
    status read once, with none read as ASYLUM_SEEKER."""
    blocking = RsdCaseMember.objects.filter(person=OuterRef("pk")).filter(
        Q(case__exclusion_indicated=True) | ~Q(case__outcome="")
    )
    latest = (
        StatusEntry.objects.filter(person=OuterRef("pk"), reverted_at__isnull=True).order_by("-id").values("status")[:1]
    )
    asylum_seeker = Value(LegalStatus.ASYLUM_SEEKER.value)
    return (
        matching_persons(c)
        .annotate(current=Coalesce(Subquery(latest), asylum_seeker))
        .filter(~Exists(blocking), current=asylum_seeker)
        .order_by("reference")
        .values_list("pk")
    )


def passed_by(c: Criteria, declaration_id: int) -> list[dict]:
    """The persons the criteria match whom the declaration's INSERT ... SELECT did not take,
    with the reason, in reference order. Read after that INSERT under the same site lock, it
    is every matching person `ELIGIBLE` leaves out, but only the persons passed by are
    classified: the declared ones are read once, by the INSERT, not a second time here."""
    declared = StatusEntry.objects.filter(declaration_id=declaration_id).values("person_id")
    rows = _classified(c).exclude(pk__in=declared).order_by("reference")
    out = []
    for ref, current, is_decided, is_flagged in rows.values_list("reference", "current", "decided", "flagged"):
        why = _skip_reason(current, is_decided, is_flagged)
        assert why is not None  # noqa: S101 - ELIGIBLE and _skip_reason say the same
        out.append({"reference": ref, **why})
    return out


def check_criteria(actor: Actor, c: Criteria, errors: dict) -> None:
    """Add to `errors` what the actor may not select by, and codes that are not known."""
    if c.ethnicity and not actor.has_perm("registry.view_sensitive", c.site):
        errors.setdefault("ethnicity", []).append(gettext("Your role may not select persons by a sensitive field."))
    if c.nationality not in dict(countries):
        errors.setdefault("nationality", []).append(gettext("Unknown country code."))
    if c.cutoff_kind not in CutoffKind.values:
        errors.setdefault("cutoff_kind", []).append(gettext("Choose arrival or registration."))
