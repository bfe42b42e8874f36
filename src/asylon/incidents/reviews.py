"""Reviews of what a roll call saw: the only way a roll call's "dead", "missing" or "not
found" mark reaches the register (DOMAIN 9.2).

Closing a roll call opens one review per such mark (rollcall.close_roll_call). A protection
officer confirms or rejects each. A disappearance is confirmed by one officer; a death by
two different officers, the first saying how the death is known. Only the last confirmation
writes the presence (registry.services.apply_presence, audited) and names the person as
killed or missing in the incident, whose figures then follow the register
(services.refresh_casualties through the register's hook). A rejection leaves the register
as it was. The state is assigned here only, following `transitions.PRESENCE_REVIEW`.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asylon.audit import services as audit
from asylon.core.errors import Conflict, InvalidInput, NotFound
from asylon.core.scope import ensure, site_ids
from asylon.core.types import Actor
from asylon.registry.models import Presence
from asylon.registry.services import apply_presence

from .models import (
    OPEN_REVIEW_STATES,
    AffectedPerson,
    Harm,
    PresenceReview,
    PresenceReviewState,
)
from .transitions import PRESENCE_REVIEW

REVIEW = "incidents.review_presence"
HARM_OF: dict[str, str] = {Presence.DECEASED: Harm.KILLED, Presence.MISSING: Harm.MISSING}
SAME_PERSON_TWICE = gettext_lazy(
    "You confirmed this death first: a second protection officer must confirm it before it reaches the register."
)


def open_reviews(actor: Actor) -> QuerySet[PresenceReview]:
    """The reviews still waiting, in the actor's sites, oldest roll call first."""
    return (
        PresenceReview.objects.filter(site_id__in=site_ids(actor), state__in=OPEN_REVIEW_STATES)
        .select_related("person", "person__unit", "roll_call", "roll_call__incident", "observed_by", "first_by")
        .order_by("roll_call__started_at", "person__reference")
    )


def open_for_incident(incident) -> QuerySet[PresenceReview]:
    """The reviews still waiting from the roll calls of an incident (its figures exclude them)."""
    return PresenceReview.objects.filter(roll_call__incident=incident, state__in=OPEN_REVIEW_STATES)


def reviews_of(roll_call) -> QuerySet[PresenceReview]:
    return (
        PresenceReview.objects.filter(roll_call=roll_call)
        .select_related("person", "person__unit", "observed_by", "first_by", "second_by", "rejected_by")
        .order_by("person__reference")
    )


def get_review(actor: Actor, pk: int) -> PresenceReview:
    review = (
        PresenceReview.objects.filter(pk=pk, site_id__in=site_ids(actor)).select_related("person", "roll_call").first()
    )
    if review is None:
        raise NotFound(_("No such review."))
    return review


def _locked(review: PresenceReview) -> PresenceReview:
    return PresenceReview.objects.select_for_update().select_related("roll_call", "person").get(pk=review.pk)


def _move(review: PresenceReview, to: str) -> None:
    PRESENCE_REVIEW.step_to(to, review.state)
    review.state = to


@transaction.atomic
def confirm_review(*, actor: Actor, review: PresenceReview, source: str = "") -> PresenceReview:
    """Confirm a roll call's observation. A death needs two different protection officers:
    the first confirmation (with its source) waits for the second; the same officer twice
    is refused. The last confirmation writes the register and the incident."""
    ensure(actor, REVIEW, review)
    review = _locked(review)
    now = timezone.now()
    if review.state == PresenceReviewState.AWAITING_SECOND and review.first_by_id == actor.pk:
        raise Conflict(str(SAME_PERSON_TWICE), code="same_reviewer")
    if review.state == PresenceReviewState.PENDING:
        if review.proposed == Presence.DECEASED and not (source or "").strip():
            raise InvalidInput(
                {"source": [_("Say how the death is known (body identified, hospital record, witness).")]}
            )
        review.first_by, review.first_at, review.source = actor, now, (source or "").strip()[:300]
        if review.proposed == Presence.DECEASED:
            _move(review, PresenceReviewState.AWAITING_SECOND)
            review.save(update_fields=["state", "first_by", "first_at", "source"])
            audit.record(
                actor,
                "presence_review.first_confirmed",
                review,
                changes=_facts(review),
                object_ref=review.person.reference,
            )
            return review
    else:
        review.second_by, review.second_at = actor, now
    _move(review, PresenceReviewState.CONFIRMED)
    review.save(update_fields=["state", "first_by", "first_at", "source", "second_by", "second_at"])
    audit.record(actor, "presence_review.confirmed", review, changes=_facts(review), object_ref=review.person.reference)
    _write_register(actor, review)
    return review


def _write_register(actor: Actor, review: PresenceReview) -> None:
    """Name the person as killed or missing in the incident, then change the presence: the
    register's hook brings the incident's figures to what it now confirms."""
    rc = review.roll_call
    reason = _("Roll call %(id)s: %(presence)s confirmed by %(who)s") % {
        "id": rc.pk,
        "presence": review.get_proposed_display(),
        "who": ", ".join(u.username for u in (review.first_by, review.second_by) if u is not None),
    }
    if rc.incident_id is not None:
        harm = HARM_OF[review.proposed]
        row, created = AffectedPerson.objects.get_or_create(
            incident_id=rc.incident_id, person=review.person, defaults={"harm": harm, "note": reason[:200]}
        )
        if not created and row.harm != harm:
            row.harm, row.note = harm, reason[:200]
            row.save(update_fields=["harm", "note"])
        audit.record(
            actor,
            "incident.person_affected",
            rc.incident,
            changes={"person": review.person.reference, "harm": harm, "note": reason},
            sensitive=["person", "note"],
        )
    apply_presence(
        actor=actor,
        person=review.person,
        presence=review.proposed,
        reason=reason,
        action="person.presence_confirmed_from_roll_call",
    )


@transaction.atomic
def reject_review(*, actor: Actor, review: PresenceReview, reason: str) -> PresenceReview:
    """Reject an observation (the person was found, the mark was a mistake): the register
    and the incident stay as they were. A reason is required."""
    ensure(actor, REVIEW, review)
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("Say why the observation is rejected.")]})
    review = _locked(review)
    _move(review, PresenceReviewState.REJECTED)
    review.rejected_by, review.rejected_at, review.rejection_reason = actor, timezone.now(), reason.strip()[:300]
    review.save(update_fields=["state", "rejected_by", "rejected_at", "rejection_reason"])
    audit.record(
        actor,
        "presence_review.rejected",
        review,
        changes=_facts(review),
        reason=review.rejection_reason,
        object_ref=review.person.reference,
    )
    return review


def _facts(review: PresenceReview) -> dict:
    return {
        "roll_call": review.roll_call_id,
        "person": review.person.reference,
        "observed": review.observed,
        "proposed": review.proposed,
        "state": review.state,
        "source": review.source,
    }
