"""The incidents app's three state machines: an incident, a roll call, a review of what a
roll call saw. Each is one declared table, read by the one function that assigns its state
(`services._apply_transition`, `rollcall._transition`, `reviews._move`), which is told the
state to go to and asks the table for the step that leads there (`Machine.step_to`).

An incident:

    OPEN --start_follow_up--> FOLLOW_UP --close--> CLOSED --reopen--> FOLLOW_UP
    OPEN --close--> CLOSED

A roll call (marks are taken while it is open; closing freezes them and writes the report):

    OPEN --close--> CLOSED

A review of a "dead", "missing" or "not found" mark. A death goes through AWAITING_SECOND
(two different protection officers), a disappearance needs one:

    PENDING --first_confirmation--> AWAITING_SECOND --confirm--> CONFIRMED
    PENDING --confirm--> CONFIRMED
    PENDING | AWAITING_SECOND --reject--> REJECTED
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from asylon.core.transitions import Machine, Step

from .models import IncidentStatus, PresenceReviewState, RollCallState

# --- an incident ------------------------------------------------------------------------------


class IncidentAction(TextChoices):
    START_FOLLOW_UP = "start_follow_up", _("Put under follow-up")
    CLOSE = "close", _("Close the incident")
    REOPEN = "reopen", _("Reopen for follow-up")


INCIDENT_TRANSITIONS: dict[str, Step] = {
    IncidentAction.START_FOLLOW_UP: Step({IncidentStatus.OPEN}, IncidentStatus.FOLLOW_UP),
    IncidentAction.CLOSE: Step({IncidentStatus.OPEN, IncidentStatus.FOLLOW_UP}, IncidentStatus.CLOSED),
    IncidentAction.REOPEN: Step({IncidentStatus.CLOSED}, IncidentStatus.FOLLOW_UP),
}

INCIDENT = Machine(
    name="incident",
    states=IncidentStatus,
    actions=IncidentAction,
    steps=INCIDENT_TRANSITIONS,
    initial={IncidentStatus.OPEN},
    refusal=_("An incident cannot go from “%(state)s” to “%(target)s”."),
    code="invalid_transition",
)

# --- a roll call ------------------------------------------------------------------------------


class RollCallAction(TextChoices):
    CLOSE = "close", _("Close the roll call")


ROLL_CALL_TRANSITIONS: dict[str, Step] = {
    RollCallAction.CLOSE: Step({RollCallState.OPEN}, RollCallState.CLOSED),
}

ROLL_CALL = Machine(
    name="roll_call",
    states=RollCallState,
    actions=RollCallAction,
    steps=ROLL_CALL_TRANSITIONS,
    initial={RollCallState.OPEN},
    terminal={RollCallState.CLOSED},
    refusal=_("This roll call is already closed."),
    code="roll_call_closed",
)

# --- a review of what a roll call saw ---------------------------------------------------------


class ReviewAction(TextChoices):
    FIRST_CONFIRMATION = "first_confirmation", _("Record the first confirmation")
    CONFIRM = "confirm", _("Confirm")
    REJECT = "reject", _("Reject")


R = PresenceReviewState

PRESENCE_REVIEW_TRANSITIONS: dict[str, Step] = {
    ReviewAction.FIRST_CONFIRMATION: Step({R.PENDING}, R.AWAITING_SECOND),
    ReviewAction.CONFIRM: Step({R.PENDING, R.AWAITING_SECOND}, R.CONFIRMED),
    ReviewAction.REJECT: Step({R.PENDING, R.AWAITING_SECOND}, R.REJECTED),
}

PRESENCE_REVIEW = Machine(
    name="presence_review",
    states=PresenceReviewState,
    actions=ReviewAction,
    steps=PRESENCE_REVIEW_TRANSITIONS,
    initial={R.PENDING},
    terminal={R.CONFIRMED, R.REJECTED},
    refusal=_("This review is already %(state)s."),
    code="review_decided",
)
