"""Nothing outside movements/gate.py can change a movement's state: a source scan, and
the database itself refusing a state that no applied gate result names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import DatabaseError, transaction

from asylon.movements import gate
from asylon.movements import requests as movement_requests
from asylon.movements.models import GateResult, Movement

SRC = Path(__file__).resolve().parents[2] / "src" / "asylon"
ALLOWED = SRC / "movements" / "gate.py"


def _mentions_movements(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and "movements" in node.module:
            return True
        if isinstance(node, ast.Name) and node.id == "Movement":
            return True
    return False


def offending_lines(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    if not _mentions_movements(tree) and "movements" not in path.parts:
        return []
    hits = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "state":
                hits.append(f"{path}:{node.lineno} assigns .state")
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            keywords = {k.arg for k in node.keywords}
            if name in ("update", "bulk_update", "update_or_create") and "state" in keywords:
                hits.append(f"{path}:{node.lineno} {name}(state=...)")
            if name == "bulk_update" and any(
                isinstance(a, ast.List | ast.Tuple) and any(getattr(e, "value", None) == "state" for e in a.elts)
                for a in node.args
            ):
                hits.append(f"{path}:{node.lineno} bulk_update of state")
            if name in ("Movement", "create") and "state" in keywords:
                source = ast.unparse(node)
                if "Movement" in source:
                    hits.append(f"{path}:{node.lineno} creates a Movement with a state")
    return hits


def test_only_the_movement_services_write_a_movement_state():
    files = [p for p in SRC.rglob("*.py") if "migrations" not in p.parts and p != ALLOWED]
    hits = [hit for p in files for hit in offending_lines(p)]
    assert hits == []


def test_the_scan_would_see_a_state_change(tmp_path):
    rogue = tmp_path / "rogue.py"
    rogue.write_text(
        "from asylon.movements.models import Movement\n"
        "def f(m):\n    m.state = 'CARRIED_OUT'\n    Movement.objects.filter(pk=1).update(state='APPROVED')\n"
    )
    assert len(offending_lines(rogue)) == 2


def _refused_movement(po, resident):
    person = resident("ASYLUM_SEEKER")
    with pytest.raises(gate.MovementRefused) as err:
        movement_requests.request_movement(actor=po, person=person, kind="DEPORTATION_ORDER", destination_country="IR")
    return err.value.movement


def test_the_database_refuses_a_state_change_without_a_gate_result(po, resident):
    movement = _refused_movement(po, resident)
    with pytest.raises(DatabaseError), transaction.atomic():
        Movement.objects.filter(pk=movement.pk).update(state="CARRIED_OUT")
    with pytest.raises(DatabaseError), transaction.atomic():
        Movement.objects.filter(pk=movement.pk).update(state="ASSESSED")
    movement.refresh_from_db()
    assert movement.state == "REFUSED"


def test_the_database_refuses_a_movement_created_past_requested(po, resident):
    person = resident()
    with pytest.raises(DatabaseError), transaction.atomic():
        Movement.objects.create(
            reference="AAA-MV-999999",
            site=person.site,
            person=person,
            kind="DEPORTATION_ORDER",
            destination_country="IR",
            state="APPROVED",
            state_since="2020-01-01T00:00:00Z",
            requested_by=po,
        )


def test_gate_results_cannot_be_rewritten(po, resident):
    movement = _refused_movement(po, resident)
    with pytest.raises(DatabaseError), transaction.atomic():
        GateResult.objects.filter(movement=movement).update(allowed=True)
    with pytest.raises(RuntimeError):
        GateResult.objects.get(movement=movement).save()
