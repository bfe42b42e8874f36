"""The resettlement case's stages: one declared table, read by the one function that moves it.

IDENTIFIED --assess--> ASSESSED --submit--> SUBMITTED --interview--> INTERVIEW
SUBMITTED | INTERVIEW --accept--> ACCEPTED --exit_formalities--> EXIT_FORMALITIES
SUBMITTED | INTERVIEW --reject--> REJECTED --submit--> SUBMITTED (another country)
EXIT_FORMALITIES --schedule_departure--> DEPARTURE_SCHEDULED --depart--> DEPARTED
DEPARTED --confirm_arrival--> ARRIVED
any stage before departure --close--> CLOSED (with a reason)
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from asylon.core.errors import Conflict

from .models import Stage

S = Stage

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "assess": (frozenset({S.IDENTIFIED, S.ASSESSED}), S.ASSESSED),
    "submit": (frozenset({S.ASSESSED, S.REJECTED}), S.SUBMITTED),
    "interview": (frozenset({S.SUBMITTED}), S.INTERVIEW),
    "accept": (frozenset({S.SUBMITTED, S.INTERVIEW}), S.ACCEPTED),
    "reject": (frozenset({S.SUBMITTED, S.INTERVIEW}), S.REJECTED),
    "exit_formalities": (frozenset({S.ACCEPTED}), S.EXIT_FORMALITIES),
    "schedule_departure": (frozenset({S.EXIT_FORMALITIES}), S.DEPARTURE_SCHEDULED),
    "depart": (frozenset({S.DEPARTURE_SCHEDULED}), S.DEPARTED),
    "confirm_arrival": (frozenset({S.DEPARTED}), S.ARRIVED),
    "close": (
        frozenset({S.IDENTIFIED, S.ASSESSED, S.SUBMITTED, S.INTERVIEW, S.ACCEPTED, S.REJECTED, S.EXIT_FORMALITIES}),
        S.CLOSED,
    ),
}

# Stages in which a case still waits for something (the dashboard's "open" cases).
OPEN_STAGES = frozenset(
    {
        S.IDENTIFIED,
        S.ASSESSED,
        S.SUBMITTED,
        S.INTERVIEW,
        S.ACCEPTED,
        S.REJECTED,
        S.EXIT_FORMALITIES,
        S.DEPARTURE_SCHEDULED,
    }
)
# Stages counted against the priority's target time (from submission to departure).
TIMED_STAGES = frozenset({S.SUBMITTED, S.INTERVIEW, S.ACCEPTED, S.EXIT_FORMALITIES, S.DEPARTURE_SCHEDULED})


def target_stage(action: str, stage: str) -> str:
    step = TRANSITIONS.get(action)
    if step is None:
        raise Conflict(_("Unknown action %(a)r.") % {"a": action}, code="unknown_action")
    sources, target = step
    if stage not in sources:
        raise Conflict(
            _("A case that is %(stage)s cannot be moved on with '%(action)s'.")
            % {"stage": Stage(stage).label, "action": action},
            code="impossible_transition",
        )
    return target


def allowed_actions(stage: str) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if stage in sources]
