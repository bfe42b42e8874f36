"""The protection case's states and a referral's: two declared tables, each read by the one
function that moves its record (`services._enter_state`, `services_referrals._enter_state`).

Case:
OPEN --assess--> ASSESSED --start_plan--> PLAN_ACTIVE
OPEN | ASSESSED | PLAN_ACTIVE --close (reason)--> CLOSED --reopen (reason)--> OPEN

Referral:
SENT --accept--> ACCEPTED --complete (outcome)--> COMPLETED
SENT --decline (reason)--> DECLINED
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from asylon.core.transitions import Machine, Step

from .models import CaseState, ReferralState

S = CaseState
R = ReferralState


class Action(TextChoices):
    ASSESS = "assess", _("Record the assessment")
    START_PLAN = "start_plan", _("Start the case plan")
    CLOSE = "close", _("Close the case")
    REOPEN = "reopen", _("Reopen the case")


CASE_STEPS: dict[str, Step] = {
    # Taken by recording the first assessment and the first plan action, never offered alone.
    Action.ASSESS: Step({S.OPEN}, S.ASSESSED, offered=False),
    Action.START_PLAN: Step({S.ASSESSED}, S.PLAN_ACTIVE, offered=False),
    Action.CLOSE: Step({S.OPEN, S.ASSESSED, S.PLAN_ACTIVE}, S.CLOSED, needs_reason=True),
    Action.REOPEN: Step({S.CLOSED}, S.OPEN, needs_reason=True),
}

PROTECTION_CASE = Machine(
    name="protection_case",
    states=CaseState,
    actions=Action,
    steps=CASE_STEPS,
    initial={S.OPEN},
    terminal=frozenset(),
    refusal=_("A case in the state “%(state)s” cannot take the step “%(action)s”."),
)

OPEN_STATES = frozenset({S.OPEN, S.ASSESSED, S.PLAN_ACTIVE})


class ReferralAction(TextChoices):
    ACCEPT = "accept", _("Accept the referral")
    DECLINE = "decline", _("Decline the referral")
    COMPLETE = "complete", _("Record the outcome")


REFERRAL_STEPS: dict[str, Step] = {
    ReferralAction.ACCEPT: Step({R.SENT}, R.ACCEPTED),
    ReferralAction.DECLINE: Step({R.SENT}, R.DECLINED, needs_reason=True),
    ReferralAction.COMPLETE: Step({R.ACCEPTED}, R.COMPLETED, needs_reason=True),
}

REFERRAL = Machine(
    name="referral",
    states=ReferralState,
    actions=ReferralAction,
    steps=REFERRAL_STEPS,
    initial={R.SENT},
    terminal={R.DECLINED, R.COMPLETED},
    refusal=_("A referral in the state “%(state)s” cannot take the step “%(action)s”."),
)
