"""The movement state machine: one declared table, read by the one service that moves it.

    REQUESTED --assess--> ASSESSED --approve--> APPROVED --carry_out--> CARRIED_OUT
        |                    |  \\--refuse--> REFUSED          \\--cancel--> CANCELLED
        |                    \\--cancel--> CANCELLED
        \\--assess (blocked)--> REFUSED,  --cancel--> CANCELLED

`gated` steps ask the safeguards for the person with the facts of that moment; a refused
gated step leaves the movement where it was (except the first assessment, whose refusal is
the answer to the request and is kept as a REFUSED movement). The first assessment is taken
by the request itself (`services._request_movement`), so it is never offered.
"""

from __future__ import annotations

from asylon.core.transitions import Machine, Step

from .models import GateAction, MovementState

S = MovementState

TRANSITIONS: dict[str, Step] = {
    GateAction.ASSESS: Step({S.REQUESTED}, S.ASSESSED, gated=True, offered=False),
    GateAction.APPROVE: Step({S.ASSESSED}, S.APPROVED, gated=True),
    GateAction.REFUSE: Step({S.ASSESSED}, S.REFUSED, needs_reason=True),
    GateAction.CARRY_OUT: Step({S.APPROVED}, S.CARRIED_OUT, gated=True),
    GateAction.CANCEL: Step({S.REQUESTED, S.ASSESSED, S.APPROVED}, S.CANCELLED, needs_reason=True),
}

MOVEMENT = Machine(
    name="movement",
    states=MovementState,
    actions=GateAction,
    steps=TRANSITIONS,
    initial={S.REQUESTED},
    terminal={S.REFUSED, S.CARRIED_OUT, S.CANCELLED},
)

OPEN_STATES = frozenset({S.REQUESTED, S.ASSESSED, S.APPROVED})
