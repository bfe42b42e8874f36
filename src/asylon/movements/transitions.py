"""The movement state machine: one declared table, read by the one service that moves it.

    REQUESTED --assess--> ASSESSED --approve--> APPROVED --carry_out--> CARRIED_OUT
        |                    |  \\--refuse--> REFUSED          \\--cancel--> CANCELLED
        |                    \\--cancel--> CANCELLED
        \\--assess (blocked)--> REFUSED,  --cancel--> CANCELLED

`gated` steps ask the safeguards for the person with the facts of that moment; a refused
gated step leaves the movement where it was (except the first assessment, whose refusal is
the answer to the request and is kept as a REFUSED movement).
"""

from __future__ import annotations

from dataclasses import dataclass

from asylon.core.errors import Conflict

from .models import GateAction, MovementState

S = MovementState


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str
    gated: bool
    needs_reason: bool = False


TRANSITIONS: dict[str, Step] = {
    GateAction.ASSESS: Step(frozenset({S.REQUESTED}), S.ASSESSED, gated=True),
    GateAction.APPROVE: Step(frozenset({S.ASSESSED}), S.APPROVED, gated=True),
    GateAction.REFUSE: Step(frozenset({S.ASSESSED}), S.REFUSED, gated=False, needs_reason=True),
    GateAction.CARRY_OUT: Step(frozenset({S.APPROVED}), S.CARRIED_OUT, gated=True),
    GateAction.CANCEL: Step(
        frozenset({S.REQUESTED, S.ASSESSED, S.APPROVED}), S.CANCELLED, gated=False, needs_reason=True
    ),
}

OPEN_STATES = frozenset({S.REQUESTED, S.ASSESSED, S.APPROVED})


def step_for(action: str, state: str) -> Step:
    step = TRANSITIONS.get(action)
    if step is None:
        raise Conflict(f"Unknown action {action!r}.", code="unknown_action")
    if state not in step.sources:
        raise Conflict(
            f"A movement that is {S(state).label} cannot be moved on with '{action}'.", code="impossible_transition"
        )
    return step


def allowed_actions(state: str) -> list[str]:
    return [action for action, step in TRANSITIONS.items() if state in step.sources and action != GateAction.ASSESS]
