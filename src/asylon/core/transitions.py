"""One shape for every state machine: a table of `Step`s keyed by action, read by a `Machine`.

Each app declares its machines in its own `transitions.py`, whose docstring draws them: the
states are the model's `TextChoices`, the actions a `TextChoices` beside the table, and each
step names the states it may start from and the one it leads to. The one service that
assigns the state field asks the machine first, and writes only the target the step names:

    step = MOVEMENT.step_for(action, movement.state)   # a step named by its action
    step = INCIDENT.step_to(to, incident.status)       # a step named by where it leads

A step the table does not hold is refused with a `Conflict` whose message is translated and
names the state and the step as a reader knows them (the machine's `refusal` sentence, with
`%(state)s`, `%(action)s` and `%(target)s` at hand), and whose code is stable: each machine
keeps the code its pages, API and tests already answer with (`impossible_transition`,
`invalid_transition`, `roll_call_closed`...). Pages and the API offer what may be done next
with `allowed_actions(state)` or `targets(state)`, so an offered button is a step the
service will take.

tests/core/test_state_machines.py finds every `Machine` in the apps' `transitions` modules
and checks them all: each state named is one of the machine's states, every state is reached
from an initial one, the declared terminal states are exactly those no step leaves, and a
refusal reads in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import Conflict

# The refusal of a machine that declares no sentence of its own.
REFUSAL = gettext_lazy("The step “%(action)s” is not possible in the state “%(state)s”.")


@dataclass(frozen=True)
class Step:
    """One row of a table: from any of `sources`, the action leads to `target`.

    The optional fields are the extras a machine's service reads; a machine that has no use
    for one leaves it at its default."""

    sources: AbstractSet[str]
    target: str
    # The safeguards are asked, with the facts of that moment, before the step is taken.
    gated: bool = False
    # The step is refused without a reason from the one who takes it.
    needs_reason: bool = False
    # False for a step the system takes by itself (a movement's first assessment): it is in
    # the table, and never offered on a page or in the API's allowed actions.
    offered: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(self.sources))


@dataclass(frozen=True, kw_only=True, eq=False)
class Machine:
    """A named table of steps over a model's states, and the one reader of that table."""

    name: str
    states: type[models.TextChoices]
    actions: type[models.TextChoices]
    steps: Mapping[str, Step]
    # The states a record is created in; every other state is reached by steps from these.
    initial: AbstractSet[str]
    # The states no step leaves (declared, so that a forgotten way out fails a test).
    terminal: AbstractSet[str] = field(default_factory=frozenset)
    refusal: str | Promise = REFUSAL
    code: str = "impossible_transition"
    unknown_code: str = "unknown_action"

    def __post_init__(self) -> None:
        object.__setattr__(self, "initial", frozenset(self.initial))
        object.__setattr__(self, "terminal", frozenset(self.terminal))

    def step_for(self, action: str, state: str) -> Step:
        """The step `action` takes from `state`; refused if the table has no such step."""
        step = self.steps.get(action)
        if step is None:
            raise self.unknown(action)
        if state not in step.sources:
            raise self.refused(state, action=action)
        return step

    def step_to(self, target: str, state: str) -> Step:
        """The step that leads from `state` to `target`, for services that are told where to go."""
        for step in self.steps.values():
            if step.target == target and state in step.sources:
                return step
        action = next((a for a, step in self.steps.items() if step.target == target), None)
        raise self.refused(state, action=action, target=target)

    def allows(self, action: str, state: str) -> bool:
        step = self.steps.get(action)
        return step is not None and state in step.sources

    def allowed_actions(self, state: str) -> list[str]:
        """The actions offered from `state`, in table order."""
        return [action for action, step in self.steps.items() if state in step.sources and step.offered]

    def targets(self, state: str | None = None) -> list[str]:
        """The states one step leads to from `state` (every target when no state is given)."""
        found = [step.target for step in self.steps.values() if state is None or state in step.sources]
        return list(dict.fromkeys(found))

    def edges(self) -> list[tuple[str, str, str]]:
        """Every (source, action, target) the table holds: by action in table order, then by
        source in the order the states are declared."""
        order = self.states.values
        return [
            (source, action, step.target)
            for action, step in self.steps.items()
            for source in sorted(step.sources, key=order.index)
        ]

    def unknown(self, action: str) -> Conflict:
        return Conflict(_("Unknown action %(a)r.") % {"a": action}, code=self.unknown_code)

    def refused(self, state: str, *, action: str | None = None, target: str | None = None) -> Conflict:
        """The machine's refusal of a step from `state`, in the active language."""
        if target is None and action is not None and action in self.steps:
            target = self.steps[action].target
        words = {
            "state": _label(self.states, state),
            "action": _label(self.actions, action) if action is not None else _label(self.states, target),
            "target": _label(self.states, target),
        }
        return Conflict(str(self.refusal) % words, code=self.code)


def _label(choices: type[models.TextChoices], value: str | None) -> str:
    if value is None:
        return "—"
    return str(choices(value).label) if value in choices.values else str(value)
