"""Every state machine of Asylon is well formed and refuses in the reader's language.

The machines are found, not listed: each `Machine` declared in an app's `transitions` module
(asylon.core.transitions), so a machine added later is checked without touching this file.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.utils import translation

import asylon
from asylon.core.errors import Conflict
from asylon.core.transitions import Machine


def machines() -> list[Machine]:
    found: list[Machine] = []
    for info in pkgutil.walk_packages(asylon.__path__, "asylon."):
        if info.name.rsplit(".", 1)[-1] != "transitions" or info.name == "asylon.core.transitions":
            continue
        module = importlib.import_module(info.name)
        found += [value for value in vars(module).values() if isinstance(value, Machine)]
    return found


MACHINES = machines()
IDS = [m.name for m in MACHINES]


def test_the_machines_are_found():
    """The scan knows the machines of every app; a broken scan would pass every check below."""
    assert {
        "movement",
        "rsd_case",
        "resettlement_case",
        "incident",
        "roll_call",
        "presence_review",
        "import_run",
        "duplicate_candidate",
    } <= set(IDS)
    assert len(IDS) == len(set(IDS)), "two machines share a name"


@pytest.mark.parametrize("machine", MACHINES, ids=IDS)
def test_every_state_named_is_a_state_and_every_action_an_action(machine):
    states, actions = set(machine.states.values), set(machine.actions.values)
    assert set(machine.steps) == actions, "the actions' choices and the table name the same steps"
    for action, step in machine.steps.items():
        assert step.sources, action
        assert set(step.sources) <= states, action
        assert step.target in states, action
    assert set(machine.initial) <= states
    assert set(machine.terminal) <= states


@pytest.mark.parametrize("machine", MACHINES, ids=IDS)
def test_every_state_is_reached_from_an_initial_state(machine):
    reached = set(machine.initial)
    frontier = list(reached)
    while frontier:
        state = frontier.pop()
        for target in machine.targets(state):
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert set(machine.states.values) - reached == set()


@pytest.mark.parametrize("machine", MACHINES, ids=IDS)
def test_the_terminal_states_are_those_no_step_leaves(machine):
    left = {source for source, _action, _target in machine.edges()}
    assert set(machine.terminal) == set(machine.states.values) - left


@pytest.mark.parametrize("machine", MACHINES, ids=IDS)
def test_a_step_leads_from_a_state_to_a_target_one_way_only(machine):
    """`step_to` names a step by where it leads: two steps from one state to one target
    would make the choice a guess."""
    pairs = [(source, target) for source, _action, target in machine.edges()]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize("machine", MACHINES, ids=IDS)
def test_the_table_is_read_as_declared(machine):
    for source, action, target in machine.edges():
        assert machine.step_for(action, source).target == target
        assert machine.step_to(target, source) is machine.steps[action]
        assert machine.allows(action, source)
        assert target in machine.targets(source)
        if machine.steps[action].offered:
            assert action in machine.allowed_actions(source)
        else:
            assert action not in machine.allowed_actions(source)


def _refused_pair(machine: Machine) -> tuple[str, str]:
    """An action and a state the table does not join."""
    return next(
        (action, state)
        for action, step in machine.steps.items()
        for state in machine.states.values
        if state not in step.sources
    )


def _refused_move(machine: Machine) -> tuple[str, str]:
    """A state and a target no step joins."""
    return next(
        (state, target)
        for state in machine.states.values
        for target in machine.states.values
        if target not in machine.targets(state)
    )


@pytest.mark.parametrize("machine", MACHINES, ids=IDS)
def test_a_refused_step_says_why_in_the_reader_language(machine):
    action, state = _refused_pair(machine)
    source, target = _refused_move(machine)
    said: dict[str, list[str]] = {}
    for lang in ("en", "fa", "ar"):
        with translation.override(lang):
            with pytest.raises(Conflict) as by_action:
                machine.step_for(action, state)
            with pytest.raises(Conflict) as by_target:
                machine.step_to(target, source)
            sentence = str(machine.refusal)
        assert by_action.value.code == by_target.value.code == machine.code
        said[lang] = [by_action.value.message, by_target.value.message, sentence]
    for message in said["en"][:2]:
        assert "%(" not in message and "“”" not in message, message
    # The sentence itself is translated, not only the labels put into it.
    for i in range(3):
        assert said["fa"][i] != said["en"][i] and said["ar"][i] != said["en"][i], said


@pytest.mark.parametrize("machine", MACHINES, ids=IDS)
def test_an_unknown_action_is_refused_with_the_machine_code(machine):
    said = {}
    for lang in ("en", "fa"):
        with translation.override(lang), pytest.raises(Conflict) as refused:
            machine.step_for("no_such_step", next(iter(machine.initial)))
        assert refused.value.code == machine.unknown_code
        assert "no_such_step" in refused.value.message
        said[lang] = refused.value.message
    assert said["fa"] != said["en"]
